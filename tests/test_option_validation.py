"""Bad values are usage errors (exit 2) naming the option, the value and what is allowed — never an
exception in every example of a run that then exits 0."""

from __future__ import annotations


import pytest
from click.testing import CliRunner

from attack_recipe import load_recipe
from attack_recipe.cli import main
from attack_recipe.errors import UsageError
from attack_recipe.evaluation.recipe_options import OPTION_RANGES, check_recipe_option



def _run(data_csv, tmp_path, *extra):
    return CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment", "--dataset",
                                     str(data_csv), "--num-examples", "2", "--no-judge", "--no-validity",
                                     "--out", str(tmp_path / "out"), "-q", *extra])


@pytest.mark.parametrize("option, expected", [
    ("max_edit_distance=-3", "out of range; allowed: >= 0"),
    ("max_edit_distance=nan", "must be a finite number"),
    ("max_edit_distance=inf", "must be a finite number"),
    ("max_edit_distance=three", "must be an integer"),
    ("max_edit_distance=true", "must be an integer"),
    ("max_edit_distance=2.5", "must be an integer"),
    ("use_all_transformations=1", "must be true or false"),
])
def test_bad_recipe_option_values_exit_2(data_csv, tmp_path, option, expected):
    result = _run(data_csv, tmp_path, "-O", option)
    assert result.exit_code == 2, result.output
    assert expected in result.output and option.split("=")[0] in result.output
    assert not (tmp_path / "out" / "results.jsonl").exists()


def test_negative_seed_is_a_usage_error(data_csv, tmp_path):
    result = _run(data_csv, tmp_path, "--seed", "-1")
    assert result.exit_code == 2 and "--seed" in result.output and ">=0" in result.output.replace(" ", "")


def test_good_values_still_run(data_csv, tmp_path):
    assert _run(data_csv, tmp_path, "-O", "max_edit_distance=2", "--seed", "7").exit_code == 0


def test_python_api_checks_the_same_way():
    with pytest.raises(UsageError, match=r"sim_threshold=1.5 is out of range; allowed: >= -1 and <= 1"):
        load_recipe("textfooler", sim_threshold=1.5)
    with pytest.raises(UsageError, match="pos_check must be one of"):
        load_recipe("textfooler", pos_check="sometimes")


def test_numbers_for_text_options_are_their_text_and_objects_pass():
    def factory(token: str = "[UNK]", encoder: str | object | None = None, k: int | None = None):
        return None

    assert check_recipe_option(factory, "r", "token", 5) == "5"
    marker = object()
    assert check_recipe_option(factory, "r", "encoder", marker) is marker
    assert check_recipe_option(factory, "r", "k", None) is None


def test_plugin_factories_can_declare_ranges():
    def factory(beams: int = 4):
        return None

    factory.option_ranges = {"beams": OPTION_RANGES["max_candidates"]}
    with pytest.raises(UsageError, match="beams=0 is out of range"):
        check_recipe_option(factory, "plug", "beams", 0)
