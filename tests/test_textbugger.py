"""TextBugger: its five bugs, the homoglyph table, sentence ranking, and the recipe end to end.

Fast tests run on the toy keyword victim with a tiny word-vector space and a character-trigram
sentence encoder, so nothing heavy loads; the real-model test is marked slow.
"""

import dataclasses
import zlib

import numpy as np
import pytest

from attack_recipe.attacks.results import AttackResult, Status
from attack_recipe.core.steps import WordEdit
from attack_recipe.core.text import AttackedText
from attack_recipe.attacks.transformations.char_edits import (
    HomoglyphSubstitution,
    HomoglyphTableError,
    NeighbourCharacterSwap,
    RandomCharacterDeletion,
    SpaceInsertion,
    load_homoglyphs,
)
from attack_recipe.errors import ResourceNotFoundError, UsageError
from attack_recipe.evaluation.recheck import replay, violated_constraints
from attack_recipe.attacks.search.sentence_wir import SentenceWordImportanceGreedy, sentence_spans, sentence_text
from attack_recipe.constraints.word_length import MinWordLength
from attack_recipe.recipes.textbugger import textbugger
from attack_recipe.resources.embeddings import WordEmbedding
from attack_recipe.resources.encoder import SentenceEncoder
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim


# -- tiny stand-ins for GloVe and MiniLM ------------------------------------------------------------
class TrigramModel:
    """Bag of hashed character trigrams: similar strings get similar vectors, deterministically."""

    def encode(self, texts, **kwargs):
        out = np.zeros((len(texts), 256), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.lower()}  "
            for i in range(len(padded) - 2):
                out[row, zlib.crc32(padded[i:i + 3].encode()) % 256] += 1.0
        return out


def tiny_space() -> WordEmbedding:
    """Neighbours: terrible ~ dreadful, good ~ decent, great ~ grand (the toy victim ignores the second)."""
    words = ["terrible", "dreadful", "good", "decent", "great", "grand", "movie", "film"]
    base = np.eye(4, dtype=np.float32)
    vectors = [base[0], base[0] + 0.1 * base[1], base[1], base[1] + 0.1 * base[2],
               base[2], base[2] + 0.1 * base[3], base[3], base[3] + 0.1 * base[0]]
    return WordEmbedding(words, np.stack(vectors), name="tiny")


@pytest.fixture(scope="module")
def victim():
    return KeywordSentimentVictim()


@pytest.fixture(scope="module")
def attack():
    return textbugger(embedding=tiny_space(), max_candidates=1,
                      encoder=SentenceEncoder(TrigramModel(), name="trigram"))


def rng(seed=0):
    return np.random.default_rng(seed)


def strip_timing(result: AttackResult) -> dict:
    d = result.to_json_dict()
    d.pop("seconds")
    return d


# -- the five bugs ---------------------------------------------------------------------------------
def test_space_insertion_splits_inside_the_word_and_keeps_one_word_slot():
    text = AttackedText("The ending was terrible.")
    cands = SpaceInsertion(random_one=False)(text, [3], rng())
    assert [c.words[3] for c in cands] == [f"terrible"[:k] + " " + "terrible"[k:] for k in range(1, 8)]
    for c in cands:
        assert c.num_words == text.num_words and c.modified_indices == {3}
        assert c.text.startswith("The ending was ") and c.text.endswith(".")
    assert SpaceInsertion(min_length=4)(AttackedText("a bad day"), [1], rng()) == []


def test_space_insertion_position_comes_from_the_run_generator():
    text = AttackedText("wonderful")
    first = [SpaceInsertion()(text, [0], rng(seed))[0].text for seed in range(6)]
    again = [SpaceInsertion()(text, [0], rng(seed))[0].text for seed in range(6)]
    assert first == again
    assert len(set(first)) > 1  # the seed really moves the split point
    assert all(" " in t and not t.startswith(" ") and not t.endswith(" ") for t in first)


