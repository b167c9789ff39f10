"""Plugins, installed the way a package installs them: a dist-info folder with an entry_points.txt and
the plugin's module, both on sys.path (no pip install).

A new recipe is one module plus its entry point and shows up everywhere (``list``, conformance run,
docs table) without touching another file; a broken plugin is reported by name and rule, and the
rest keeps working (``list``, a run of another recipe).
"""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from attack_recipe import contracts, load_recipe, registry
from attack_recipe.cli import main
from attack_recipe.registry import PluginError
from attack_recipe.testing import SENTIMENT_EXAMPLES

ROOT = Path(__file__).resolve().parent.parent

#: One new recipe, written the documented way (docs/architecture.md, "Adding a recipe").
TYPO_RECIPE = '''
    """Typo demo — Nobody & Example (2024).

    "A recipe added as one file", Proceedings of nothing. https://example.org/typo-demo

    What it does: deletes or swaps letters in the words the victim leans on most.

    Arguments:
        max_edit_distance=4    total character edits allowed.

    Example:
        >>> attack = typo_demo()

    Deviations from the paper: none, there is no paper.
    """

    from attack_recipe.attacks.attack import Attack
    from attack_recipe.attacks.search.greedy_wir import GreedyWordSwapWIR
    from attack_recipe.attacks.transformations.base import Composite
    from attack_recipe.attacks.transformations.char_edits import NeighbourCharacterSwap, RandomCharacterDeletion
    from attack_recipe.constraints.edit_distance import LevenshteinDistance
    from attack_recipe.constraints.repeat import RepeatModification


    def typo_demo(*, goal=None, max_edit_distance: int = 4) -> Attack:
        """Typo demo: letter deletions and swaps on the most important words."""
        return Attack(
            transformation=Composite([RandomCharacterDeletion(), NeighbourCharacterSwap()]),
            constraints=[RepeatModification(), LevenshteinDistance(max_edit_distance)],
            search=GreedyWordSwapWIR(wir_method="unk"),
            goal=goal,
            name="typo-demo",
        )
'''

#: Plugins that each break one rule of their kind's contract.
BROKEN_MODULE = '''
    from attack_recipe.constraints.base import Constraint


    def needs_arg(threshold):
        """A recipe whose option has no default."""


    def not_an_attack(*, k: int = 1):
        """A recipe that builds a string."""
        return "attack"


    class NotATransformation:
        """A class that subclasses nothing of ours."""


    class HalfConstraint(Constraint):
        """A constraint that never says how it checks."""


    def search_function():
        """A function where a SearchMethod class is expected."""


    def not_a_victim():
        """A victim factory that returns a string."""
        return "victim"
'''

BROKEN_ENTRY_POINTS = {
    "attack_recipe.recipes": {"missing-module": "ar_no_such_module:factory", "needs-arg": "ar_broken_plugins:needs_arg",
                              "not-an-attack": "ar_broken_plugins:not_an_attack"},
    "attack_recipe.transformations": {"not-a-transformation": "ar_broken_plugins:NotATransformation"},
    "attack_recipe.constraints": {"half-constraint": "ar_broken_plugins:HalfConstraint"},
    "attack_recipe.search": {"search-function": "ar_broken_plugins:search_function"},
    "attack_recipe.victims": {"not-a-victim": "ar_broken_plugins:not_a_victim"},
}

#: kind, name, what the error must say (the plugin's module:attr and the broken rule).
BROKEN = [
    ("recipe", "missing-module", r"\(ar_no_such_module:factory, from broken-demo 0.1\) failed to import: "
                                 r"ModuleNotFoundError"),
    ("recipe", "needs-arg", r"\(ar_broken_plugins:needs_arg.*has parameters without a default: threshold"),
    ("recipe", "not-an-attack", r"\(ar_broken_plugins:not_an_attack.*returned a str, not an attack_recipe Attack"),
    ("transformation", "not-a-transformation", r"is the class NotATransformation, which does not subclass "
                                               r"Transformation"),
    ("constraint", "half-constraint", r"HalfConstraint, which leaves abstract methods unimplemented: check"),
    ("search", "search-function", r"is a function, not a class \(expected a subclass of SearchMethod\)"),
]


