"""Engine unit tests on the toy victims: text edits, query accounting, goals, search, errors."""

import numpy as np
import pytest

from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.goals import Targeted, Threshold, Untargeted
from attack_recipe.attacks.results import AttackResult, Status
from attack_recipe.attacks.search.beam import BeamSearch
from attack_recipe.attacks.search.greedy_wir import GreedyWordSwapWIR
from attack_recipe.attacks.state import RunState
from attack_recipe.core.steps import WordEdit
from attack_recipe.core.text import AttackedText
from attack_recipe.attacks.transformations.base import Composite, WordSwap, match_case
from attack_recipe.attacks.transformations.char_edits import (
    NeighbourCharacterSwap,
    RandomCharacterDeletion,
    RandomCharacterInsertion,
    RandomCharacterSubstitution,
)
from attack_recipe.constraints.edit_distance import LevenshteinDistance
from attack_recipe.constraints.max_words import MaxWordsPerturbed
from attack_recipe.constraints.repeat import RepeatModification
from attack_recipe.constraints.stopwords import StopwordModification
from attack_recipe.errors import InputError, UsageError, WhiteBoxRequiredError
from attack_recipe.testing import SENTIMENT_EXAMPLES, BagOfEmbeddingsVictim, KeywordSentimentVictim

STOP = StopwordModification(["the", "a", "and", "i", "was", "is", "were"])


class DictSwap(WordSwap):
    """Swaps from a fixed table: deterministic candidates for search tests."""

    def __init__(self, table):
        self.table = table

    def replacements(self, word, index, text, rng=None):
        return [match_case(word, w) for w in self.table.get(word.lower(), [])]


SYNONYMS = DictSwap({
    "good": ["decent", "fine", "bad"],
    "great": ["big", "superb"],
    "love": ["adore", "like"],
    "happy": ["glad", "cheerful"],
    "wonderful": ["marvelous"],
    "terrible": ["dreadful", "poor"],
    "boring": ["dull"],
})


def char_attack(search=None, **kw):
    t = Composite([NeighbourCharacterSwap(), RandomCharacterSubstitution(), RandomCharacterDeletion(),
                   RandomCharacterInsertion()])
    return Attack(t, search or GreedyWordSwapWIR("unk"), [RepeatModification(), STOP, LevenshteinDistance(30)],
                  similarity_model=None, **kw)


# -- AttackedText ------------------------------------------------------------------------------

def test_text_round_trips_punctuation_and_spacing():
    text = "  Hello,   world! It's a well-known  fact.\n"
    t = AttackedText(text)
    assert t.text == text
    assert t.words == ("Hello", "world", "It's", "a", "well-known", "fact")


def test_replace_tracks_modified_indices_against_original():
    t = AttackedText("the good movie").replace_word(1, "bad")
    assert t.text == "the bad movie"
    assert t.modified_indices == {1}
    back = t.replace_word(1, "good")
    assert back.modified_indices == set()
    assert t.newly_modified == {1}


def test_every_edit_shares_its_original():
    """Constraints compare each candidate with ``original``: it is the same object down a search path,
    not a copy rebuilt per candidate, and an original is its own."""
    root = AttackedText("the good movie was fine")
    child = root.replace_word(1, "nice").replace_word(3, "is")
    assert root.original is root and child.original is root and child.parent.original is root
    unrooted = AttackedText(("the", "bad", "movie"), ("", " ", " ", ""), base_words=("the", "good", "movie"))
    assert unrooted.original.text == "the good movie" and unrooted.original is unrooted.original
    assert unrooted.replace_word(2, "film").original is unrooted.original


def test_window_is_shifted_at_edges_and_whole_when_short():
    t = AttackedText(" ".join(f"w{i}" for i in range(20)))
    assert t.window(0, 5) == "w0 w1 w2 w3 w4"
    assert t.window(10, 5) == "w8 w9 w10 w11 w12"
    assert t.window(19, 5) == "w15 w16 w17 w18 w19"
    assert AttackedText("a b c").window(1, 15) == "a b c"


