"""Edit steps as values (core/steps.py), their JSON form, and constraints that ask for the true original.

A rewrite (paraphrase) starts a new word grid; constraints that bound the drift of the whole text
(Levenshtein, perplexity) must still compare with the tweet the attack started from, not with the
paraphrase. The tests below build "rewrite, then swap" paths by hand and with the fake paraphraser.
"""

from __future__ import annotations

import json
import zlib

import numpy as np
import pytest

from attack_recipe.attacks.results import AttackResult, Status
from attack_recipe.constraints.edit_distance import LevenshteinDistance
from attack_recipe.constraints.fluency import PerplexityIncrease
from attack_recipe.constraints.repeat import RepeatModification
from attack_recipe.constraints.sentence_similarity import SentenceSimilarity
from attack_recipe.constraints.stopwords import StopwordModification
from attack_recipe.core.steps import Rewrite, WordEdit, step_from_json
from attack_recipe.core.text import AttackedText
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.evaluation.recheck import replay, violated_constraints
from attack_recipe.evaluation.records import read_results
from attack_recipe.recipes.paraphrase import paraphrase, paraphrase_swap
from attack_recipe.recipes.presets import apply_preset
from attack_recipe.resources.datasets import Example
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.generators import MILDER, FakeParaphraser

ORIGINAL = "The movie was good."
PARAPHRASE = "Honestly, the film was fine!"


def rewrite_then_swap() -> AttackedText:
    return AttackedText(ORIGINAL).rewrite(PARAPHRASE).replace_word(2, "picture")


class TablePerplexity:
    """A causal-LM stand-in: perplexity from a table; an unknown text is an error, so the test sees
    exactly which texts the constraint compared."""

    name = "table-lm"

    def __init__(self, table):
        self.table = table
        self.asked: list[str] = []

    def perplexity(self, texts):
        self.asked.extend(texts)
        return [self.table[t] for t in texts]


# -- the step values ---------------------------------------------------------------------------
def test_steps_apply_themselves_and_say_what_they_replace():
    text = AttackedText(ORIGINAL)
    swapped = WordEdit({3: "fine", 1: "film"}).apply(text)
    assert swapped.text == "The film was fine." and swapped.modified_indices == {1, 3}
    assert WordEdit({3: "fine", 1: "film"}) == WordEdit(((1, "film"), (3, "fine")))  # sorted by index
    assert WordEdit({3: "fine"}).replaced_positions == {3}
    para = Rewrite(PARAPHRASE).apply(swapped)
    assert para.text == PARAPHRASE and para.original.text == ORIGINAL and para.rewritten
    assert Rewrite(PARAPHRASE).replaced_positions == frozenset()  # nothing for pre-constraints to judge
    assert para.last_step == Rewrite(PARAPHRASE) and text.last_step is None
    path = rewrite_then_swap().edits()
    assert path == (Rewrite(PARAPHRASE), WordEdit({2: "picture"}))


def test_invalid_steps_are_refused():
    with pytest.raises(ValueError, match="word index >= 0, got -2"):
        WordEdit({-2: "x"})
    with pytest.raises(ValueError, match="word index >= 0, got -1"):
        step_from_json([[-1, "a"], [2, "b"]])  # -1 marks a rewrite only as the step's single pair
    with pytest.raises(ValueError, match=r"list of \[index, word\] pairs"):
        step_from_json([[1, "a", "b"]])
    with pytest.raises(TypeError, match="EditStep values"):
        AttackResult("x", ORIGINAL, 1, Status.SUCCEEDED, edits=(((3, "fine"),),))


# -- the JSON form -----------------------------------------------------------------------------
def result_of(text: AttackedText, **kw) -> AttackResult:
    return AttackResult("ex0", text.original.text, 1, Status.SUCCEEDED, perturbed_text=text.text,
                        changed_indices=tuple(sorted(text.changed_indices)), edits=text.edits(),
                        num_words=text.original.num_words, **kw)


def test_both_step_kinds_round_trip_and_keep_the_old_on_disk_form():
    text = AttackedText(ORIGINAL).replace_word(3, "fine").rewrite(PARAPHRASE).replace_words({2: "picture", 4: "ok"})
    r = result_of(text)
    line = r.to_json_line()
    assert json.loads(line)["edits"] == [[[3, "fine"]], [[-1, PARAPHRASE]], [[2, "picture"], [4, "ok"]]]
    assert AttackResult.from_json_dict(json.loads(line)) == r


def test_a_word_swap_line_is_byte_identical_to_the_old_form():
    r = result_of(AttackedText("a good great day").replace_word(1, "fine").replace_words({2: "big", 3: "night"}))
    assert r.to_json_line().split('"edits": ')[1].startswith(
        '[[[1, "fine"]], [[2, "big"], [3, "night"]]], "num_words": 4,')


