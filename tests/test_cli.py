"""The ``attack-recipe`` command line, in-process (click's CliRunner)."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from attack_recipe import __version__
from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.search.base import SearchMethod
from attack_recipe.attacks.transformations.base import WordSwap
from attack_recipe.cli import main
from attack_recipe.evaluation import config as config_module
from attack_recipe.evaluation import runner as runner_module
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim


@pytest.fixture
def runner():
    return CliRunner()


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# -- list / version ---------------------------------------------------------------------------


def test_version(runner):
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_list_everything(runner):
    result = runner.invoke(main, ["list"])
    assert result.exit_code == 0, result.output
    for header in ("recipes:", "transformations:", "constraints:", "search:", "victims:", "datasets:"):
        assert header in result.output
    assert "textfooler" in result.output and "toy-sentiment" in result.output


def test_list_one_kind_accepts_plural(runner):
    result = runner.invoke(main, ["list", "recipes"])
    assert result.exit_code == 0
    assert result.output.startswith("recipes:") and "victims:" not in result.output


def test_list_unknown_kind_is_a_usage_error(runner):
    result = runner.invoke(main, ["list", "recipies"])
    assert result.exit_code == 2
    assert "Did you mean 'recipe'" in result.output


def test_list_shows_broken_plugins_without_crashing(runner, monkeypatch):
    from attack_recipe import registry

    monkeypatch.setattr(registry, "describe", lambda kind: [
        registry.Entry(kind, "ok", "m:ok", description="works"),
        registry.Entry(kind, "bad", "m:bad", error="recipe 'bad' (m:bad) failed to import: ImportError: nope"),
    ])
    result = runner.invoke(main, ["list", "recipe"])
    assert result.exit_code == 0
    assert "ok   works" in result.output and "[broken] recipe 'bad'" in result.output


# -- run: usage errors (exit 2) ------------------------------------------------------------------


def test_unknown_recipe_suggests_the_right_one(runner, tmp_path):
    result = runner.invoke(main, ["run", "--recipe", "textfoolr", "--model", "toy-sentiment",
                                  "--dataset", "x.csv", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "Did you mean 'textfooler'" in result.output  # the closest match first


def test_model_without_dataset_is_a_usage_error(runner):
    result = runner.invoke(main, ["run", "--model", "toy-sentiment"])
    assert result.exit_code == 2
    assert "a dataset is required" in result.output


@pytest.mark.parametrize("args", [["--num-examples", "0"], ["--query-budget", "0"], ["--batch-size", "-1"]])
def test_numbers_are_validated(runner, args):
    result = runner.invoke(main, ["run", *args])
    assert result.exit_code == 2
    assert "Invalid value" in result.output


# -- run: the CLI layer on a stubbed loader (independent of datasets and model loading) ------------


class _Antonyms(WordSwap):
    def replacements(self, word, index, text, rng=None):
        return {"good": ["bad"], "great": ["poor"], "love": ["hate"]}.get(word.lower(), [])


class _Greedy(SearchMethod):
    def search(self, ctx, initial):
        best = initial
        while not best.success:
            scored = ctx.evaluate(ctx.neighbours(best.text))
            if not scored:
                return best
            nxt = max(scored, key=lambda s: s.score)
            if nxt.score <= best.score:
                return best
            best = nxt
        return best


def _fake_prepare(config):
    victim = KeywordSentimentVictim()
    examples = [runner_module._Example(str(i), t, l) for i, (t, l) in enumerate(SENTIMENT_EXAMPLES)]
    attack = Attack(_Antonyms(), _Greedy(), similarity_model=None, name="stub")
    examples = examples[config.offset : config.offset + config.num_examples]
    info = {"recipe": config.recipe, "model": config.model_name, "dataset": "stub", "split": config.split}
    return config_module.PreparedRun(config, attack, victim, examples, "stub", config.split, info)


def test_run_prints_summary_examples_and_paths(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(config_module, "prepare", _fake_prepare)
    out = tmp_path / "run"
    result = runner.invoke(main, ["run", "--model", "toy-sentiment", "--dataset", "stub", "--num-examples", "5",
                                  "--out", str(out), "--show-examples", "2", "--allow-invalid"])
    assert result.exit_code == 0, result.output
    assert "Attack success rate" in result.output and "Accuracy under attack" in result.output
    # the stub's antonym swaps succeed; the judge (tests/conftest.py: tiny_judge) rejects them
    assert result.output.index("Valid success rate") < result.output.index("Attack success rate")
    assert "invalid: antonym: good -> bad" in result.output
    assert "time:" in result.output and "victim" in result.output
    assert "positive (" in result.output and "→ negative (" in result.output  # label before → after
    assert f"results: {out / 'results.jsonl'}" in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["total"] == 5 and summary["run"]["recipe"] == "textfooler"
    assert summary["run"]["num_examples"] == 5 and summary["run"]["model"] == "toy-sentiment"
    assert len((out / "results.jsonl").read_text().splitlines()) == 5


def test_run_quiet_prints_one_line(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(config_module, "prepare", _fake_prepare)
    result = runner.invoke(main, ["run", "--quiet", "--model", "m", "--dataset", "d", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Attack success rate" not in result.output
    assert "succeeded " in result.output and "success rate" in result.output


def test_run_unexpected_error_is_one_line_without_traceback(runner, tmp_path, monkeypatch):
    def broken(config):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(config_module, "prepare", broken)
    result = runner.invoke(main, ["run", "--model", "m", "--dataset", "d", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "error: unexpected RuntimeError: disk on fire (run again with --debug" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(main, ["run", "--debug", "--model", "m", "--dataset", "d", "--out", str(tmp_path)])
    assert isinstance(result.exception, RuntimeError)


# -- run: end to end with the real loaders and recipes ---------------------------------------------


def _sentiment_csv(tmp_path):
    return write_csv(tmp_path / "reviews.csv", ["text", "label"], SENTIMENT_EXAMPLES)


def test_run_end_to_end_on_toy_victim(runner, tmp_path):
    data = _sentiment_csv(tmp_path)
    out = tmp_path / "run"
    result = runner.invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                  "--dataset", str(data), "--num-examples", "4", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["total"] == 4 and summary["errors"] == 0, result.output
    assert summary["succeeded"] + summary["failed"] + summary["skipped"] == 4
    assert summary["run"]["recipe"] == "deepwordbug" and summary["run"]["model"] == "toy-sentiment"
    assert len((out / "results.jsonl").read_text().splitlines()) == 4


def test_csv_without_text_column_names_the_columns(runner, tmp_path):
    data = write_csv(tmp_path / "bad.csv", ["review", "stars"], [("good film", 1), ("bad film", 0)])
    result = runner.invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                  "--dataset", str(data), "--out", str(tmp_path / "run")])
    assert result.exit_code == 1, result.output
    assert "error:" in result.output and "Traceback" not in result.output
    assert "review" in result.output and "stars" in result.output


def test_nonexistent_model_path_is_a_clear_error(runner, tmp_path):
    data = _sentiment_csv(tmp_path)
    missing = tmp_path / "no-such-model"
    result = runner.invoke(main, ["run", "--recipe", "deepwordbug", "--model", str(missing),
                                  "--dataset", str(data), "--out", str(tmp_path / "run")])
    assert result.exit_code == 1, result.output
    assert "error:" in result.output and "no-such-model" in result.output
    assert "Traceback" not in result.output


def test_word_diff_marks_changes_when_colour_is_lost():
    from attack_recipe.evaluation.console import word_diff

    assert word_diff("a good day", "a fine day", markers=True).plain == "a [-good-]{+fine+} day"
    assert word_diff("a good day", "a fine day").plain == "a good fine day"


def test_compare_prints_runs_side_by_side(runner, tmp_path):
    data = write_csv(tmp_path / "d.csv", ["text", "label"], SENTIMENT_EXAMPLES)
    for seed in (0, 1):
        result = runner.invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment", "--dataset",
                                      str(data), "--seed", str(seed), "--out", str(tmp_path / f"s{seed}"), "-q"])
        assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["compare", str(tmp_path / "s0"), str(tmp_path / "s1")])
    assert result.exit_code == 0, result.output
    assert "s0" in result.output and "s1" in result.output and "Attack success rate" in result.output
    assert "attacked different examples" not in result.output
    fewer = runner.invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment", "--dataset",
                                 str(data), "--num-examples", "3", "--out", str(tmp_path / "few"), "-q"])
    assert fewer.exit_code == 0, fewer.output
    warned = runner.invoke(main, ["compare", str(tmp_path / "s0"), str(tmp_path / "few")])
    assert "warning: these runs attacked different examples" in warned.output and "3 in common" in warned.output
    missing = runner.invoke(main, ["compare", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


# -- recipe options ---------------------------------------------------------------------------


def test_recipe_option_reaches_the_factory_and_the_fingerprint(runner, tmp_path):
    out = tmp_path / "run"
    args = ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment", "--dataset", "tweets",
            "--num-examples", "2", "-q", "--no-validity", "--out", str(out)]
    result = runner.invoke(main, [*args, "-O", "max_edit_distance=7"])
    assert result.exit_code == 0, result.output
    info = json.loads((out / "run.json").read_text())
    assert "LevenshteinDistance(max_edit_distance=7)" in info["attack"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["config"]["recipe_options"] == [["max_edit_distance", 7]]
    # a different option value is a different configuration: resuming into the same folder is refused
    again = runner.invoke(main, [*args, "-O", "max_edit_distance=9"])
    assert again.exit_code != 0 and "attack" in again.output


def test_unknown_recipe_option_names_the_accepted_ones(runner):
    result = runner.invoke(main, ["run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
                                  "--dataset", "tweets", "--mlm", "bert-base-uncased", "--no-validity"])
    assert result.exit_code == 2
    assert "takes no option 'mlm'" in result.output and "max_edit_distance" in result.output


@pytest.mark.parametrize("spec, expected", [("k=3", ("k", 3)), ("k=0.5", ("k", 0.5)), ("k=true", ("k", True)),
                                            ("max-rate=none", ("max_rate", None)), ("mlm=a/b", ("mlm", "a/b"))])
def test_parse_recipe_option(spec, expected):
    assert config_module.parse_recipe_option(spec) == expected


def test_list_descriptions_are_whole_plain_sentences():
    from attack_recipe.registry import summary_line

    assert summary_line("Keep ``top_n`` words,\n    e.g. the best. More here.\n\nDetails.") == "Keep top_n words, e.g. the best."
    assert summary_line("PWWS (Ren et al. 2019): swaps") == "PWWS (Ren et al. 2019): swaps"