def test_without_word_keeps_punctuation_sensible():
    t = AttackedText("Hello, good movie! yes")
    assert t.without_word(0) == "good movie! yes"
    assert t.without_word(2) == "Hello, good! yes"


def test_match_case():
    assert match_case("Good", "fine") == "Fine"
    assert match_case("GOOD", "fine") == "FINE"
    assert match_case("good", "fine") == "fine"


# -- query accounting --------------------------------------------------------------------------

def make_state(victim=None, budget=None):
    victim = victim or KeywordSentimentVictim()
    return RunState(victim, Untargeted(), 1, np.random.default_rng(0), budget)


def test_queries_count_unique_texts_and_cache_hits_apart():
    state = make_state()
    state.probabilities(["a good day", "a good day", "a bad day"])
    assert (state.queries, state.cache_hits) == (2, 1)
    state.probabilities(["a good day", "a fine day"])
    assert (state.queries, state.cache_hits) == (3, 2)


def test_budget_is_never_exceeded_and_returns_prefix():
    state = make_state(budget=3)
    rows = state.probabilities(["t1", "t2", "t1", "t3", "t4", "t5"])
    assert state.queries == 3
    assert len(rows) == 4  # t1 t2 t1(cached) t3; t4 would exceed
    assert state.budget_exhausted
    assert state.probabilities(["t9"]) == []
    assert state.probabilities(["t2"])  # cached texts are still free


def test_budget_respected_by_whole_attack():
    attack = char_attack(BeamSearch(4))
    victim = KeywordSentimentVictim()
    for i, (text, label) in enumerate(SENTIMENT_EXAMPLES):
        r = attack.run(victim, text, label, example_id=str(i), query_budget=7)
        assert r.queries <= 7
        if r.status is Status.FAILED:
            assert r.reason == "query budget exhausted"


# -- goals -------------------------------------------------------------------------------------

def test_goals():
    p = np.array([0.3, 0.7])
    assert not Untargeted().is_success(p, 1) and Untargeted().is_success(p, 0)
    assert Targeted(0).is_success(np.array([0.6, 0.4]), 1)
    assert Threshold(1, 0.1).is_success(np.array([0.95, 0.05]), 1)
    assert not Threshold(1, 0.1).is_success(np.array([0.85, 0.15]), 0)
    with pytest.raises(UsageError, match="threshold"):
        Threshold(1, 0.0)
    with pytest.raises(UsageError, match="out of range"):
        Targeted(5).validate(2)


def test_threshold_goal_pushes_score_below_threshold():
    attack = char_attack().with_goal(Threshold(class_index=1, threshold=0.55))
    r = attack.run(KeywordSentimentVictim(), "I love this phone, the screen is beautiful!", 1)
    assert r.status is Status.SUCCEEDED
    probs = KeywordSentimentVictim()([r.perturbed_text])[0]
    assert probs[1] < 0.55


# -- search ------------------------------------------------------------------------------------

@pytest.mark.parametrize("search", [GreedyWordSwapWIR("delete"), GreedyWordSwapWIR("unk"),
                                    GreedyWordSwapWIR("random"), BeamSearch(2)], ids=repr)
def test_word_swap_search_flips_label_with_table_synonyms(search):
    attack = Attack(SYNONYMS, search, [RepeatModification(), STOP], similarity_model=None)
    victim = KeywordSentimentVictim()
    r = attack.run(victim, "The movie was good and great.", 1)
    assert r.status is Status.SUCCEEDED
    assert victim([r.perturbed_text])[0].argmax() == 0
    assert r.perturbed_prediction == 0 and r.original_prediction == 1
    assert set(r.changed_indices) <= {3, 5}