def test_delete_and_swap_keep_the_first_and_last_letter():
    deleted = RandomCharacterDeletion(random_one=False, skip_first_char=True, skip_last_char=True)
    swapped = NeighbourCharacterSwap(random_one=False, skip_first_char=True, skip_last_char=True)
    text = AttackedText("Awful")
    assert sorted(c.words[0] for c in deleted(text, [0], rng())) == ["Aful", "Awfl", "Awul"]
    assert sorted(c.words[0] for c in swapped(text, [0], rng())) == ["Afwul", "Awufl"]
    assert swapped(AttackedText("bad"), [0], rng()) == []  # no two inner letters to swap


def test_homoglyph_substitution_replaces_one_character_by_a_table_look_alike():
    table = load_homoglyphs()
    sub = HomoglyphSubstitution()
    for seed in range(10):
        [cand] = sub(AttackedText("good"), [0], rng(seed))
        one_swap = {"good"[:i] + o + "good"[i + 1:] for i, ch in enumerate("good") for o in table.get(ch, ())}
        assert cand.words[0] in one_swap
    every = HomoglyphSubstitution(random_one=False)(AttackedText("Sad"), [0], rng())
    assert sorted(c.words[0] for c in every) == ["$ad", "5ad", "S@d", "Sacl"]  # "S" uses its own row
    assert HomoglyphSubstitution()(AttackedText("fury"), [0], rng()) == []  # no covered character


def test_homoglyph_substitution_accepts_a_custom_mapping():
    sub = HomoglyphSubstitution(table={"x": ["%"]}, random_one=False)
    assert [c.text for c in sub(AttackedText("xox"), [0], rng())] == ["%ox", "xo%"]
    assert "custom" in repr(sub)


def test_packaged_homoglyph_table_has_the_papers_examples():
    table = load_homoglyphs()
    assert "0" in table["o"] and "1" in table["l"] and "@" in table["a"]
    assert all(c not in opts for c, opts in table.items())


def test_missing_homoglyph_table_names_the_file_and_the_fix(tmp_path):
    missing = tmp_path / "nope.tsv"
    with pytest.raises(ResourceNotFoundError, match="nope.tsv") as info:
        load_homoglyphs(missing)
    assert "reinstall attack-recipe" in str(info.value)
    sub = HomoglyphSubstitution(table=missing)  # construction stays cheap: the file is read on use
    with pytest.raises(ResourceNotFoundError):
        sub(AttackedText("good"), [0], rng())


@pytest.mark.parametrize("content, message", [
    ("o\t0\n", r"line 1: expected 3 TAB-separated fields"),
    ("# header\noo\t0\tround\n", r"line 2: the first field must be one visible character"),
    ("o\to\tsame\n", r"look-alikes must be"),
    ("o\t0\t \n", r"third field is empty"),
    ("o\t0\tround\no\t0\tround again\n", r"listed twice"),
    ("# only comments\n\n", r"has no rows"),
])
def test_broken_homoglyph_table_is_reported_with_its_line(tmp_path, content, message):
    path = tmp_path / f"broken-{zlib.crc32(content.encode())}.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(HomoglyphTableError, match=message):
        load_homoglyphs(path)


def test_sub_w_swaps_embedding_neighbours_and_keeps_case(attack):
    cands = attack.transformation(AttackedText("Terrible movie"), [0], rng())
    words = {c.words[0] for c in cands}
    assert "Dreadful" in words
    assert len(cands) == len({c.text for c in cands}) <= 5 + 4  # at most 5 neighbours + 4 character bugs


# -- constraints and ranking ----------------------------------------------------------------------
def test_min_word_length_protects_short_words():
    assert MinWordLength(3).modifiable(AttackedText("it is so bad")) == {3}
    with pytest.raises(UsageError, match="min_length"):
        MinWordLength(0)


def test_sentence_spans_and_texts():
    text = AttackedText("Great cast. The plot was dull! Would not watch again")
    assert sentence_spans(text) == [(0, 1), (2, 5), (6, 9)]
    assert [sentence_text(text, a, b).text for a, b in sentence_spans(text)] == [
        "Great cast.", "The plot was dull!", "Would not watch again"]
    assert sentence_spans(AttackedText("I paid 3.5 dollars, fine")) == [(0, 5)]


