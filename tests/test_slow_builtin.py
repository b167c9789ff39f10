"""End-to-end tests of every built-in recipe on the built-in victim (slow: real models).

Run with ``make test-slow`` (or ``pytest -m slow``). The first run builds the victim (minutes).
"""

import json

import pytest

from attack_recipe import list_recipes
from attack_recipe.evaluation.config import RunConfig, prepare, execute
from attack_recipe.evaluation.recheck import violated_constraints

pytestmark = pytest.mark.slow

#: Lower bounds on the raw success rate (``--allow-invalid``: is the search still finding the goal?)
#: on the first ``n`` held-out tweets: well below the measured rates, high enough to catch a recipe
#: that stopped working. Expensive searches get fewer examples. Measured with the contextual word
#: checks (issue 9) on these slices: textfooler 4/10, pwws 2/10, deepwordbug 7/10 attacked; the
#: recipes whose raw rate on these slices was not re-measured after those checks (a2t, bae,
#: bert-attack, genetic, pso, paraphrase+swap) keep only a zero floor until it is.
#: Optional: a recipe without a floor still gets every check below except the success rate, on
#: ``DEFAULT_SIZE`` examples (the short size: its cost is not known yet).
MIN_SUCCESS = {
    "textfooler": (0.2, 12), "pwws": (0.1, 12), "deepwordbug": (0.3, 12), "a2t": (0.0, 12),
    "textbugger": (0.2, 12), "hotflip": (0.05, 12), "bert-attack": (0.0, 8), "bae": (0.0, 8),
    "genetic": (0.0, 8), "pso": (0.0, 8), "paraphrase": (0.0, 4), "paraphrase+swap": (0.0, 6),
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
    prepared = prepare(RunConfig(recipe=recipe, num_examples=n, seed=0, out_dir=str(tmp_path), valid_only=False))
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


def test_valid_only_search_on_builtin_victim(tmp_path):
    """TextFooler's default search: every success is one the real judge accepts, and the judge did work."""
    outcome = execute(prepare(RunConfig(recipe="textfooler", num_examples=12, seed=0, out_dir=str(tmp_path))))
    s = outcome.summary
    assert s["errors"] == 0 and s["judge"] == {"on": True, "valid_only": True}
    assert s["valid_successes"] == s["succeeded"] and s["screened_out"] > 0
    for result in outcome.results:
        if result.status.value == "succeeded":
            assert result.judgement == {"valid": True, "reasons": []}


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
