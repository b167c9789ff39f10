"""The high-stakes workflow on the built-in filter (slow: the real victim, judge and fine-tuning).

``sentiment-minilm`` read as a filter whose unsafe class is "negative": calibrate on the validation
tweets, estimate on the test tweets, and one short hardening round that fine-tunes the real model.
The full 2-round run and its figures are in docs/highstakes.md (a benchmark, not a test).
"""

import json

import pytest
from click.testing import CliRunner

from attack_recipe.cli import main
from attack_recipe.highstakes.binomial import clopper_pearson

pytestmark = pytest.mark.slow


def test_calibrate_and_estimate_on_the_builtin_filter(tmp_path):
    thr = tmp_path / "threshold.json"
    r = CliRunner().invoke(main, ["calibrate", "--max-flag-rate", "0.25", "--out", str(thr)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    body = json.loads(thr.read_text())
    assert body["unsafe_class"] == "negative" and body["data"]["split"] == "validation"
    assert body["chosen"]["flag_rate_safe"] <= 0.25 and body["chosen"]["recall_unsafe"] > 0.85
    assert (tmp_path / "threshold.png").exists()

    r = CliRunner().invoke(main, ["estimate", "--threshold", str(thr), "--recipes", "deepwordbug",
                                  "--attack-examples", "5", "--out", str(tmp_path / "est"), "--json"],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    est = json.loads(r.output)
    assert est["data"]["split"] == "test" and est["samples"] > 1000
    assert est["interval"] == pytest.approx(list(clopper_pearson(est["failures"], est["samples"])), abs=1e-8)
    assert 0 < est["failure_rate"] < 0.2  # the conservative threshold lets a few percent through
    assert est["attacks"][0]["attempted"] == 5


def test_one_hardening_round_fine_tunes_the_builtin_filter(tmp_path):
    out = tmp_path / "h"
    args = ["harden", "--rounds", "1", "--recipes", "deepwordbug", "--attack-examples", "6", "--train-examples",
            "200", "--out", str(out)]
    r = CliRunner().invoke(main, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    assert [row["round"] for row in summary["rounds"]] == [0, 1]
    assert (out / "round-1" / "model" / "config.json").exists()
    training = json.loads((out / "round-1" / "training.json").read_text())
    assert training["examples"] >= 200 and training["trainer"] == "huggingface"
    assert summary["rounds"][1]["clean_accuracy"] > 0.8  # a short round must not wreck the model
    assert len(summary["matrix"]["values"]) == 2
