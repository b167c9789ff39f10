"""End-to-end tests of every built-in recipe on the built-in victim (slow: real models).

Run with ``make test-slow`` (or ``pytest -m slow``). The first run builds the victim (minutes).
"""

import json

import pytest

from attack_recipe import list_recipes
from attack_recipe.evaluation.config import RunConfig, prepare, execute
from attack_recipe.evaluation.recheck import violated_constraints

pytestmark = pytest.mark.slow

#: Lower bounds on 12 held-out tweets: far below the measured rates (docs/recipes.md), high enough
#: to catch a recipe that stopped working.
MIN_SUCCESS = {"textfooler": 0.4, "pwws": 0.2, "deepwordbug": 0.3, "a2t": 0.05}


@pytest.mark.parametrize("recipe", sorted(MIN_SUCCESS))
def test_recipe_on_builtin_victim(recipe, tmp_path):
    config = RunConfig(recipe=recipe, num_examples=12, seed=0, out_dir=str(tmp_path / "a"))
    prepared = prepare(config)
    outcome = execute(prepared)
    summary = outcome.summary
    assert summary["errors"] == 0
    assert summary["attack_success_rate"] >= MIN_SUCCESS[recipe]
    for result in outcome.results:
        assert violated_constraints(prepared.attack, result) == []
        if result.perturbed_text is not None:
            assert result.changed_indices
    # same command twice: identical results apart from timings
    again = execute(prepare(RunConfig(recipe=recipe, num_examples=12, seed=0, out_dir=str(tmp_path / "b"))))
    strip = lambda rs: [{k: v for k, v in r.to_json_dict().items() if k != "seconds"} for r in rs]
    assert strip(outcome.results) == strip(again.results)
    # stopped after 5 examples, then resumed in the same folder: the same 12 results again
    execute(prepare(RunConfig(recipe=recipe, num_examples=5, seed=0, out_dir=str(tmp_path / "c"))))
    resumed = execute(prepare(RunConfig(recipe=recipe, num_examples=12, seed=0, out_dir=str(tmp_path / "c"))))
    assert strip(resumed.results) == strip(outcome.results)
    lines = (tmp_path / "a" / "results.jsonl").read_text().splitlines()
    assert len(lines) == 12 and json.loads(lines[0])["schema_version"] == 1


def test_every_registered_recipe_has_a_slow_test():
    assert set(list_recipes()) <= set(MIN_SUCCESS)


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
