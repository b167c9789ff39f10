"""The recipe tables in docs/recipes.md are the ones benchmarks/recipes_builtin.py prints.

The tables are rendered from the registry (what each recipe is made of) and from the committed
figures in benchmarks/results/<recipe>.json (what it measured); regenerate both with
``.venv/bin/python benchmarks/recipes_builtin.py [--recipes ...] --write-docs``.
"""

import importlib.util
from pathlib import Path

from attack_recipe import list_recipes

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


def test_every_recipe_has_measured_figures_with_no_violations():
    figures = _benchmark_module().load_figures()
    assert set(list_recipes()) <= set(figures), "measure the new recipe with benchmarks/recipes_builtin.py"
    for name, f in figures.items():
        assert f["num_examples"] == 100 and f["seed"] == 0, name
        assert f["violations"] == 0, name
        assert f["errors"] == 0, name
