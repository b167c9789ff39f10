"""Population searches (genetic, PSO) on toy victims: success, exact budgets, one victim batch per
generation, determinism, and edit paths that re-check."""

from __future__ import annotations

import pytest

from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.results import Status
from attack_recipe.attacks.search.base import SearchContext
from attack_recipe.attacks.search.genetic import AlzantotGeneticAlgorithm
from attack_recipe.attacks.search.population import rebuild
from attack_recipe.attacks.search.selection import most_similar_success
from attack_recipe.attacks.search.pso import ParticleSwarmOptimization
from attack_recipe.attacks.state import RunState
from attack_recipe.core.steps import WordEdit
from attack_recipe.core.text import AttackedText
from attack_recipe.attacks.transformations.wordnet_swap import WordSwapWordNet
from attack_recipe.constraints.max_words import MaxWordsPerturbed
from attack_recipe.constraints.repeat import RepeatModification
from attack_recipe.evaluation.recheck import violated_constraints
from attack_recipe.recipes.genetic import genetic
from attack_recipe.recipes.pso import pso
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim


class ToyLM:
    """Deterministic 'language model': longer texts and long words are less likely."""

    name = "toy-lm"

    def log_probs(self, texts):
        return [-0.3 * len(t) - 0.2 * sum(len(w) > 9 for w in t.split()) for t in texts]


def small_genetic(**kw):
    return genetic(lm=ToyLM(), pop_size=kw.pop("pop_size", 12), max_iters=kw.pop("max_iters", 6), **kw)


def small_pso(**kw):
    return pso(pop_size=kw.pop("pop_size", 10), max_iters=kw.pop("max_iters", 5), **kw)


FACTORIES = {
    "genetic": small_genetic,
    "genetic-alzantot": lambda **kw: small_genetic(variant="alzantot", **kw),
    "pso": small_pso,
}


@pytest.fixture(scope="module")
def victim():
    return KeywordSentimentVictim()


def run_all(attack, victim, budget=None, seed=0):
    return [attack.run(victim, text, label, example_id=f"ex{i}", seed=seed, query_budget=budget)
            for i, (text, label) in enumerate(SENTIMENT_EXAMPLES)]


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_succeeds_and_rechecks(name, victim):
    attack = FACTORIES[name]()
    results = run_all(attack, victim)
    succeeded = [r for r in results if r.status is Status.SUCCEEDED]
    assert len(succeeded) >= 3, [r.status for r in results]
    for r in succeeded:
        assert victim([r.perturbed_text])[0].argmax() != r.label
        assert r.edits and all(len(step.replacements) == 1 for step in r.edits)
        assert violated_constraints(attack, r) == []


@pytest.mark.parametrize("budget", [7, 50])
@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_query_budget_is_exact(name, budget, victim):
    attack = FACTORIES[name]()
    for r in run_all(attack, victim, budget=budget):
        assert r.queries <= budget
        if r.reason == "query budget exhausted":
            assert r.queries == budget
        if r.status is Status.SUCCEEDED:
            assert violated_constraints(attack, r) == []


def test_budget_cut_returns_best_so_far(victim):
    attack = small_genetic()
    text, label = SENTIMENT_EXAMPLES[0]
    r = attack.run(victim, text, label, query_budget=7)
    assert r.status is Status.FAILED and r.reason == "query budget exhausted" and r.queries == 7


class CountingState(RunState):
    calls: list

    def evaluate(self, candidates):
        self.calls.append(len(candidates))
        return super().evaluate(candidates)


def count_evaluate_calls(search, transformation, constraints, text, label):
    import numpy as np

    victim = KeywordSentimentVictim(bias=50.0)  # cannot be fooled: the search runs every generation
    attack = Attack(transformation, search, constraints, similarity_model=None)
    state = CountingState(victim, attack.goal, label, np.random.default_rng(0))
    state.calls = []
    initial = state.evaluate([AttackedText(text)])[0]
    ctx = SearchContext(state, transformation, attack.pre_constraints, attack.constraints)
    search.search(ctx, initial)
    return state.calls


def test_genetic_one_evaluate_per_generation():
    calls = count_evaluate_calls(AlzantotGeneticAlgorithm(pop_size=8, max_iters=4), WordSwapWordNet(),
                                 [RepeatModification()], "The food was nice and the service was excellent.", 1)
    # the original, the initial population, then one call per generation
    assert len(calls) == 1 + 1 + 4
    assert max(calls[1:]) > 1  # a generation really is one batch of several texts


def test_pso_one_evaluate_per_phase():
    calls = count_evaluate_calls(ParticleSwarmOptimization(pop_size=8, max_iters=3), WordSwapWordNet(),
                                 [RepeatModification()], "The food was nice and the service was excellent.", 1)
    # the original, the start neighbours, then (moved particles, mutation neighbours) per iteration
    assert len(calls) == 1 + 1 + 2 * 3


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_same_seed_same_results(name, victim):
    a = [(r.status, r.perturbed_text, r.queries, r.edits) for r in run_all(FACTORIES[name](), victim, seed=3)]
    b = [(r.status, r.perturbed_text, r.queries, r.edits) for r in run_all(FACTORIES[name](), victim, seed=3)]
    assert a == b


def test_rebuild_drops_edits_the_constraints_reject():
    import numpy as np

    original = AttackedText("the movie was good and the actors were great")
    attack = Attack(WordSwapWordNet(), AlzantotGeneticAlgorithm(), [RepeatModification(), MaxWordsPerturbed(max_num=2)],
                    similarity_model=None)
    state = RunState(KeywordSentimentVictim(), attack.goal, 1, np.random.default_rng(0))
    ctx = SearchContext(state, attack.transformation, attack.pre_constraints, attack.constraints)
    child, single = rebuild(ctx, original, [{3: "beneficial", 1: "film", 8: "big"}, {8: "big"}])
    # ascending word order; the third edit would exceed the 2-word cap and is dropped
    assert child.words[1] == "film" and child.words[3] == "beneficial" and child.words[8] == "great"
    assert child.edits() == (WordEdit({1: "film"}), WordEdit({3: "beneficial"}))
    assert single.edits() == (WordEdit({8: "big"}),)


def test_most_similar_success_prefers_fewest_changes():
    import numpy as np

    from attack_recipe.attacks.state import Scored

    base = AttackedText("a b c d")
    two = base.replace_words({0: "x", 1: "y"})
    one = base.replace_word(2, "z")
    p = np.array([0.9, 0.1])
    results = [Scored(two, p, 0.9, True), Scored(one, p, 0.6, True), Scored(base, p, 0.1, False)]
    state = RunState(KeywordSentimentVictim(), None, 1, np.random.default_rng(0))
    ctx = SearchContext(state, None, (), ())
    assert most_similar_success(ctx, results, fewest_changes=True).text == one
    assert most_similar_success(ctx, results).text == two  # without it: highest score first
