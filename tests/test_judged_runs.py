"""Runs that judge their successes: summary figures by hand, resume, fingerprint, console, report, gate.

The attack is a one-step word swap over a fixed table and the judge is ``tiny_judge()``, so every
verdict below can be read off the table: good <-> bad is an antonym (invalid), terrible -> horrible is
a close word with the same polarity (valid). The six examples:

====  ==========================  =====  ========================================  =======================
id    text                        label  what happens                              verdict
====  ==========================  =====  ========================================  =======================
a     The movie was good.         1      good -> bad flips it                      invalid (antonym, flip)
b     The plot was terrible.      0      terrible -> horrible flips it             valid
c     The movie was bad.          0      bad -> good flips it                      invalid (antonym, flip)
d     A good day.                 0      the model already says positive           skipped
e     It was fun.                 1      no swap for any word                      failed
f     (empty)                     1      input error                               error
====  ==========================  =====  ========================================  =======================

So S = 3, F = 1, attacked = 4; one valid success: valid success rate 1/4, valid share 1/3. With a
valid-only search a and c become failures (one rejected success each) and b stays the only success.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import pytest
from click.testing import CliRunner
from rich.console import Console

from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.search.base import SearchMethod
from attack_recipe.attacks.transformations.base import WordSwap
from attack_recipe.cli import main
from attack_recipe.errors import ResourceNotFoundError, UsageError
from attack_recipe.evaluation import config as config_module
from attack_recipe.evaluation import runner as runner_module
from attack_recipe.evaluation.config import RunConfig
from attack_recipe.evaluation.console import print_comparison, print_examples, print_summary
from attack_recipe.evaluation.gate import compare, Tolerances
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.evaluation.recipe_options import valid_only_default
from attack_recipe.evaluation.records import read_results
from attack_recipe.evaluation.report import write_report
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.judge import tiny_judge


class Ex(NamedTuple):
    id: str
    text: str
    label: int | str


EXAMPLES = [Ex("a", "The movie was good.", 1), Ex("b", "The plot was terrible.", 0),
            Ex("c", "The movie was bad.", 0), Ex("d", "A good day.", 0), Ex("e", "It was fun.", 1),
            Ex("f", "", 1)]
SWAPS = {"good": "bad", "bad": "good", "terrible": "horrible"}
LEXICON = {"good": 1.5, "bad": -1.5, "terrible": -2.0, "horrible": 0.5, "fun": 1.0}


class TableSwap(WordSwap):
    def replacements(self, word, index, text, rng=None):
        new = SWAPS.get(word.lower())
        return [new] if new else []


class OneStep(SearchMethod):
    """Every single-word neighbour once: the first success, else the best."""

    def search(self, ctx, initial):
        scored = ctx.evaluate(ctx.neighbours(initial.text))
        wins = [s for s in scored if s.success]
        return wins[0] if wins else max(scored, key=lambda s: s.score, default=initial)


def victim():
    return KeywordSentimentVictim(LEXICON)


def attack(judge=True, valid_only=False):
    base = Attack(TableSwap(), OneStep(), similarity_model=None, name="table")
    return base.with_judge(tiny_judge(), valid_only) if judge else base


def run(out=None, *, judge=True, valid_only=False, examples=EXAMPLES, **kw):
    info = {"recipe": "table", "model": "toy", "dataset": "inline", "split": "all", "offset": 0}
    return run_dataset(attack(judge, valid_only), victim(), examples, out_dir=out, run_info=info, **kw)


# -- summary.json -----------------------------------------------------------------------------------


def test_summary_figures_match_the_table_by_hand(tmp_path):
    outcome = run(tmp_path)
    s = json.loads((tmp_path / "summary.json").read_text())
    assert (s["succeeded"], s["failed"], s["skipped"], s["errors"]) == (3, 1, 1, 1)
    assert s["attack_success_rate"] == 0.75
    assert s["valid_successes"] == 1 and s["judged_successes"] == 3
    assert s["valid_success_rate"] == 0.25  # 1 valid / 4 attacked, the success rate's denominator
    assert s["valid_share"] == round(1 / 3, 6)
    assert s["rejected_successes"] == 0
    assert s["invalid_reasons"] == {"antonym": 2, "polarity flip": 2}
    assert s["judge"] == {"on": True, "valid_only": False}
    assert s["time_split"]["judge_seconds"] > 0
    assert s["run"]["judge"] is True and s["run"]["valid_only"] is False
    by_id = {r.example_id: r for r in outcome.results}
    assert by_id["b"].valid is True and by_id["a"].valid is False and by_id["e"].valid is None
    assert by_id["a"].judgement["reasons"][0] == "antonym: good -> bad"


def test_valid_only_search_turns_rejected_successes_into_failures(tmp_path):
    s = run(tmp_path, valid_only=True).summary
    assert (s["succeeded"], s["failed"]) == (1, 3)
    assert s["attack_success_rate"] == 0.25 and s["valid_success_rate"] == 0.25
    assert s["judged_successes"] == 1 and s["valid_share"] == 1.0
    # the tiny judge's word rules reject good <-> bad already, so they are screened out unqueried
    assert s["rejected_successes"] == 0 and s["invalid_reasons"] == {}
    assert s["judge"] == {"on": True, "valid_only": True}
    assert sum(r.screened_out for r in read_results(tmp_path / "results.jsonl")) == 2


def test_without_a_judge_the_judge_figures_are_null_not_zero():
    s = run(judge=False).summary
    for key in ("valid_successes", "valid_success_rate", "judged_successes", "valid_share",
                "rejected_successes", "invalid_reasons"):
        assert s[key] is None, key
    assert s["judge"] == {"on": False, "valid_only": False}
    assert s["attack_success_rate"] == 0.75 and s["time_split"]["judge_seconds"] == 0.0


def test_a_judged_run_without_successes_has_a_zero_rate_and_no_share():
    s = run(examples=[EXAMPLES[4]]).summary
    assert s["valid_success_rate"] == 0.0 and s["valid_successes"] == 0
    assert s["judged_successes"] == 0 and s["valid_share"] is None


# -- resume and fingerprint ------------------------------------------------------------------------------


def test_resume_keeps_the_verdicts(tmp_path):
    run(tmp_path / "ref", valid_only=True)
    seen = []

    def stop_after_two(result):
        seen.append(result)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "cut", valid_only=True, on_result=stop_after_two)
    outcome = run(tmp_path / "cut", valid_only=True)

    def lines(path):
        return [{k: v for k, v in json.loads(x).items() if k != "seconds"}
                for x in (path / "results.jsonl").read_text().splitlines()]

    assert lines(tmp_path / "cut") == lines(tmp_path / "ref")
    assert [r.judgement for r in read_results(tmp_path / "cut" / "results.jsonl")][:2] == \
        [None, {"valid": True, "reasons": []}]  # a failed (its swap screened out); b judged before the cut
    assert outcome.summary["valid_successes"] == 1
    assert [r.screened_out for r in outcome.results][:3] == [1, 0, 1]


@pytest.mark.parametrize("judge, valid_only, change", [
    (True, True, "valid_only: False there, True now"),
    (False, False, "judge: True there, False now"),
])
def test_resume_with_another_judge_setting_is_refused(tmp_path, judge, valid_only, change):
    run(tmp_path, examples=EXAMPLES[:2])
    with pytest.raises(UsageError, match=f"{change}.*refusing to mix"):
        run(tmp_path, judge=judge, valid_only=valid_only)


# -- the runner: one judge per run, the options, the label polarity -------------------------------------


def _prepared(config):
    examples = [runner_module._Example(e.id, e.text, e.label) for e in EXAMPLES]
    info = {"recipe": config.recipe, "model": "toy", "dataset": "inline", "split": config.split}
    plain = Attack(TableSwap(), OneStep(), similarity_model=None, name="table")
    return config_module.PreparedRun(config, plain, victim(), examples, "inline", config.split, info)


def test_execute_builds_one_judge_with_the_victims_label_polarity(tmp_path, monkeypatch):
    built = []

    def recording_judge(**options):
        built.append(options)
        return tiny_judge(**options)

    monkeypatch.setattr(runner_module, "new_judge", recording_judge)
    config = RunConfig(recipe="textfooler", model="toy", dataset="inline", out_dir=str(tmp_path))
    outcome = config_module.execute(_prepared(config))
    assert built == [{"label_polarity": {0: -1, 1: 1}}]
    assert outcome.summary["judge"] == {"on": True, "valid_only": True}  # textfooler: valid-only by default
    assert "label_polarity={0: -1, 1: 1}" in outcome.summary["run"]["judge_config"]
    assert "require_valid=True" in outcome.summary["run"]["attack"]


def test_no_judge_builds_none_and_an_explicit_option_beats_the_recipe_default(tmp_path, monkeypatch):
    monkeypatch.setattr(runner_module, "new_judge", lambda **o: pytest.fail("no judge expected"))
    off = RunConfig(recipe="textfooler", model="toy", dataset="inline", judge=False, out_dir=str(tmp_path / "off"))
    s = config_module.execute(_prepared(off)).summary
    assert s["judge"] == {"on": False, "valid_only": False} and s["valid_success_rate"] is None
    monkeypatch.setattr(runner_module, "new_judge", tiny_judge)
    allow = RunConfig(recipe="textfooler", model="toy", dataset="inline", valid_only=False,
                      out_dir=str(tmp_path / "allow"))
    assert config_module.execute(_prepared(allow)).summary["judge"] == {"on": True, "valid_only": False}


def test_a_judge_resource_that_is_missing_stops_the_run_before_any_example(tmp_path, monkeypatch, caplog):
    class NoLM:
        def __init__(self):
            self.judge = tiny_judge()

        def __getattr__(self, name):
            if name == "lm":
                raise ResourceNotFoundError("causal LM", ["nowhere"], "install it")
            return getattr(self.judge, name)

    monkeypatch.setattr(runner_module, "new_judge", lambda **o: NoLM())
    config = RunConfig(recipe="deepwordbug", model="toy", dataset="inline", out_dir=str(tmp_path))
    with pytest.raises(ResourceNotFoundError):
        config_module.execute(_prepared(config))
    assert not (tmp_path / "results.jsonl").exists()
    assert "--no-judge" in caplog.text and "lm" in caplog.text


@pytest.mark.parametrize("labels, polarity", [
    (("negative", "positive"), {0: -1, 1: 1}), (("POSITIVE", "NEGATIVE"), {0: 1, 1: -1}),
    (("LABEL_0", "LABEL_1"), None), (("negative", "neutral", "positive"), None), ((), None), (None, None),
])
def test_label_polarity_only_for_negative_and_positive(labels, polarity):
    assert runner_module.label_polarity(labels) == polarity


def test_valid_only_defaults_per_recipe_and_needs_the_judge():
    assert valid_only_default("textfooler") and valid_only_default("pwws") and valid_only_default("paraphrase+swap")
    assert not any(valid_only_default(n) for n in ("deepwordbug", "textbugger", "paraphrase"))
    assert RunConfig(recipe="textfooler").resolved_valid_only is True
    assert RunConfig(recipe="deepwordbug").resolved_valid_only is False
    assert RunConfig(recipe="deepwordbug", valid_only=True).resolved_valid_only is True
    assert RunConfig(recipe="textfooler", judge=False).resolved_valid_only is False
    # the strict preset asks for valid successes whatever the recipe; --allow-invalid still wins
    assert RunConfig(recipe="paraphrase+swap", preset="strict").resolved_valid_only is True
    assert valid_only_default("deepwordbug", "strict") and not valid_only_default("deepwordbug", None)
    assert RunConfig(recipe="pwws", preset="strict", valid_only=False).resolved_valid_only is False
    with pytest.raises(UsageError, match="valid-only search needs the judge"):
        RunConfig(judge=False, valid_only=True)


def test_cli_no_judge_with_valid_only_is_a_usage_error():
    result = CliRunner().invoke(main, ["run", "--no-judge", "--valid-only", "--model", "toy-sentiment",
                                       "--dataset", "tweets"])
    assert result.exit_code == 2 and "needs the judge" in result.output


def test_cli_no_judge_writes_nulls_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(config_module, "prepare", _prepared)
    result = CliRunner().invoke(main, ["run", "--no-judge", "--model", "toy", "--dataset", "inline",
                                       "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    assert "valid success rate – (no judge), success rate 75.0% (3/4)" in result.output
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["valid_success_rate"] is None and s["invalid_reasons"] is None and s["judge"]["on"] is False


# -- console ----------------------------------------------------------------------------------------


def _console():
    return Console(width=200, no_color=True, record=True)


def test_console_leads_with_the_valid_rate_and_shows_judge_seconds():
    console = _console()
    print_summary(run().summary, console)
    text = console.export_text()
    assert "Valid success rate" in text and "25.0% (1/4)" in text
    assert text.index("Valid success rate") < text.index("Attack success rate")
    assert "1/3 (33.3%)" in text and "antonym 2 · polarity flip 2" in text
    time_line = next(line for line in text.splitlines() if line.startswith("time:"))
    assert " · judge 0." in time_line


def test_console_examples_carry_their_verdict_valid_first():
    console = _console()
    assert print_examples(run().results, console, n=2) == 2
    text = console.export_text()
    assert text.index("example b") < text.index("example a") and "example c" not in text
    assert "\nvalid\n" in text
    assert "invalid: antonym: good -> bad; polarity flip: good (+1.9) -> bad (-2.5)" in text


def test_console_without_a_judge_shows_no_verdicts():
    console = _console()
    print_examples(run(judge=False).results, console, n=3)
    text = console.export_text()
    assert "valid" not in text and text.index("example a") < text.index("example b")


def test_progress_shows_the_live_valid_rate_once_a_verdict_arrived():
    from attack_recipe.evaluation.console import ProgressReporter

    class Bar:
        def update(self, task, advance, rate):
            self.rate = rate

    reporter = ProgressReporter(Bar(), 0)
    results = {r.example_id: r for r in run().results}
    reporter(results["e"])  # a failure: nothing judged yet
    assert reporter.rate_text() == "success rate 0% (0/1)"
    for key in "abc":
        reporter(results[key])
    assert reporter.rate_text() == "valid 25% (1/4) · success rate 75% (3/4)"


def test_compare_shows_the_valid_rate_of_each_run():
    console = _console()
    print_comparison([("judged", run().summary), ("plain", run(judge=False).summary)], console)
    row = next(line for line in console.export_text().splitlines() if "Valid success rate" in line)
    assert "25.0% (1/4)" in row and "– (no judge)" in row


# -- report.html --------------------------------------------------------------------------------------


class MarkupJudge:
    """Rejects every text with a reason that holds markup, to check the report escapes it."""

    def judge_many(self, pairs):
        from attack_recipe.evaluation.judge import Verdict

        return [Verdict(False, ("antonym: <b>good</b> -> bad",), {}) for _ in pairs]


def test_report_shows_the_headline_and_each_verdict(tmp_path):
    run(tmp_path)
    page = write_report(tmp_path).read_text()
    assert 'id="headline"' in page and "Valid success rate 25.0% (1 of 4 attacked)" in page
    assert page.count('data-verdict="valid"') == 1 and page.count('data-verdict="invalid"') == 2
    assert page.count('data-verdict="unjudged"') == 1  # the failed example
    assert "antonym: good -&gt; bad" in page and 'id="invalid-reasons"' in page
    assert 'id="show-valid"' in page and "<script" not in page


def test_report_escapes_reasons_and_says_when_there_was_no_judge(tmp_path):
    judged = Attack(TableSwap(), OneStep(), similarity_model=None).with_judge(MarkupJudge())
    run_dataset(judged, victim(), EXAMPLES[:1], out_dir=tmp_path / "j")
    page = write_report(tmp_path / "j").read_text()
    assert "&lt;b&gt;good&lt;/b&gt;" in page and "<b>good</b>" not in page
    run(tmp_path / "plain", judge=False)
    plain = write_report(tmp_path / "plain").read_text()
    assert "run without the validity judge" in plain and 'id="show-valid"' not in plain


# -- gate -------------------------------------------------------------------------------------------


def test_gate_compares_the_valid_rate_by_default_and_the_raw_rate_on_request():
    t = Tolerances(0.05, 0.20)
    base = {"valid_success_rate": 0.20, "attack_success_rate": 0.50}
    valid_up = {"valid_success_rate": 0.30, "attack_success_rate": 0.50}
    assert not compare(base, valid_up, t).passed
    assert "valid success rate rose from 0.2000 to 0.3000" in compare(base, valid_up, t).reasons[0]
    assert compare(base, valid_up, t, metric="success_rate").passed
    raw_up = {"valid_success_rate": 0.20, "attack_success_rate": 0.60}
    assert compare(base, raw_up, t).passed
    verdict = compare(base, raw_up, t, metric="success_rate")
    assert not verdict.passed and verdict.metric == "attack_success_rate"


def test_gate_falls_back_to_the_raw_rate_for_a_baseline_without_a_valid_rate():
    old = {"attack_success_rate": 0.50}
    verdict = compare(old, {"valid_success_rate": 0.1, "attack_success_rate": 0.60}, Tolerances(0.05, 0.2))
    assert not verdict.passed and verdict.metric == "attack_success_rate"
    assert "no valid_success_rate" in verdict.notes[0] and "note: the baseline has no" in verdict.table()
    with pytest.raises(UsageError, match="unknown gate metric"):
        compare(old, old, Tolerances(), metric="accuracy")


@pytest.fixture
def baseline(tmp_path):
    data = tmp_path / "data.csv"
    data.write_text("text,label\n" + "".join(f'"{t}",{y}\n' for t, y in SENTIMENT_EXAMPLES))
    path = tmp_path / "baseline.json"
    result = CliRunner().invoke(main, ["baseline", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                       "--dataset", str(data), "--num-examples", "6", "--baseline", str(path),
                                       "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "valid success rate" in result.output
    return path


def test_baseline_records_the_valid_rate_and_check_gates_on_it(baseline, tmp_path):
    data = json.loads(baseline.read_text())
    assert data["figures"]["valid_success_rate"] is not None
    assert data["config"]["judge"] is True and data["config"]["valid_only"] is False  # deepwordbug, resolved
    result = CliRunner().invoke(main, ["check", "--baseline", str(baseline), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "robustness gate PASSED (gated on valid_success_rate)" in result.output
    raw = CliRunner().invoke(main, ["check", "--baseline", str(baseline), "--out", str(tmp_path / "c"),
                                    "--metric", "success_rate"])
    assert raw.exit_code == 0 and "gated on attack_success_rate" in raw.output
    verdict = json.loads((tmp_path / "c" / "verdict.json").read_text())
    assert verdict["metric"] == "attack_success_rate" and verdict["notes"] == []


def test_check_of_a_baseline_from_before_the_judge_says_it_falls_back(baseline, tmp_path):
    data = json.loads(baseline.read_text())
    for key in ("judge", "valid_only"):
        del data["config"][key]
    for key in ("valid_success_rate", "valid_share"):
        del data["figures"][key]
    for key in ("judge_rules", "examples", "package_version", "victim"):  # recorded since
        del data[key]
    baseline.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["check", "--baseline", str(baseline), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "note: the baseline predates the validity judge" in result.output
    assert "note: the baseline has no valid_success_rate" in result.output
    assert "gated on attack_success_rate" in result.output
    summary = json.loads((tmp_path / "c" / "summary.json").read_text())
    assert summary["judge"] == {"on": False, "valid_only": False}  # rerun as it was recorded