def test_an_old_paraphrase_line_reads_back_as_a_rewrite(tmp_path):
    # written by the code before edit steps were types (index -1 marked a rewrite)
    old = ('{"schema_version": 1, "example_id": "3", "original_text": "The movie was good.", "label": 1, '
           '"status": "succeeded", "original_prediction": 1, "original_score": 0.9, '
           '"perturbed_text": "Honestly, the picture was fine!", "perturbed_prediction": 0, '
           '"perturbed_score": 0.6, "changed_indices": [0, 1, 2, 4], '
           '"edits": [[[-1, "Honestly, the film was fine!"]], [[2, "picture"]]], "num_words": 4, '
           '"queries": 9, "cache_hits": 0, "generated": 8, "similarity": null, "perplexity_ratio": null, '
           '"independent_similarity": null, "reason": null, "error": null, '
           '"seconds": {"victim": 0.0, "encoder": 0.0, "lm": 0.0, "total": 0.1, "generator": 0.05, "rest": 0.05}, '
           '"target": null}\n')
    (tmp_path / "results.jsonl").write_text(old, encoding="utf-8")
    [r] = read_results(tmp_path / "results.jsonl")
    assert r.edits == (Rewrite(PARAPHRASE), WordEdit({2: "picture"})) and r.rewritten
    assert replay(r)[-1].text == r.perturbed_text
    # written back, it is the same line plus the fields added since (with their defaults)
    written = json.loads(r.to_json_line())
    expected = json.loads(old)
    expected["seconds"].update(judge=0.0, tagger=0.0)
    expected.update(judgement=None, rejected_successes=0, screened_out=0)
    assert written == expected


class BagOfWordsEncoder:
    """Stub sentence encoder: hashed bag of words plus a shared component, so one changed word in a
    tweet keeps a cosine around 0.99 (the strict preset asks 0.98)."""

    name = "bag-of-words"

    def __init__(self, shared: float = 0.0):
        self.shared = shared

    def encode(self, texts):
        rows = np.zeros((len(texts), 512), dtype=np.float32)
        for r, text in enumerate(texts):
            for w in AttackedText(text).words:
                rows[r, zlib.crc32(w.lower().encode()) % 512] += 1.0
            rows[r, 0] += self.shared
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)

    def cosine(self, a, b):
        return (self.encode(a) * self.encode(b)).sum(1)


def test_a_paraphrase_run_folder_resumes(tmp_path):
    def run(examples):
        attack = paraphrase(generator=FakeParaphraser(), encoder=BagOfWordsEncoder(), sim_threshold=0.5,
                            num_candidates=6, max_rounds=3)
        attack._similarity_model = None
        info = {"recipe": "paraphrase", "model": "toy", "dataset": "toy", "split": "all", "offset": 0}
        return run_dataset(attack, KeywordSentimentVictim(), examples, out_dir=tmp_path, seed=3, run_info=info)

    examples = [Example(f"ex{i}", t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES)]
    run(examples[:4])
    written = (tmp_path / "results.jsonl").read_text(encoding="utf-8")
    assert '"edits": [[[-1, ' in written  # rewrites keep their on-disk form
    outcome = run(examples)
    assert (tmp_path / "results.jsonl").read_text(encoding="utf-8").startswith(written)  # kept, not redone
    back = read_results(tmp_path / "results.jsonl")
    assert len(back) == len(outcome.results) == len(examples)
    assert [r.edits for r in back] == [r.edits for r in outcome.results]
    assert any(r.rewritten for r in back[:4])


# -- constraints ask for the true original -----------------------------------------------------
def test_levenshtein_measures_from_the_true_original_after_a_rewrite():
    cand = rewrite_then_swap()  # "Honestly, the picture was fine!"
    from rapidfuzz.distance import Levenshtein

    assert Levenshtein.distance(PARAPHRASE, cand.text) == 6 and Levenshtein.distance(ORIGINAL, cand.text) == 22
    assert not LevenshteinDistance(max_edit_distance=21).check(cand)  # the paraphrase counts too
    assert LevenshteinDistance(max_edit_distance=30).check(cand)
    assert LevenshteinDistance(max_edit_distance=4).check(AttackedText(ORIGINAL).replace_word(3, "fine"))


def test_perplexity_ratio_is_against_the_true_original_after_a_rewrite():
    cand = rewrite_then_swap()
    lm = TablePerplexity({ORIGINAL: 60.0, PARAPHRASE: 20.0, cand.text: 50.0})
    fluency = PerplexityIncrease(max_ratio=2.0, lm=lm)
    assert fluency.ratios([cand]) == [pytest.approx(50.0 / 60.0)]
    assert PARAPHRASE not in lm.asked  # the paraphrase is a step, not the reference
    assert fluency.check(cand)  # 50 / 60: the swap on a fluent paraphrase of a disfluent tweet is allowed
    # ... where the paraphrase as reference (the old behaviour) would give 50 / 20 = 2.5 and reject it

    para = AttackedText(ORIGINAL).rewrite(PARAPHRASE)
    fluency = PerplexityIncrease(max_ratio=2.0, lm=TablePerplexity({ORIGINAL: 10.0, PARAPHRASE: 30.0}))
    assert fluency.ratios([para]) == [pytest.approx(3.0)] and not fluency.check(para)  # no longer 1.0


