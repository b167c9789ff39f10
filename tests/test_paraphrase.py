"""Paraphrase attacks: rewrites as text edits, replay + re-check, budget, similarity bound, generation cost.

Fast tests use a deterministic fake generator and a bag-of-words stub encoder (no model loads, except
GloVe/WordNet for the ``paraphrase+swap`` swap phase). The real SmolLM2 generator runs in
tests/test_slow_builtin.py on built-in-victim examples.
"""

from __future__ import annotations

import dataclasses
import json
import time
import zlib

import numpy as np
import pytest

from attack_recipe.attacks.results import AttackResult, Status, TimeSplit
from attack_recipe.core.steps import Rewrite, WordEdit
from attack_recipe.core.text import AttackedText, align_words
from attack_recipe.evaluation.console import word_diff
from attack_recipe.evaluation.metrics import summarize
from attack_recipe.evaluation.recheck import replay, violated_constraints
from attack_recipe.recipes.paraphrase import paraphrase, paraphrase_swap
from attack_recipe.resources.generator import clean_paraphrase
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.generators import OFF_TOPIC, FakeParaphraser as FakeGenerator

class BagOfWordsEncoder:
    """Stub sentence encoder: normalised hashed bag of words, so cosine = word overlap."""

    name = "bag-of-words"

    def encode(self, texts):
        rows = np.zeros((len(texts), 512), dtype=np.float32)
        for r, text in enumerate(texts):
            for w in AttackedText(text).words:
                rows[r, zlib.crc32(w.lower().encode()) % 512] += 1.0
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        return rows / np.maximum(norms, 1e-9)

    def cosine(self, a, b):
        x, y = self.encode(a), self.encode(b)
        return (x * y).sum(1)


THRESHOLD = 0.5
POSITIVE = [(t, y) for t, y in SENTIMENT_EXAMPLES if y == 1]


def make(recipe=paraphrase, threshold=THRESHOLD, **kw):
    attack = recipe(generator=FakeGenerator(), encoder=BagOfWordsEncoder(), sim_threshold=threshold,
                    num_candidates=6, **kw)
    attack._similarity_model = BagOfWordsEncoder()  # reported similarity without MiniLM
    return attack


@pytest.fixture(scope="module")
def victim():
    return KeywordSentimentVictim()


# -- the text model ----------------------------------------------------------------------------
def test_rewrite_starts_a_new_word_grid_that_remembers_the_original():
    orig = AttackedText("The movie was good.")
    swapped = orig.replace_word(3, "fine")
    para = swapped.rewrite("Honestly, the film was fine!")
    assert para.last_step == Rewrite("Honestly, the film was fine!") and para.rewritten and para.parent is swapped
    assert para.original.text == "The movie was good."
    assert para.base_words == para.words and para.modified_indices == frozenset()
    assert not para.aligned_with(swapped) and not para.aligned_with(para.original)
    assert para.newly_modified == frozenset(range(5))
    assert para.changed_indices == {0, 1, 2, 4}  # against the original: only "was" is kept
    after = para.replace_word(2, "picture")
    assert after.modified_indices == {2} and after.rewritten and after.last_step == WordEdit({2: "picture"})
    assert after.aligned_with(para) and not after.aligned_with(after.original)
    assert after.original.text == "The movie was good."
    assert after.edits() == (WordEdit({3: "fine"}), Rewrite("Honestly, the film was fine!"), WordEdit({2: "picture"}))
    assert orig.original is orig and not swapped.rewritten


def test_align_words_keeps_identical_words_in_order():
    assert align_words(["a", "b", "c", "d"], ["b", "c", "d", "e"]) == [(1, 0), (2, 1), (3, 2)]


