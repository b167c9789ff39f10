"""The pip user's path: the Python API gives what the CLI gives (results, summary, report.html), takes
victim objects wherever a model spec is taken, and the gate never touches another command's folder."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

import attack_recipe as ar
from attack_recipe.cli import main
from attack_recipe.errors import UsageError
from attack_recipe.testing import SENTIMENT_EXAMPLES


@pytest.fixture
def pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, labels = zip(*SENTIMENT_EXAMPLES)
    return make_pipeline(TfidfVectorizer(), LogisticRegression(C=10)).fit(texts, labels)


@pytest.fixture
def data_csv(tmp_path):
    path = tmp_path / "data" / "holdout.csv"
    path.parent.mkdir()
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label"])
        w.writerows(SENTIMENT_EXAMPLES)
    return path


def test_readme_script_two_recipes_with_reports(pipeline, data_csv, tmp_path):
    victim = ar.SklearnVictim(pipeline, labels=["negative", "positive"])
    for recipe in ("deepwordbug", "pwws"):
        outcome = ar.run(ar.RunConfig(recipe=recipe, model=victim, dataset=str(data_csv), num_examples=6,
                                      validity=False, out_dir=str(tmp_path / recipe)))
        assert outcome.report_path == tmp_path / recipe / "report.html" and outcome.report_path.exists()
        summary = json.loads((tmp_path / recipe / "summary.json").read_text())
        assert summary["total"] == 6 and summary["model"] == victim.name
        assert json.loads((tmp_path / recipe / "run.json").read_text())["command"] == "run"


def test_examples_from_your_own_texts():
    examples = [ar.Example(id=f"t{i}", text=t, label=y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES[:3])]
    outcome = ar.run_dataset(ar.load_recipe("deepwordbug"), ar.load_victim("toy-sentiment"), examples)
    assert [r.example_id for r in outcome.results] == ["t0", "t1", "t2"]


def test_gate_with_a_victim_object_and_from_another_folder(pipeline, data_csv, tmp_path, monkeypatch):
    victim = ar.SklearnVictim(pipeline)
    baseline = tmp_path / "data" / "baseline.json"
    monkeypatch.chdir(tmp_path)
    ar.record_baseline(ar.RunConfig(recipe="deepwordbug", model="toy-sentiment", dataset=str(data_csv),
                                    num_examples=6), baseline)
    recorded = json.loads(baseline.read_text())
    assert recorded["config"]["dataset"] == "holdout.csv"  # relative to the baseline file
    assert (tmp_path / "runs" / "gate-baseline-baseline" / "results.jsonl").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    verdict = ar.assert_robust(baseline)  # finds data/holdout.csv beside the baseline
    assert verdict.passed and (elsewhere / "runs" / "gate-baseline-check" / "results.jsonl").exists()
    assert ar.check_robustness(baseline, model=victim).current["succeeded"] is not None  # an object, not a spec

    object_baseline = tmp_path / "object.json"
    ar.record_baseline(ar.RunConfig(recipe="deepwordbug", model=victim, dataset=str(data_csv), num_examples=6),
                       object_baseline)
    assert json.loads(object_baseline.read_text())["model_object"] == victim.name
    with pytest.raises(UsageError, match="Python victim object"):
        ar.check_robustness(object_baseline)
    assert ar.assert_robust(object_baseline, model=victim).passed


def test_gate_commands_never_touch_a_run_folder(data_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    common = ["--recipe", "deepwordbug", "--model", "toy-sentiment", "--dataset", str(data_csv),
              "--num-examples", "4", "--no-judge"]
    assert CliRunner().invoke(main, ["run", *common, "--no-validity", "-q"]).exit_code == 0
    run_dir = next((tmp_path / "runs").iterdir())
    before = (run_dir / "results.jsonl").read_text()
    assert CliRunner().invoke(main, ["baseline", *common, "--baseline", "bl.json"]).exit_code == 0
    assert CliRunner().invoke(main, ["check", "--baseline", "bl.json"]).exit_code == 0
    assert (run_dir / "results.jsonl").read_text() == before
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == sorted(
        [run_dir.name, "gate-bl-baseline", "gate-bl-check"])
    refused = CliRunner().invoke(main, ["baseline", *common, "--baseline", "bl.json", "--out", str(run_dir)])
    assert refused.exit_code == 2 and "written by `attack-recipe run`" in refused.output
    assert (run_dir / "results.jsonl").read_text() == before


def test_module_attr_victim_from_the_working_directory(data_csv, tmp_path, monkeypatch):
    import sys

    (tmp_path / "mymodel_for_test.py").write_text(
        "from attack_recipe.testing import KeywordSentimentVictim\n"
        "def make_victim():\n    return KeywordSentimentVictim()\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", ".", str(tmp_path))])
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "mymodel_for_test:make_victim",
                                       "--dataset", str(data_csv), "--num-examples", "2", "--no-judge",
                                       "--no-validity", "-q", "--out", "o"])
    assert result.exit_code == 0, result.output


def test_recipe_names_ignore_case(data_csv, tmp_path):
    assert ar.RunConfig(recipe="DeepWordBug").recipe == "deepwordbug"
    result = CliRunner().invoke(main, ["run", "--recipe", "PWS", "--model", "toy-sentiment", "--dataset",
                                       str(data_csv), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Did you mean 'pwws'" in result.output
