"""Regressions from the hostile-input probes of issue 10 (a careless or hostile user's inputs)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from attack_recipe.attacks.results import Status
from attack_recipe.cli import main
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.resources.datasets import Example, load_dataset_examples
from attack_recipe.testing import KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack

FAST = ["--recipe", "deepwordbug", "--model", "toy-sentiment", "--no-judge", "--no-validity"]



class ExitingVictim(KeywordSentimentVictim):
    """A victim whose code calls sys.exit on one text (a bug in the user's model wrapper)."""

    def _predict(self, texts):
        if any("exit" in t for t in texts):
            raise SystemExit(3)
        return super()._predict(texts)


def test_a_victim_calling_sys_exit_is_one_examples_error():
    examples = [Example("a", "please exit now, it was good", 1), Example("b", "The food was great.", 1)]
    outcome = run_dataset(character_attack(), ExitingVictim(), examples)
    assert outcome.results[0].status is Status.ERROR and "SystemExit" in outcome.results[0].error
    assert outcome.results[1].status is not Status.ERROR


def test_check_exits_3_when_it_cannot_run(tmp_path, data_csv):
    baseline = tmp_path / "bl.json"
    assert CliRunner().invoke(main, ["baseline", *FAST[:4], "--dataset", str(data_csv), "--baseline", str(baseline),
                                     "--out", str(tmp_path / "b")]).exit_code == 0
    broken = CliRunner().invoke(main, ["check", "--baseline", str(baseline), "--model", "./no/such/model",
                                       "--out", str(tmp_path / "c")])
    assert broken.exit_code == 3 and "error:" in broken.output  # not 1, which means "easier to break"


@pytest.mark.parametrize("out, expected", [("", "--out is empty"), ("/dev/null", "cannot use /dev/null")])
def test_unusable_out_folders_are_usage_errors(data_csv, out, expected):
    result = CliRunner().invoke(main, ["run", *FAST, "--dataset", str(data_csv), "--out", out, "-q"])
    assert result.exit_code == 2 and expected in result.output, result.output


def test_a_file_name_with_escapes_is_shown_escaped(tmp_path, data_csv):
    hostile = tmp_path / "ev\x1b]0;pwned\x07il.csv"
    hostile.write_bytes(data_csv.read_bytes())
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["run", *FAST, "--dataset", str(hostile), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\x1b" not in (out / "report.html").read_text(encoding="utf-8")


def test_jsonl_rows_without_a_usable_text_are_bad_rows_with_their_line(tmp_path):
    path = tmp_path / "d.jsonl"
    rows = [{"text": "a good day", "label": 1}, {"label": 1}, {"text": 5, "label": 0}, {"text": "  ", "label": 0}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    problems = [e.problem for e in load_dataset_examples(str(path)).examples]
    assert problems[0] is None
    assert problems[1] == "line 2: no text (no field 'text')"
    assert problems[2] == "line 3: text ('text') is the JSON int 5, expected a string"
    assert problems[3] == "line 4: text ('text') is empty"


def test_a_recipe_option_given_twice_is_a_usage_error(data_csv):
    result = CliRunner().invoke(main, ["run", *FAST, "--dataset", str(data_csv), "-O", "max_edit_distance=2",
                                       "-O", "max_edit_distance=5", "-q"])
    assert result.exit_code == 2 and "given more than once: max_edit_distance" in result.output