def install(folder: Path, dist: str, modules: dict[str, str], entry_points: dict[str, dict[str, str]]) -> Path:
    """Write what ``pip install`` would leave behind: the modules and ``<dist>-0.1.dist-info``."""
    folder.mkdir(parents=True, exist_ok=True)
    for module, source in modules.items():
        (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = folder / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
    lines = []
    for group, eps in entry_points.items():
        lines += [f"[{group}]", *(f"{name} = {target}" for name, target in eps.items()), ""]
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.fixture
def on_path(monkeypatch):
    """Put plugin folders on sys.path for one test; forget their modules afterwards."""
    added: list[str] = []

    def add(folder: Path, modules) -> None:
        monkeypatch.syspath_prepend(str(folder))
        added.extend(modules)

    yield add
    for module in added:
        sys.modules.pop(module, None)


@pytest.fixture
def typo_plugin(tmp_path, on_path):
    folder = install(tmp_path / "typo", "typo-demo", {"ar_typo_demo": TYPO_RECIPE},
                     {"attack_recipe.recipes": {"typo-demo": "ar_typo_demo:typo_demo"}})
    on_path(folder, ["ar_typo_demo"])
    return folder


@pytest.fixture
def broken_plugins(tmp_path, on_path):
    folder = install(tmp_path / "broken", "broken-demo", {"ar_broken_plugins": BROKEN_MODULE}, BROKEN_ENTRY_POINTS)
    on_path(folder, ["ar_broken_plugins"])
    return folder


# -- a recipe in one file ------------------------------------------------------------------------


def test_new_recipe_module_and_entry_point_show_up_in_list(typo_plugin):
    result = CliRunner().invoke(main, ["list", "recipes"])
    assert result.exit_code == 0, result.output
    assert "typo-demo" in result.output and "letter deletions and swaps" in result.output
    assert "textfooler" in result.output  # the built-ins are still there


def test_new_recipe_appears_in_the_docs_table_as_not_measured(typo_plugin):
    spec = importlib.util.spec_from_file_location("recipes_builtin", ROOT / "benchmarks" / "recipes_builtin.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rendered = bench.render(bench.load_figures())
    row = next(line for line in rendered.splitlines() if line.startswith("| `typo-demo` |"))
    assert "[Nobody & Example (2024)](https://example.org/typo-demo)" in row
    assert "RandomCharacterDeletion" in row and "`LevenshteinDistance(max_edit_distance=4)`" in row
    assert "GreedyWordSwapWIR(wir_method='unk'" in row and row.endswith(f"| {bench.NOT_MEASURED} | — | — | — |")
    assert rendered != bench.docs_section()  # docs/recipes.md does not list it yet: the docs test would say so


def test_new_recipe_runs_in_the_conformance_suite(typo_plugin):
    """The real conformance file, in a fresh interpreter that finds the plugin only through sys.path."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(typo_plugin), str(ROOT)])}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_recipes_conformance.py",
         "-k", "typo-demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 passed" in proc.stdout, proc.stdout  # conforms, and respects budgets 5 and 50


# -- broken plugins --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind, name, message", BROKEN, ids=[b[1] for b in BROKEN])
def test_broken_plugin_is_named_with_the_rule_it_breaks(broken_plugins, kind, name, message):
    with pytest.raises(PluginError, match=message) as info:
        registry.load(kind, name)
    assert info.value.entry.name == name and str(info.value).startswith(f"{kind} {name!r} (")


def test_list_reports_every_broken_plugin_and_lists_the_rest(broken_plugins):
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0, result.output
    broken_lines = [line for line in result.output.splitlines() if "[broken]" in line]
    assert len(broken_lines) == len(BROKEN)
    for kind, name, _ in BROKEN:
        assert any(line.split()[0] == name and f"{kind} {name!r}" in line for line in broken_lines), name
    for working in ("textfooler", "word-swap-wordnet", "stopwords", "greedy-wir", "toy-sentiment"):
        assert working in result.output
    # a victim factory is checked when it is called (building one loads a model), not by `list`
    assert "not-a-victim" in result.output and not any("not-a-victim" in line for line in broken_lines)


def test_victim_factory_is_checked_when_called(broken_plugins):
    from attack_recipe.models.loading import load_victim

    with pytest.raises(PluginError, match=r"victim 'not-a-victim' \(ar_broken_plugins:not_a_victim, "
                                          r"from broken-demo 0.1\) returned a str, not an attack_recipe Victim"):
        load_victim("not-a-victim")
    assert load_victim("toy-sentiment").labels == ("negative", "positive")


def _csv(tmp_path):
    path = tmp_path / "reviews.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([("text", "label"), *SENTIMENT_EXAMPLES])
    return path


def test_run_of_another_recipe_works_with_broken_plugins_installed(broken_plugins, tmp_path):
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment", "--dataset",
                                       str(_csv(tmp_path)), "--num-examples", "2", "-q", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output


def test_white_box_error_lists_runnable_recipes_without_the_broken_ones(broken_plugins, tmp_path):
    result = CliRunner().invoke(main, ["run", "--recipe", "hotflip", "--model", "toy-sentiment", "--dataset",
                                       str(_csv(tmp_path)), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    runnable = result.output.split("recipes that run on it:", 1)[1]
    assert "deepwordbug" in runnable and "not-an-attack" not in runnable and "hotflip" not in runnable


def test_running_a_broken_recipe_is_a_runtime_error_naming_it(broken_plugins, tmp_path):
    result = CliRunner().invoke(main, ["run", "--recipe", "needs-arg", "--model", "toy-sentiment", "--dataset",
                                       str(_csv(tmp_path)), "--out", str(tmp_path / "r")])
    assert result.exit_code == 1, result.output
    assert "recipe 'needs-arg' (ar_broken_plugins:needs_arg" in result.output and "Traceback" not in result.output


# -- the contract of what a factory builds --------------------------------------------------------


def test_loaded_recipe_keeps_its_signature_and_checks_every_build(typo_plugin, monkeypatch):
    import inspect

    factory = registry.load("recipe", "typo-demo")
    assert list(inspect.signature(factory).parameters) == ["goal", "max_edit_distance"]
    assert factory.__module__ == "ar_typo_demo" and factory.__doc__.startswith("Typo demo")
    assert "max_edit_distance=9" in repr(load_recipe("typo-demo", max_edit_distance=9))

    module = sys.modules["ar_typo_demo"]
    original = module.typo_demo
    monkeypatch.setattr(module, "typo_demo", lambda *, max_edit_distance=4, goal=None:
                        original() if max_edit_distance == 4 else original().search)
    with pytest.raises(PluginError, match=r"recipe 'typo-demo' .* returned a GreedyWordSwapWIR, not an "
                                          r"attack_recipe Attack"):
        load_recipe("typo-demo", max_edit_distance=5)  # the defaults build fine; this build does not


def test_an_attack_with_a_wrong_part_breaks_the_recipe_contract():
    attack = load_recipe("pwws")
    attack.search = "greedy"
    assert contracts.result_violation("recipe", attack) == "built an Attack whose search is a str, not a SearchMethod"
    assert contracts.result_violation("recipe", load_recipe("pwws")) is None


def test_every_builtin_component_keeps_its_contract():
    for kind in registry.GROUPS:
        assert registry.available(kind), kind
        assert [n for n, _ in registry.available(kind)] == registry.names(kind), kind


def test_every_contract_type_resolves():
    for name in contracts.TYPES:
        assert contracts.resolve(name).__name__ == name


# -- conformance stand-ins, chosen from the factory ---------------------------------------------


def test_stand_ins_follow_the_factory_parameters_and_the_module_declaration(tmp_path, on_path, monkeypatch):
    from attack_recipe.testing import conformance

    (tmp_path / "ar_generative_demo.py").write_text(textwrap.dedent('''
        CONFORMANCE_OPTIONS = {"sim_threshold": 0.5, "generator": "declared"}

        def masked(*, mlm="bert-base-uncased", sim_threshold=0.9, lm=None):
            pass

        def generative(*, generator=None, num_candidates=8):
            pass
    '''), encoding="utf-8")
    on_path(tmp_path, ["ar_generative_demo"])
    built = []
    monkeypatch.setattr(conformance, "STAND_INS", {"mlm": lambda folder: built.append("mlm") or "tiny-mlm",
                                                    "generator": lambda folder: "fake-paraphraser"})
    import ar_generative_demo as demo

    stand_ins = conformance.StandIns(tmp_path)
    assert conformance.conformance_options(demo.masked, stand_ins) == {"mlm": "tiny-mlm", "sim_threshold": 0.5}
    assert conformance.conformance_options(demo.generative, stand_ins) == {"generator": "declared"}
    conformance.conformance_options(demo.masked, stand_ins)
    assert built == ["mlm"]  # built once, shared


def test_builtin_recipes_declare_only_what_the_stand_ins_cannot_guess():
    from attack_recipe.testing.conformance import conformance_options

    class Placeholders(dict):
        def __getitem__(self, parameter):
            return f"<{parameter}>"

    options = {name: conformance_options(registry.load("recipe", name), Placeholders())
               for name in registry.names("recipe")}
    assert options["bae"] == {"mlm": "<mlm>", "sim_threshold": 0.5}
    assert options["bert-attack"] == {"mlm": "<mlm>"}
    assert options["paraphrase"] == options["paraphrase+swap"] == {"generator": "<generator>"}
    assert options["textfooler"] == {}
    assert options["genetic"] == {"max_candidates": 20}  # the toy lexicon is rarely among 8 counter-fitted neighbours
