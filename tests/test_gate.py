"""Robustness gate, both ways: the same model passes, a model made weaker fails (in-process CLI)."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from attack_recipe.cli import main
from attack_recipe.evaluation.gate import Tolerances, assert_robust, compare
from attack_recipe.testing import SENTIMENT_EXAMPLES

WEAK = "attack_recipe.testing.victims:truncated_keyword_sentiment_victim"


@pytest.fixture
def baseline(tmp_path):
    data = tmp_path / "data.csv"
    with open(data, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        w.writerows(SENTIMENT_EXAMPLES)
    path = tmp_path / "baseline.json"
    result = CliRunner().invoke(main, ["baseline", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", str(data), "--num-examples", "10", "--seed", "0",
                                       "--output", str(path), "--out", str(tmp_path / "b")])
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
