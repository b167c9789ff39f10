"""End-to-end tests of every built-in recipe on the built-in victim (slow: real models).

Run with ``make test-slow`` (or ``pytest -m slow``). The first run builds the victim (minutes).
"""

import json

import pytest

from attack_recipe import list_recipes
from attack_recipe.evaluation.config import RunConfig, prepare, execute
from attack_recipe.evaluation.recheck import violated_constraints

pytestmark = pytest.mark.slow

#: Lower bounds on the first ``n`` held-out tweets: well below the measured rates (docs/recipes.md),
#: high enough to catch a recipe that stopped working. Expensive searches get fewer examples.
#: Optional: a recipe without a floor still gets every check below except the success rate, on
#: ``DEFAULT_SIZE`` examples (the short size: its cost is not known yet).
MIN_SUCCESS = {
    "textfooler": (0.4, 12), "pwws": (0.2, 12), "deepwordbug": (0.3, 12), "a2t": (0.05, 12),
    "textbugger": (0.2, 12), "hotflip": (0.05, 12), "bert-attack": (0.5, 8), "bae": (0.15, 8),
    "genetic": (0.1, 8), "pso": (0.1, 8), "paraphrase": (0.0, 4), "paraphrase+swap": (0.15, 6),
}
DEFAULT_SIZE = 4
#: Recipes whose examples cost tens of seconds (generation, population search) get a shorter
#: determinism/resume check; so does every recipe without a floor.
SHORT = {"bae", "genetic", "pso", "paraphrase", "paraphrase+swap"}

#: The query budget every recipe must respect exactly on the real victim (issue 3).
BUDGET = 50


def _strip(results):
    return [{k: v for k, v in r.to_json_dict().items() if k != "seconds"} for r in results]


RECIPES = list_recipes()


@pytest.mark.parametrize("recipe", RECIPES)
def test_recipe_on_builtin_victim(recipe, tmp_path):
    min_rate, n = MIN_SUCCESS.get(recipe, (0.0, DEFAULT_SIZE))
    prepared = prepare(RunConfig(recipe=recipe, num_examples=n, seed=0, out_dir=str(tmp_path)))
    outcome = execute(prepared)
    summary = outcome.summary
    assert summary["errors"] == 0
    assert summary["attack_success_rate"] >= min_rate
    for result in outcome.results:
        assert violated_constraints(prepared.attack, result) == []
        if result.perturbed_text is not None:
            assert result.changed_indices
    if recipe.startswith("paraphrase"):  # the real generator ran, and its cost is reported apart
        assert summary["mean_generated_per_attempt"] > 0 and summary["time_split"]["generator_seconds"] > 0
    lines = (tmp_path / "results.jsonl").read_text().splitlines()
    assert len(lines) == n and json.loads(lines[0])["schema_version"] >= 1


@pytest.mark.parametrize("recipe", RECIPES)
def test_budget_determinism_and_resume_on_builtin_victim(recipe, tmp_path):
    """Budget 50 is never exceeded; the same command twice gives the same results; a resumed run too."""
    def run(folder, n):
        return execute(prepare(RunConfig(recipe=recipe, num_examples=n, seed=0, query_budget=BUDGET,
                                         out_dir=str(tmp_path / folder))))

    n = 6 if recipe in MIN_SUCCESS and recipe not in SHORT else DEFAULT_SIZE
    first = run("a", n)
    assert first.summary["errors"] == 0
    assert all(r.queries <= BUDGET for r in first.results)
    assert _strip(run("b", n).results) == _strip(first.results)
    run("c", n // 2)  # stopped half way, then resumed in the same folder
    assert _strip(run("c", n).results) == _strip(first.results)


def test_every_floor_names_a_registered_recipe():
    assert set(MIN_SUCCESS) <= set(RECIPES), "a floor for a recipe that is not registered (renamed?)"


def test_strict_preset_and_validity_on_builtin_victim(tmp_path):
    config = RunConfig(recipe="textfooler", preset="strict", validity=True, num_examples=6, seed=0,
                       out_dir=str(tmp_path))
    prepared = prepare(config)
    outcome = execute(prepared)
    assert outcome.summary["errors"] == 0
    succeeded = [r for r in outcome.results if r.perturbed_text is not None and r.status.value == "succeeded"]
    for result in outcome.results:
        assert violated_constraints(prepared.attack, result) == []
    for result in succeeded:
        assert result.perplexity_ratio is not None and result.perplexity_ratio <= 2.0 + 1e-3
        assert 0.0 < result.independent_similarity <= 1.0 + 1e-6
    assert outcome.summary["validity"]["perplexity_ratio"]["n"] == len(succeeded)
