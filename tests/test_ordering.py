"""Constraints-first and victim-first greedy steps choose the same texts (attacks/ordering.py).

Victim-first scores every candidate the cheap constraints leave and checks the costly ones in score
order only until the step's choice is known; the tests check that this changes queries and costly
checks, never the result, for a fake costly constraint (exhaustively, with and without a judge), for
every registered recipe it applies to, and that ``auto`` picks the cheaper order and runs record it.
"""

import json
import time
import zlib
from types import SimpleNamespace

import pytest

from attack_recipe import list_recipes, load_recipe, registry
from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.ordering import (
    CONSTRAINTS_FIRST, VICTIM_FIRST, applies, check_order, choose_order,
)
from attack_recipe.attacks.search.greedy_wir import GreedyWordSwapWIR
from attack_recipe.attacks.transformations.base import Composite
from attack_recipe.attacks.transformations.char_edits import (
    NeighbourCharacterSwap, RandomCharacterDeletion, RandomCharacterSubstitution,
)
from attack_recipe.constraints.base import Constraint
from attack_recipe.constraints.repeat import RepeatModification
from attack_recipe.errors import UsageError
from attack_recipe.testing import SENTIMENT_EXAMPLES, BagOfEmbeddingsVictim, KeywordSentimentVictim
from attack_recipe.testing.conformance import StandIns, conformance_options
from attack_recipe.testing.judge import tiny_judge
from attack_recipe.testing.victims import SlowKeywordSentimentVictim


class HashedCostly(Constraint):
    """A deterministic "costly" constraint: rejects about a third of texts (by CRC), counts its checks,
    and optionally sleeps per text to look expensive to ``auto``."""

    timer = "encoder"

    def __init__(self, delay: float = 0.0, modulus: int = 3):
        self.delay = delay
        self.modulus = modulus
        self.checked = 0

    def check(self, candidate) -> bool:
        self.checked += 1
        if self.delay:
            time.sleep(self.delay)
        return zlib.crc32(candidate.text.encode()) % self.modulus != 0


def chars_attack(costly: Constraint) -> Attack:
    return Attack(Composite([NeighbourCharacterSwap(), RandomCharacterSubstitution(), RandomCharacterDeletion()]),
                  GreedyWordSwapWIR("unk"), [RepeatModification(), costly], similarity_model=None, name="chars")


def outcomes(attack, victim, examples=SENTIMENT_EXAMPLES):
    results = [attack.run(victim, text, label, example_id=f"ex{i}", seed=3) for i, (text, label) in enumerate(examples)]
    return results, [(r.status, r.perturbed_text, r.changed_indices) for r in results]


@pytest.mark.parametrize("modulus", [2, 3, 7])
def test_both_orders_choose_the_same_text_with_fewer_costly_checks(modulus):
    victim = KeywordSentimentVictim()
    first, second = HashedCostly(modulus=modulus), HashedCostly(modulus=modulus)
    before, a = outcomes(chars_attack(first), victim)
    after, b = outcomes(chars_attack(second).with_order(VICTIM_FIRST), victim)
    assert a == b
    assert any(r.status.value == "succeeded" for r in before)
    assert second.checked < first.checked  # the point of victim-first
    # queries are counted honestly: victim-first asks the victim about more candidates
    assert sum(r.queries for r in after) > sum(r.queries for r in before)


def test_both_orders_agree_in_a_valid_only_search():
    victim = KeywordSentimentVictim()
    judge = tiny_judge()
    base = chars_attack(HashedCostly()).with_judge(judge, require_valid=True)
    _, a = outcomes(base, victim)
    _, b = outcomes(base.with_order(VICTIM_FIRST), victim)
    assert a == b


class PickyJudge:
    """The tiny judge, except that it also rejects about 1 in ``modulus`` texts (by CRC), so a
    valid-only step often meets rejected successes; counts the texts it was asked about."""

    def __init__(self, modulus: int):
        self.inner, self.modulus, self.asked = tiny_judge(), modulus, 0

    def judge_many(self, pairs):
        self.asked += len(pairs)
        verdicts = self.inner.judge_many(pairs)
        return [v if zlib.crc32(p[1].encode()) % self.modulus else SimpleNamespace(valid=False, reasons=["picky"])
                for p, v in zip(pairs, verdicts)]

    def screen_many(self, pairs):
        return self.inner.screen_many(pairs)