def test_result_of_a_rewrite_round_trips_and_old_lines_load():
    r = AttackResult(example_id="1", original_text="a good day", label=1, status=Status.SUCCEEDED,
                     perturbed_text="what a decent day it was", changed_indices=(0, 2, 4, 5),
                     edits=(Rewrite("what a decent day it was"),), num_words=3, generated=8,
                     seconds=TimeSplit(victim=0.1, generator=2.0, total=2.5))
    back = AttackResult.from_json_dict(json.loads(r.to_json_line()))
    assert back == dataclasses.replace(r, seconds=back.seconds) and back.seconds.generator == 2.0
    assert r.rewritten and r.perturbed_word_fraction == pytest.approx(1 / 3)  # "good" not kept
    old = r.to_json_dict()
    del old["generated"], old["seconds"]["generator"]
    loaded = AttackResult.from_json_dict(old)
    assert loaded.generated == 0 and loaded.seconds.generator == 0.0


def test_word_diff_of_a_rewrite_aligns_words():
    plain = word_diff("The movie was good.", "Honestly, the movie was decent.", [0, 1, 4], markers=True).plain
    assert plain == "[-The-] {+Honestly+}, {+the+} movie was [-good-] {+decent+}."


@pytest.mark.parametrize("raw, expected", [
    ('Paraphrase: "The film was fine."', "The film was fine."),
    ("Here's a rephrased version of the sentence:\n\nThe film was fine.", "The film was fine."),
    ("  the movie was GOOD. ", None),  # a copy of the input
    ("", None),
    ("Rewritten sentence: “A fine film.”\nIn the original sentence ...", "A fine film."),
    ('To paraphrase this sentence, we could rephrase it to: "The film was fine, and', "The film was fine, and"),
    ("I'll just rephrase it to: The film was fine!", "The film was fine!"),
    ("The film was fine: a delight.", "The film was fine: a delight."),  # a colon inside a real answer
])
def test_clean_paraphrase(raw, expected):
    assert clean_paraphrase(raw, "The movie was good.") == expected


# -- the attack --------------------------------------------------------------------------------
def test_paraphrase_success_replays_and_passes_the_recheck(victim):
    attack = make(max_rounds=3)
    results = [attack.run(victim, t, y, example_id=str(i)) for i, (t, y) in enumerate(POSITIVE)]
    successes = [r for r in results if r.status is Status.SUCCEEDED]
    assert successes, [r.reason for r in results]
    for r in successes:
        assert any(isinstance(step, Rewrite) for step in r.edits)
        steps = replay(r)
        assert steps[-1].text == r.perturbed_text and steps[-1].rewritten
        assert violated_constraints(attack, r) == []
        assert victim([r.perturbed_text])[0].argmax() != r.label
        assert list(r.changed_indices) == sorted(steps[-1].changed_indices)
        assert 0 < r.perturbed_word_fraction <= 1


def test_recheck_catches_a_tampered_rewrite(victim):
    attack = make(max_rounds=3)
    r = next(r for r in (attack.run(victim, t, y) for t, y in POSITIVE) if r.status is Status.SUCCEEDED)
    forged = dataclasses.replace(r, edits=(Rewrite(OFF_TOPIC),), perturbed_text=OFF_TOPIC)
    assert any("SentenceSimilarity" in v for v in violated_constraints(attack, forged))


def test_similarity_threshold_holds_on_every_success(victim):
    loose = make(threshold=0.0, max_rounds=1)
    r = loose.run(victim, *POSITIVE[0])
    assert r.status is Status.SUCCEEDED  # without the bound, the off-topic text can win
    strict = make(max_rounds=3)
    sim = strict.constraints[0]
    seen = 0
    for i, (text, label) in enumerate(SENTIMENT_EXAMPLES):
        r = strict.run(victim, text, label, example_id=str(i))
        if r.status is Status.SUCCEEDED:
            seen += 1
            assert r.perturbed_text != OFF_TOPIC
            assert sim.similarities([replay(r)[-1]])[0] >= THRESHOLD
            assert r.similarity >= THRESHOLD
    assert seen >= 3


