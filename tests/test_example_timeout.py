"""A time limit per example: a slow or hanging victim makes that example ``failed`` with reason
``timeout``, and the run goes on."""

from __future__ import annotations

import time

import pytest

import attack_recipe.attacks.attack as attack_module
from attack_recipe.attacks.results import Status
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.resources.datasets import Example
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack


class HangingVictim(KeywordSentimentVictim):
    """Answers the original text, then hangs on the first perturbed batch (a stuck remote call)."""

    def _predict(self, texts):
        if self.calls:
            time.sleep(60)
        self.calls += 1
        return super()._predict(texts)

    calls = 0


class StubbornSlowVictim(KeywordSentimentVictim):
    """Sleeps 50 ms per batch and is never fooled: without a limit the search runs to its end."""

    def _predict(self, texts):
        time.sleep(0.05)
        return [[0.0, 1.0] for _ in texts]


def test_slow_search_stops_at_the_limit():
    text, label = SENTIMENT_EXAMPLES[0]
    started = time.perf_counter()
    r = character_attack().run(StubbornSlowVictim(), text, 1, time_limit=0.2)
    elapsed = time.perf_counter() - started
    assert r.status is Status.FAILED and r.reason == "timeout", r
    assert elapsed < 1.5  # stopped within a step of the limit, long before the search would end
    assert r.original_score is not None  # the original's score is still reported


def test_a_hanging_call_is_interrupted(monkeypatch):
    monkeypatch.setattr(attack_module, "ALARM_GRACE", 0.3)
    text, label = SENTIMENT_EXAMPLES[0]
    started = time.perf_counter()
    r = character_attack().run(HangingVictim(), text, label, time_limit=0.2)
    assert r.status is Status.FAILED and r.reason == "timeout"  # not a "victim error"
    assert time.perf_counter() - started < 3


def test_run_goes_on_after_a_timeout_and_counts_it(tmp_path):
    examples = [Example(f"ex{i}", t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES[:3])]
    outcome = run_dataset(character_attack(), StubbornSlowVictim(), [Example(e.id, e.text, 1) for e in examples],
                          out_dir=tmp_path / "run", time_limit=0.15)
    assert [r.reason for r in outcome.results] == ["timeout"] * 3
    assert outcome.summary["timeouts"] == 3 and outcome.summary["run"]["example_timeout"] == 0.15
    fast = run_dataset(character_attack(), KeywordSentimentVictim(), examples, time_limit=30)
    assert fast.summary["timeouts"] == 0 and fast.summary["succeeded"] >= 1


def test_a_success_found_in_time_is_kept():
    text, label = SENTIMENT_EXAMPLES[0]
    unlimited = character_attack().run(KeywordSentimentVictim(), text, label)
    limited = character_attack().run(KeywordSentimentVictim(), text, label, time_limit=60)
    assert limited.status is unlimited.status and limited.perturbed_text == unlimited.perturbed_text


@pytest.mark.parametrize("bad", [0, -1.0])
def test_time_limit_must_be_positive(bad):
    from attack_recipe.errors import InputError

    with pytest.raises(InputError, match="time limit"):
        character_attack().run(KeywordSentimentVictim(), "a fine movie", 1, time_limit=bad)


def test_cli_example_timeout(tmp_path):
    import csv
    import json

    from click.testing import CliRunner

    from attack_recipe.cli import main

    data = tmp_path / "data.csv"
    with open(data, "w", newline="") as fh:
        csv.writer(fh).writerows([["text", "label"], *SENTIMENT_EXAMPLES[:2]])
    args = ["run", "--recipe", "deepwordbug", "--model", "attack_recipe.testing.victims:slow_keyword_sentiment_victim",
            "--dataset", str(data), "--no-judge", "--no-validity", "--out", str(tmp_path / "o"), "-q"]
    bad = CliRunner().invoke(main, [*args, "--example-timeout", "-1"])
    assert bad.exit_code == 2 and "--example-timeout" in bad.output
    ok = CliRunner().invoke(main, [*args, "--example-timeout", "0.01"])
    assert ok.exit_code == 0, ok.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["timeouts"] == 2 and summary["run"]["example_timeout"] == 0.01
