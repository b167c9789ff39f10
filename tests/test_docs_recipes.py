"""The recipe tables in docs/recipes.md are the ones benchmarks/recipes_builtin.py prints.

The tables are rendered from the registry (what each recipe is made of) and from the committed
figures in benchmarks/results/<recipe>.json (what it measured); regenerate both with
``.venv/bin/python benchmarks/recipes_builtin.py [--recipes ...] --write-docs``.
"""

import importlib.util
from pathlib import Path

from attack_recipe import list_recipes
from attack_recipe.recipes.catalog import recipe_cards

ROOT = Path(__file__).resolve().parent.parent


def _benchmark_module():
    spec = importlib.util.spec_from_file_location("recipes_builtin", ROOT / "benchmarks" / "recipes_builtin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_recipe_tables_match_the_benchmark_output():
    bench = _benchmark_module()
    assert bench.docs_section() == bench.render(bench.load_figures()), (
        "docs/recipes.md is stale: run `.venv/bin/python benchmarks/recipes_builtin.py --render --write-docs`")


def test_measured_figures_are_of_registered_recipes_with_no_violations():
    """Figures are optional for a new recipe (the table says "not measured yet"); the ones committed
    belong to a registered recipe (a renamed recipe leaves none behind) and were measured alike."""
    figures = _benchmark_module().load_figures()
    assert set(figures) <= set(list_recipes()), "figures of a recipe that is not registered (renamed?)"
    for name, f in figures.items():
        # 100 held-out tweets; the slowest (population, generation, LM candidates) on 30 or 50 — the table says which
        assert f["num_examples"] in (30, 50, 100) and f["seed"] == 0, name
        assert f["violations"] == 0, name
        assert f["errors"] == 0, name


def test_a_recipe_without_figures_is_listed_as_not_measured():
    bench = _benchmark_module()
    figures = bench.load_figures()
    measured = bench.recipe_table(recipe_cards(), figures)
    del figures["pwws"]
    table = bench.recipe_table(recipe_cards(), figures)
    row = next(line for line in table.splitlines() if line.startswith("| `pwws` |"))
    assert "`WordSwapWordNet(" in row and "`RepeatModification()`" in row
    assert row.endswith(f"| {bench.NOT_MEASURED} | — | — | — |")
    assert bench.render(figures) != bench.docs_section(), "the docs test would not notice the change"
    assert [line for line in measured.splitlines() if "pwws" not in line] == \
        [line for line in table.splitlines() if "pwws" not in line]
