"""report.html: rendered in headless Chromium, the figures shown match summary.json."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from attack_recipe.attacks.results import AttackResult, Status
from attack_recipe.cli import main
from attack_recipe.evaluation.report import FIGURES, format_figure, success_by_budget
from attack_recipe.testing import SENTIMENT_EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    data = tmp / "d.csv"
    data.write_text("text,label\n" + "".join(f'"{t}",{y}\n' for t, y in SENTIMENT_EXAMPLES))
    result = CliRunner().invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", str(data), "--out", str(tmp / "run"), "-q"])
    assert result.exit_code == 0, result.output
    assert "report:" in result.output
    return tmp / "run"


def test_report_is_self_contained(run_dir):
    page = (run_dir / "report.html").read_text()
    assert page.count("data:image/png;base64,") == 3
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert 'class="del"' in page and 'class="ins"' in page
    assert "attack_success_rate" in page  # the metric definitions


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium not installed (CI installs it)")
def test_figures_in_the_browser_match_summary_json(run_dir, tmp_path):
    assert CHROMIUM, "CI must have chromium (scripts/setup_env.sh installs it with WITH_BROWSER=1)"
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path}", "--dump-dom",
         (run_dir / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout
    shown = dict(re.findall(r'data-figure="([a-z_]+)">([^<]*)<', dom))
    summary = json.loads((run_dir / "summary.json").read_text())
    expected = {key: format_figure(summary[key], fmt) for key, _, fmt in FIGURES}
    assert shown == expected
    assert str(summary["succeeded"]) == shown["succeeded"]


def test_success_by_budget_curve():
    def result(status, queries):
        return AttackResult("x", "t", 1, status, queries=queries)

    results = [result(Status.SUCCEEDED, 5), result(Status.SUCCEEDED, 20), result(Status.FAILED, 30),
               result(Status.SKIPPED, 1)]
    assert success_by_budget(results) == [(5, 1 / 3), (20, 2 / 3), (30, 2 / 3)]


def test_validity_table_when_measured(tmp_path):
    from attack_recipe.evaluation.harness import run_dataset
    from attack_recipe.evaluation.report import write_report
    from attack_recipe.evaluation.validity import ValidityScorer
    from attack_recipe.resources.datasets import Example
    from attack_recipe.testing import KeywordSentimentVictim
    from attack_recipe.testing.attacks import character_attack

    class ConstLM:
        def perplexity(self, texts):
            return [10.0, 15.0] * (len(texts) // 2)

    class ConstEncoder:
        def cosine(self, a, b):
            return [0.9] * len(a)

    examples = [Example(str(i), t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES[:4])]
    run_dataset(character_attack(), KeywordSentimentVictim(), examples, out_dir=tmp_path,
                validity=ValidityScorer(lm=ConstLM(), encoder=ConstEncoder()))
    page = write_report(tmp_path).read_text()
    assert 'id="validity"' in page and "1.500" in page and "0.900" in page