def test_a_valid_only_step_judges_fewer_successes_and_chooses_what_judging_all_would(monkeypatch):
    """The reference judges every success of a step before choosing (what the engine did before it
    judged in preference order); both orders must choose its texts with fewer verdicts."""
    from attack_recipe.attacks.search.base import SearchContext

    victim = KeywordSentimentVictim()
    every_edit = Composite([RandomCharacterDeletion(random_one=False), NeighbourCharacterSwap(random_one=False)])
    attack = Attack(every_edit, GreedyWordSwapWIR("unk"), [RepeatModification(), HashedCostly()],
                    similarity_model=None, name="every-edit")  # many successes per step
    lazy, lazy_first = PickyJudge(2), PickyJudge(2)
    _, a = outcomes(attack.with_judge(lazy, require_valid=True), victim)
    _, b = outcomes(attack.with_judge(lazy_first, require_valid=True).with_order(VICTIM_FIRST), victim)
    eager = PickyJudge(2)
    monkeypatch.setattr(SearchContext, "_greedy_choice", lambda self, scored, deferred: self._judged(scored))
    reference, expected = outcomes(attack.with_judge(eager, require_valid=True), victim)
    assert a == b == expected
    assert any(r.status.value == "succeeded" for r in reference)
    assert sum(r.rejected_successes for r in reference) > 0  # the judge's choice mattered
    assert lazy.asked < eager.asked and lazy_first.asked < eager.asked


@pytest.fixture(scope="module")
def fast_options(tmp_path_factory):
    stand_ins = StandIns(tmp_path_factory.mktemp("stand-ins"))
    return lambda name: conformance_options(registry.load("recipe", name), stand_ins)


ORDERED = [name for name in list_recipes() if applies(registry.load("recipe", name)())]


def test_the_order_applies_to_the_greedy_recipes_with_an_encoder_or_tagger():
    assert {"textfooler", "a2t"} <= set(ORDERED)
    assert "deepwordbug" not in ORDERED  # nothing costly to defer


@pytest.mark.parametrize("name", ORDERED)
def test_every_ordered_recipe_chooses_the_same_texts_in_both_orders(name, fast_options):
    attack = load_recipe(name, **fast_options(name))
    victim = BagOfEmbeddingsVictim() if attack.needs_gradients else KeywordSentimentVictim()
    before, a = outcomes(attack, victim, SENTIMENT_EXAMPLES[:6])
    after, b = outcomes(attack.with_order(VICTIM_FIRST), victim, SENTIMENT_EXAMPLES[:6])
    assert a == b
    assert sum(r.seconds.encoder for r in after) <= sum(r.seconds.encoder for r in before) * 1.5 + 0.5


def test_auto_puts_the_cheaper_part_first():
    examples = [type("E", (), {"text": t, "label": y, "problem": None})() for t, y in SENTIMENT_EXAMPLES[:2]]
    cheap_victim, slow_victim = KeywordSentimentVictim(), SlowKeywordSentimentVictim(delay=0.05)
    slow_check = chars_attack(HashedCostly(delay=0.002))
    choice = choose_order(slow_check, cheap_victim, examples)
    assert (choice.requested, choice.order) == ("auto", VICTIM_FIRST)
    assert choice.victim_seconds_per_text < choice.constraint_seconds_per_text
    assert choose_order(chars_attack(HashedCostly()), slow_victim, examples).order == CONSTRAINTS_FIRST
    assert choose_order(slow_check, cheap_victim, examples, CONSTRAINTS_FIRST).order == CONSTRAINTS_FIRST
    # a query budget makes queries the scarce resource: auto never spends more of them
    budgeted = choose_order(slow_check, cheap_victim, examples, query_budget=50)
    assert budgeted.order == CONSTRAINTS_FIRST and "budget" in budgeted.reason
    no_costly = load_recipe("deepwordbug")
    assert choose_order(no_costly, cheap_victim, examples, VICTIM_FIRST).order == CONSTRAINTS_FIRST