def test_sentence_ranking_drops_sentences_already_against_the_label(attack, victim):
    from attack_recipe.attacks.search.base import SearchContext
    from attack_recipe.attacks.state import RunState
    from attack_recipe.attacks.goals import Untargeted

    text = AttackedText("The food was awful. I love the great staff and the happy mood!")
    state = RunState(victim, Untargeted(), 1, rng(), None)
    initial = state.evaluate([text])[0]
    assert initial.prediction == 1
    ctx = SearchContext(state, attack.transformation, attack.pre_constraints, attack.constraints)
    order, complete = SentenceWordImportanceGreedy().rank(ctx, initial)
    assert complete
    # the first sentence is negative on its own (label 1 is positive): none of its words is attacked
    assert order and all(i >= 4 for i in order)
    # by deletion importance; "love" and "great" weigh the same, so text order breaks the tie
    assert order[:3] == [text.words.index("love"), text.words.index("great"), text.words.index("happy")]


# -- the recipe end to end ------------------------------------------------------------------------
def test_recipe_is_cheap_black_box_and_shows_its_configuration():
    attack = textbugger()
    assert not attack.needs_gradients
    assert attack.transformation.transformations[-1]._embedding is None  # GloVe not loaded yet
    assert attack.constraints[0]._encoder is None  # MiniLM not loaded yet
    assert "textbugger" in repr(attack) and "HomoglyphSubstitution" in repr(attack)
    assert "threshold=0.8" in repr(attack) and "max_candidates=5" in repr(attack)


def test_recipe_succeeds_and_survives_the_independent_recheck(attack, victim):
    statuses, spaced = [], []
    for i, (text, label) in enumerate(SENTIMENT_EXAMPLES):
        r = attack.run(victim, text, label, example_id=f"ex{i}", seed=0)
        statuses.append(r.status)
        if r.status is Status.SUCCEEDED:
            assert victim([r.perturbed_text])[0].argmax() != label
            assert violated_constraints(attack, r) == []
            assert replay(r)[-1].text == r.perturbed_text
            assert r.similarity is not None and r.similarity >= 0.8
            spaced.append(r)
    assert statuses.count(Status.SUCCEEDED) >= 5, statuses
    assert any(" " in word for r in spaced for step in r.edits for _, word in step.replacements)  # split words re-check too


def test_space_bug_replays_through_recheck(attack):
    """A split word stays in its slot: replay rebuilds it and every constraint re-checks it."""
    text = "The plot was boring and the ending was terrible."
    edits = (WordEdit({8: "terr ible"}), WordEdit({3: "bor ing"}))
    steps = replay(AttackResult("x", text, 0, Status.SUCCEEDED, edits=edits))
    perturbed = steps[-1]
    assert perturbed.text == "The plot was bor ing and the ending was terr ible."
    assert perturbed.num_words == AttackedText(text).num_words and perturbed.modified_indices == {3, 8}
    result = AttackResult("x", text, 0, Status.SUCCEEDED, perturbed_text=perturbed.text,
                          changed_indices=(3, 8), edits=edits)
    assert violated_constraints(attack, result) == []
    bad = dataclasses.replace(result, edits=(WordEdit({8: "terr ible"}), WordEdit({8: "ter rible"})),
                              perturbed_text="The plot was boring and the ending was ter rible.",
                              changed_indices=(8,))
    assert any("RepeatModification" in v for v in violated_constraints(attack, bad))


def test_recipe_honours_a_query_budget(attack, victim):
    for budget in (1, 2, 5, 12):
        for i, (text, label) in enumerate(SENTIMENT_EXAMPLES):
            r = attack.run(victim, text, label, example_id=f"ex{i}", query_budget=budget)
            assert r.queries <= budget
            if r.status is Status.FAILED and r.queries == budget:
                assert r.reason == "query budget exhausted"


def test_same_seed_same_results(attack, victim):
    def run(seed):
        return [strip_timing(attack.run(victim, t, y, example_id=f"ex{i}", seed=seed))
                for i, (t, y) in enumerate(SENTIMENT_EXAMPLES)]

    assert run(3) == run(3)