def test_word_level_constraints_compare_within_the_grid():
    cand = rewrite_then_swap()
    assert cand.base_words == AttackedText(PARAPHRASE).words and cand.modified_indices == {2}
    assert RepeatModification().modifiable(cand) == {0, 1, 3, 4}
    sim = SentenceSimilarity(threshold=0.0, metric="cosine", window_size=2, encoder=BagOfWordsEncoder(),
                             compare_against="previous")
    assert cand.aligned_with(cand.previous) and not cand.previous.aligned_with(cand.previous.previous)
    windows = [cand.previous.window(2, 2)], [cand.window(2, 2)]
    assert windows == (["film was"], ["picture was"])  # same grid: windows around the swapped position
    assert sim.similarities([cand])[0] == pytest.approx(float(BagOfWordsEncoder().cosine(*windows)[0]))


def test_recheck_of_a_paraphrase_then_swap_path():
    cand = rewrite_then_swap()
    r = result_of(cand)
    steps = replay(r)
    assert [s.text for s in steps] == [PARAPHRASE, cand.text] and steps[-1].original.text == ORIGINAL

    class Attack:  # what violated_constraints reads
        pre_constraints = [RepeatModification(), StopwordModification(["the", "was", "honestly"])]
        constraints = [LevenshteinDistance(max_edit_distance=30)]

    # the rewrite replaces stopwords but no position in place: pre-constraints judge the swap only
    assert violated_constraints(Attack, r) == []
    Attack.constraints = [LevenshteinDistance(max_edit_distance=21)]
    assert violated_constraints(Attack, r) == [f"step 2: {Attack.constraints[0]!r}"]  # step 1 is at 20
    Attack.constraints = []
    swap_stopword = result_of(AttackedText(ORIGINAL).rewrite(PARAPHRASE).replace_word(1, "a"))
    assert violated_constraints(Attack, swap_stopword) == ["step 2: StopwordModification(3 words)"]


# -- the strict preset on paraphrase+swap ------------------------------------------------------
class WordFactorLM:
    """perplexity = 10 x ``opener`` if the text contains "honestly" (the fake paraphraser's opener)
    x 2.5 per word outside the toy vocabulary."""

    name = "word-factor-lm"
    VOCAB = {w.lower() for t, _ in SENTIMENT_EXAMPLES for w in AttackedText(t).words} | set(MILDER.values())

    def __init__(self, opener: float):
        self.opener = opener

    def perplexity(self, texts):
        out = []
        for t in texts:
            p = 10.0
            for w in AttackedText(t).words:
                w = w.lower()
                p *= self.opener if w == "honestly" else 1.0 if w in self.VOCAB else 2.5
            out.append(p)
        return out


def strict_paraphrase_swap(lm) -> object:
    attack = apply_preset(paraphrase_swap(generator=FakeParaphraser(), encoder=BagOfWordsEncoder(8.0),
                                          num_candidates=6, max_rounds=2), "strict")
    attack._similarity_model = None
    for c in attack.constraints:
        if isinstance(c, PerplexityIncrease):
            c._lm = lm
        if isinstance(c, SentenceSimilarity):
            c._encoder = BagOfWordsEncoder(8.0)
    return attack


def test_strict_preset_judges_a_paraphrase_by_the_fluency_of_the_original_tweet():
    """Before, a paraphrase was its own perplexity reference (ratio 1.0, always allowed) under strict;
    now it is measured against the tweet: a paraphrase 3x as perplexing is dropped, a fluent one kept."""
    victim = KeywordSentimentVictim(lexicon={**KeywordSentimentVictim().lexicon, "honestly": -0.3})
    examples = SENTIMENT_EXAMPLES[:4]
    disfluent = strict_paraphrase_swap(WordFactorLM(opener=3.0))
    results = [disfluent.run(victim, t, y, example_id=str(i)) for i, (t, y) in enumerate(examples)]
    assert not any(r.rewritten for r in results)
    fluent = strict_paraphrase_swap(WordFactorLM(opener=0.5))
    results = [fluent.run(victim, t, y, example_id=str(i)) for i, (t, y) in enumerate(examples)]
    assert all(r.rewritten for r in results) and any(r.status is Status.SUCCEEDED for r in results)
    for r in results:
        if r.status is Status.SUCCEEDED:
            assert violated_constraints(fluent, r) == []