def test_a_bad_order_is_a_usage_error():
    with pytest.raises(UsageError, match="order must be one of"):
        check_order("fastest")
    with pytest.raises(UsageError, match="resolve 'auto'"):
        chars_attack(HashedCostly()).with_order("auto")


def test_a_run_records_the_order_and_the_costs_it_came_from(tmp_path, data_csv):
    from attack_recipe.evaluation.config import RunConfig, run_from_config

    out = tmp_path / "run"
    outcome = run_from_config(RunConfig(recipe="textfooler", model="toy-sentiment", dataset=str(data_csv),
                                        num_examples=3, out_dir=str(out), validity=False, order="victim-first"))
    recorded = json.loads((out / "summary.json").read_text())["run"]["order"]
    assert recorded["requested"] == "victim-first" and recorded["order"] == VICTIM_FIRST
    assert outcome.summary["succeeded"] + outcome.summary["failed"] + outcome.summary["skipped"] == 3
    with pytest.raises(UsageError):
        RunConfig(order="sideways")


def test_gradient_preranking_queries_only_the_most_promising_swaps():
    """prerank=k queries at most k candidates per step, picked by a first-order estimate, needs a
    white-box victim, and still finds adversarial examples on the toy white-box victim."""
    from attack_recipe.errors import WhiteBoxRequiredError

    victim = BagOfEmbeddingsVictim()
    plain = Attack(_swap_transformation(), GreedyWordSwapWIR("delete"), [RepeatModification()], similarity_model=None)
    ranked = Attack(_swap_transformation(), GreedyWordSwapWIR("delete", prerank=2), [RepeatModification()],
                    similarity_model=None)
    assert ranked.needs_gradients and not plain.needs_gradients
    assert "prerank=2" in repr(ranked) and "prerank" not in repr(plain)
    a, _ = outcomes(plain, victim)
    b, _ = outcomes(ranked, victim)
    assert sum(r.status.value == "succeeded" for r in b) >= 1
    assert sum(r.queries for r in b) < sum(r.queries for r in a)
    with pytest.raises(WhiteBoxRequiredError):
        ranked.run(KeywordSentimentVictim(), *SENTIMENT_EXAMPLES[0])
    with pytest.raises(UsageError, match="prerank"):
        GreedyWordSwapWIR("delete", prerank=0)


def test_the_estimate_puts_the_swap_that_hurts_most_first():
    """On the bag-of-embeddings victim the first-order estimate is exact up to the mean: the swap to
    the most negative word ranks first for a positive text."""
    from attack_recipe.attacks.search.base import SearchContext
    from attack_recipe.attacks.search.prerank import prerank
    from attack_recipe.attacks.state import RunState
    from attack_recipe.core.text import AttackedText
    import numpy as np

    victim = BagOfEmbeddingsVictim()
    text = AttackedText("a good film")
    state = RunState(victim, chars_attack(HashedCostly()).goal, 1, np.random.default_rng(0))
    ctx = SearchContext(state, None, (), ())
    candidates = [text.replace_word(1, w) for w in ("fine", "terrible", "great", "table")]
    (best,) = prerank(ctx, text, candidates, 1)
    assert best.words[1] == "terrible"
    kept = [c.words[1] for c in prerank(ctx, text, candidates, 2)]
    assert "terrible" in kept and "great" not in kept and len(kept) == 2  # in candidate order


def _swap_transformation():
    """Swaps each word for a few toy-vocabulary words (a stand-in for embedding neighbours)."""
    from attack_recipe.attacks.transformations.base import WordSwap

    class ToySwap(WordSwap):
        def replacements(self, word, index, text, rng=None):
            return [w for w in ("terrible", "awful", "table", "fine", "nice", "bad", "sad") if w != word.lower()]

    return ToySwap()
