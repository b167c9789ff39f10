"""Robustness gate, both ways: the same model passes, a model made weaker fails (in-process CLI)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from attack_recipe.cli import main
from attack_recipe.evaluation.gate import Tolerances, assert_robust, compare

WEAK = "attack_recipe.testing.victims:truncated_keyword_sentiment_victim"


@pytest.fixture
def baseline(tmp_path, data_csv):
    data = data_csv
    path = tmp_path / "baseline.json"
    result = CliRunner().invoke(main, ["baseline", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", str(data), "--num-examples", "10", "--seed", "0",
                                       "--baseline", str(path), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    return path


def test_same_model_passes(baseline, tmp_path):
    result = CliRunner().invoke(main, ["check", "--baseline", str(baseline), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "robustness gate PASSED" in result.output
    verdict = json.loads((tmp_path / "c" / "verdict.json").read_text())
    assert verdict["passed"] and verdict["baseline"] == verdict["current"]


def test_weakened_model_fails_with_a_readable_table(baseline, tmp_path):
    result = CliRunner().invoke(main, ["check", "--baseline", str(baseline), "--model", WEAK,
                                       "--out", str(tmp_path / "c"), "--verdict", str(tmp_path / "v.json")])
    assert result.exit_code == 1, result.output
    assert "mean_queries_per_success" in result.output and "queries per success fell" in result.output
    assert json.loads((tmp_path / "v.json").read_text())["passed"] is False
    with pytest.raises(AssertionError, match="easier to break"):
        assert_robust(baseline, model=WEAK, out_dir=str(tmp_path / "d"))


def test_gate_usage_errors_exit_2(tmp_path):
    missing = CliRunner().invoke(main, ["check", "--baseline", str(tmp_path / "none.json")])
    assert missing.exit_code == 2 and "does not exist" in missing.output
    (tmp_path / "bad.json").write_text('{"schema": 99}')
    bad = CliRunner().invoke(main, ["check", "--baseline", str(tmp_path / "bad.json")])
    assert bad.exit_code == 2 and "not an attack-recipe baseline" in bad.output


def test_compare_tolerances():
    base = {"attack_success_rate": 0.40, "mean_queries_per_success": 100.0}
    t = Tolerances(0.05, 0.20)
    assert compare(base, {"attack_success_rate": 0.45, "mean_queries_per_success": 80.0}, t).passed
    v = compare(base, {"attack_success_rate": 0.46, "mean_queries_per_success": 79.0}, t)
    assert not v.passed and len(v.reasons) == 2


def _record(tmp_path, data, *extra):
    path = tmp_path / "opts.json"
    result = CliRunner().invoke(main, ["baseline", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", str(data), "--num-examples", "6", *extra,
                                       "--baseline", str(path), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    return path



def test_recipe_options_round_trip_through_the_gate(tmp_path, data_csv):
    """A baseline recorded with -O reruns with -O: the same model passes with identical figures."""
    path = _record(tmp_path, data_csv, "-O", "max_edit_distance=1")
    recorded = json.loads(path.read_text())
    assert recorded["config"]["recipe_options"] == [["max_edit_distance", 1]]
    assert "max_edit_distance=1" in recorded["attack"]
    result = CliRunner().invoke(main, ["check", "--baseline", str(path), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    verdict = json.loads((tmp_path / "c" / "verdict.json").read_text())
    assert verdict["passed"] and verdict["baseline"] == verdict["current"]


def test_check_refuses_an_attack_it_cannot_reproduce(tmp_path, data_csv):
    path = _record(tmp_path, data_csv, "-O", "max_edit_distance=1")
    old_style = json.loads(path.read_text())
    del old_style["config"]["recipe_options"]  # as written before options were pinned
    path.write_text(json.dumps(old_style))
    result = CliRunner().invoke(main, ["check", "--baseline", str(path), "--out", str(tmp_path / "c")])
    assert result.exit_code == 2, result.output
    assert "cannot reproduce the attack" in result.output and "max_edit_distance" in result.output
    assert not (tmp_path / "c" / "results.jsonl").exists()  # refused before attacking anything


def test_check_refuses_when_the_dataset_changed(tmp_path, data_csv):
    path = _record(tmp_path, data_csv)
    rows = data_csv.read_text().splitlines()
    data_csv.write_text("\n".join([rows[0], rows[2], rows[1], *rows[3:]]) + "\n")  # two rows swapped
    result = CliRunner().invoke(main, ["check", "--baseline", str(path), "--out", str(tmp_path / "c")])
    assert result.exit_code == 2, result.output
    assert "the examples differ" in result.output
