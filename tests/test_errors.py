"""Bad input end to end: each problem gets a clear message or a per-example error, and nothing is lost."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from click.testing import CliRunner

from attack_recipe import load_recipe
from attack_recipe.attacks.results import Status
from attack_recipe.cli import main
from attack_recipe.errors import VictimError
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.models.callable import CallableVictim
from attack_recipe.resources.datasets import Example
from attack_recipe.testing import KeywordSentimentVictim


def write_rows(path, rows, header=("text", "label")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return str(path)


def test_bad_rows_become_error_results_and_the_run_goes_on(tmp_path):
    data = write_rows(tmp_path / "d.csv", [
        ("The movie was good and great.", "positive"),
        ("", "positive"),
        ("good " * 10_000, "positive"),  # 50,000 characters
        ("The plot was terrible.", "neutral"),  # not one of the model's classes
        ("What a wonderful day, I am so happy.", 1),
    ])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", data, "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 5
    by_id = {r["example_id"].rsplit("-", 1)[-1]: r for r in rows}
    assert [r["status"] for r in rows].count("error") == 3
    assert "empty" in by_id["00001"]["error"]
    assert "at most 512" in by_id["00002"]["error"]
    assert "neutral" in by_id["00003"]["error"] and by_id["00003"]["label"] == -1
    assert by_id["00000"]["status"] == "succeeded" and by_id["00004"]["status"] == "succeeded"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["errors"] == 3 and summary["succeeded"] == 2 and summary["attack_success_rate"] == 1.0


def test_typo_in_recipe_is_a_usage_error_with_suggestion(tmp_path):
    result = CliRunner().invoke(main, ["run", "--recipe", "textfoolr", "--model", "toy-sentiment",
                                       "--dataset", write_rows(tmp_path / "d.csv", [("good", 1)])])
    assert result.exit_code == 2 and "Did you mean 'textfooler'" in result.output


def test_missing_model_path_is_a_clear_runtime_error(tmp_path):
    result = CliRunner().invoke(main, ["run", "--model", str(tmp_path / "nope"),
                                       "--dataset", write_rows(tmp_path / "d.csv", [("good", 1)])])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_csv_without_text_column(tmp_path):
    data = write_rows(tmp_path / "d.csv", [("good", 1)], header=("body", "label"))
    result = CliRunner().invoke(main, ["run", "--model", "toy-sentiment", "--dataset", data])
    assert result.exit_code == 1 and "body" in result.output and "text" in result.output


class FlakyVictim(KeywordSentimentVictim):
    """Raises, or returns NaN, for texts containing a trigger word."""

    def _predict(self, texts):
        if any("explode" in t for t in texts):
            raise RuntimeError("CUDA out of memory (simulated)")
        probs = super()._predict(texts)
        probs[[("nan" in t) for t in texts]] = np.nan
        return probs


@pytest.mark.parametrize("text,match", [("good movie explode", "RuntimeError: CUDA out of memory"),
                                        ("good movie nan", "NaN")])
def test_faulty_victim_is_reported_per_example(tmp_path, text, match):
    examples = [Example("a", "The movie was good and great.", 1), Example("b", text, 1),
                Example("c", "I love this phone, the screen is beautiful!", 1)]
    outcome = run_dataset(load_recipe("deepwordbug"), FlakyVictim(), examples, out_dir=tmp_path)
    statuses = [r.status for r in outcome.results]
    assert statuses == [Status.SUCCEEDED, Status.ERROR, Status.SUCCEEDED]
    assert match in outcome.results[1].error
    assert len((tmp_path / "results.jsonl").read_text().splitlines()) == 3


@pytest.mark.parametrize("fn,match", [
    (lambda texts: np.ones((len(texts), 3)) / 3, "shape"),
    (lambda texts: np.full((len(texts), 2), 0.7), "sum to 1"),
    (lambda texts: np.full((len(texts), 2), 2.0), "outside"),
])
def test_invalid_probability_tables_are_named(fn, match):
    with pytest.raises(VictimError, match=match):
        CallableVictim(fn, labels=["neg", "pos"])(["a text"])


def test_missing_model_path_is_reported_before_asking_for_a_dataset(tmp_path):
    result = CliRunner().invoke(main, ["run", "--model", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_white_box_recipe_on_black_box_victim_names_the_recipes_that_run(tmp_path):
    data = write_rows(tmp_path / "d.csv", [("good", 1)])
    result = CliRunner().invoke(main, ["run", "--recipe", "a2t", "--model", "toy-sentiment", "--dataset", data])
    assert result.exit_code == 2
    assert "needs gradients" in result.output and "textfooler" in result.output and "a2t," not in result.output