def test_search_reports_failure_when_no_candidate_helps():
    attack = Attack(DictSwap({}), GreedyWordSwapWIR("delete"), [STOP], similarity_model=None)
    r = attack.run(KeywordSentimentVictim(), "The movie was good.", 1)
    assert r.status is Status.FAILED
    assert r.reason == "no candidate reached the goal"
    assert r.perturbed_text is None


def test_max_words_perturbed_limits_changes():
    attack = Attack(SYNONYMS, BeamSearch(2), [RepeatModification(), STOP, MaxWordsPerturbed(max_num=1)],
                    similarity_model=None)
    r = attack.run(KeywordSentimentVictim(), "good great love happy wonderful", 1)
    assert r.status is Status.FAILED
    assert MaxWordsPerturbed(max_percent=0.1).limit(5) == 1


def test_skipped_when_model_already_wrong():
    r = char_attack().run(KeywordSentimentVictim(), "The movie was terrible.", 1)
    assert r.status is Status.SKIPPED and r.queries == 1


def test_gradient_ranking_needs_white_box():
    attack = char_attack(GreedyWordSwapWIR("gradient"))
    with pytest.raises(WhiteBoxRequiredError, match="white-box"):
        attack.run(KeywordSentimentVictim(), "good movie", 1)
    r = attack.run(BagOfEmbeddingsVictim(), "The movie was good and great.", 1)
    assert r.status is Status.SUCCEEDED


def test_same_seed_same_result_different_seed_may_differ():
    attack = char_attack()
    victim = KeywordSentimentVictim()
    text, label = SENTIMENT_EXAMPLES[0]
    a = attack.run(victim, text, label, example_id="e1", seed=0)
    b = attack.run(victim, text, label, example_id="e1", seed=0)
    assert a.perturbed_text == b.perturbed_text and a.queries == b.queries
    others = {attack.run(victim, text, label, example_id="e1", seed=s).perturbed_text for s in range(6)}
    assert len(others) > 1


# -- input errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,label,match", [
    ("", 1, "empty"),
    ("   ", 1, "empty"),
    ("!!! ???", 1, "no words"),
    ("word " * 600, 1, "at most 512"),
    ("good movie", 7, "out of range"),
    ("good movie", "neutral", "not one of"),
])
def test_bad_input_raises_clear_error(text, label, match):
    with pytest.raises(InputError, match=match):
        char_attack().run(KeywordSentimentVictim(), text, label)


def test_label_names_accepted():
    r = char_attack().run(KeywordSentimentVictim(), "good movie", "positive")
    assert r.label == 1


def test_result_json_round_trip():
    r = char_attack().run(KeywordSentimentVictim(), "The movie was good and great.", 1, example_id="x")
    again = AttackResult.from_json_dict(__import__("json").loads(r.to_json_line()))
    assert again.status == r.status and again.perturbed_text == r.perturbed_text
    assert again.changed_indices == r.changed_indices


def test_reprs_show_configuration():
    attack = char_attack()
    text = repr(attack)
    assert "LevenshteinDistance(max_edit_distance=30)" in text and "wir_method='unk'" in text


def test_urls_mentions_and_emails_are_not_words():
    text = "@united thanks! see https://t.co/AbC1 or mail me@x.org #happy"
    t = AttackedText(text)
    assert t.words == ("thanks", "see", "or", "mail", "happy")
    assert t.text == text


def test_edits_record_the_search_path_and_replay():
    from attack_recipe.evaluation.recheck import replay

    t = AttackedText("a good great day")
    step2 = t.replace_word(1, "fine").replace_word(2, "big")
    assert step2.edits() == (WordEdit({1: "fine"}), WordEdit({2: "big"}))
    assert step2.previous.text == "a fine great day"
    assert AttackedText("x y").previous.text == "x y"
    attack = Attack(SYNONYMS, GreedyWordSwapWIR("delete"), [RepeatModification(), STOP], similarity_model=None)
    r = attack.run(KeywordSentimentVictim(), "The movie was good and great.", 1)
    assert replay(r)[-1].text == r.perturbed_text
    assert len(r.edits) == len(r.changed_indices)