@pytest.mark.parametrize("budget", [1, 2, 3, 5, 8])
def test_query_budget_is_never_exceeded(victim, budget):
    attack = make(max_rounds=3)
    for i, (text, label) in enumerate(SENTIMENT_EXAMPLES):
        r = attack.run(victim, text, label, example_id=str(i), query_budget=budget)
        assert r.queries <= budget
        if r.status is Status.FAILED and r.queries == budget:
            assert r.reason in ("query budget exhausted", "no candidate reached the goal")


def test_generation_is_counted_and_timed_apart_from_queries(victim):
    attack = make(max_rounds=3)
    gen = attack.search.paraphrase._generator
    r = attack.run(victim, *POSITIVE[0])
    assert r.generated == 6 * len(gen.calls) > 0
    assert r.seconds.generator >= 0.002 * len(gen.calls)
    assert r.seconds.rest == pytest.approx(
        r.seconds.total - r.seconds.victim - r.seconds.encoder - r.seconds.lm - r.seconds.generator, abs=1e-9)
    assert r.queries < r.generated + 1  # distinct texts sent to the victim, not generated samples
    s = summarize([r])
    assert s["mean_generated_per_attempt"] == r.generated
    assert s["time_split"]["generator_seconds"] == round(r.seconds.generator, 4)


def test_same_seed_same_result_and_seed_reaches_the_generator(victim):
    a, b = make(max_rounds=3), make(max_rounds=3)
    ra = a.run(victim, *POSITIVE[1], example_id="x", seed=3)
    rb = b.run(victim, *POSITIVE[1], example_id="x", seed=3)
    assert ra.perturbed_text == rb.perturbed_text and ra.edits == rb.edits and ra.queries == rb.queries
    assert a.search.paraphrase._generator.calls == b.search.paraphrase._generator.calls
    c = make(max_rounds=3)
    c.run(victim, *POSITIVE[1], example_id="x", seed=4)
    assert c.search.paraphrase._generator.calls[0][2] != a.search.paraphrase._generator.calls[0][2]


def test_factories_are_cheap_and_show_their_configuration():
    attack = paraphrase()
    assert attack.search.paraphrase._generator is None  # nothing loaded at construction
    assert "paraphrase" in repr(attack) and "num_candidates=8" in repr(attack)
    assert not attack.needs_gradients and not paraphrase_swap().needs_gradients


# -- paraphrase, then word swaps ---------------------------------------------------------------
class NoSentimentChange(FakeGenerator):
    """Paraphrases that only rephrase the opening: the victim's score does not move."""

    def __call__(self, text, n, seed):
        time.sleep(self.delay)
        self.calls.append((text, n, seed))
        return ["Honestly, " + text[0].lower() + text[1:]] * n


def test_paraphrase_then_swap_keeps_the_bound_across_both_phases(victim):
    attack = make(paraphrase_swap, max_rounds=2)
    statuses = []
    for i, (text, label) in enumerate(SENTIMENT_EXAMPLES[:6]):
        r = attack.run(victim, text, label, example_id=str(i))
        statuses.append(r.status)
        if r.status is Status.SUCCEEDED:
            assert violated_constraints(attack, r) == []
            assert attack.constraints[-1].similarities([replay(r)[-1]])[0] >= THRESHOLD
    assert Status.SUCCEEDED in statuses


def test_swap_phase_starts_from_the_best_paraphrase(victim):
    attack = make(paraphrase_swap, max_rounds=2)
    attack.search.paraphrase._generator = gen = NoSentimentChange()
    # a paraphrase that does not lower the score is not kept: the swaps start from the original
    r = attack.run(victim, *POSITIVE[0])
    assert len(gen.calls) == 1 and not r.rewritten
    # the toy victim reads "Honestly" as mildly negative → the paraphrase improves, swaps build on it
    victim2 = KeywordSentimentVictim(lexicon={**victim.lexicon, "honestly": -0.3})
    r2 = attack.run(victim2, *POSITIVE[0])
    assert r2.edits and isinstance(r2.edits[0], Rewrite)
    if r2.status is Status.SUCCEEDED:
        assert len(r2.edits) > 1 and violated_constraints(attack, r2) == []


# -- the real generator -------------------------------------------------------------------------
