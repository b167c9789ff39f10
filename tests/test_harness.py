"""The dataset harness: per-example errors, durable results, interrupts, usage errors; and RunConfig."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.results import Status
from attack_recipe.attacks.search.base import SearchMethod
from attack_recipe.attacks.transformations.base import WordSwap
from attack_recipe.errors import UsageError, WhiteBoxRequiredError
from attack_recipe.evaluation.config import RunConfig, sanitise
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.evaluation.records import read_results, read_summary
from attack_recipe.testing import KeywordSentimentVictim


class Ex(NamedTuple):
    id: str
    text: str
    label: int | str


ANTONYMS = {"good": "bad", "great": "poor", "bad": "good", "terrible": "sad"}


class Antonyms(WordSwap):
    def replacements(self, word, index, text, rng=None):
        new = ANTONYMS.get(word.lower())
        return [new] if new else []


class OneStep(SearchMethod):
    """Try every single-word neighbour once; return the first success or the best. ``boom`` words raise."""

    def __init__(self, boom: dict | None = None, needs_gradients: bool = False):
        self.boom = boom or {}
        self.needs_gradients = needs_gradients

    def search(self, ctx, initial):
        for word, exc in self.boom.items():
            if word in initial.text.words:
                raise exc
        scored = ctx.evaluate(ctx.neighbours(initial.text))
        wins = [s for s in scored if s.success]
        return wins[0] if wins else max(scored, key=lambda s: s.score, default=initial)


def make_attack(**search_kwargs) -> Attack:
    return Attack(Antonyms(), OneStep(**search_kwargs), similarity_model=None, name="one-step")


EXAMPLES = [
    Ex("a", "The movie was good.", 1),  # good -> bad flips it: succeeded
    Ex("b", "", 1),  # empty text: InputError -> error
    Ex("c", "The plot was terrible.", 0),  # terrible -> sad is still negative: failed
    Ex("d", "A great day.", "negative"),  # the model already disagrees: skipped
    Ex("e", "The ending was good.", "neutral"),  # unknown class name: error
    Ex("f", "Good and great fun.", "positive"),
]


def test_run_continues_past_bad_examples_and_writes_files(tmp_path):
    seen = []
    outcome = run_dataset(make_attack(), KeywordSentimentVictim(), EXAMPLES, seed=3, out_dir=tmp_path / "run",
                          run_info={"recipe": "one-step", "dataset": "inline"}, on_result=seen.append)
    statuses = {r.example_id: r.status for r in outcome.results}
    assert statuses == {"a": Status.SUCCEEDED, "b": Status.ERROR, "c": Status.FAILED, "d": Status.SKIPPED,
                        "e": Status.ERROR, "f": Status.FAILED}
    assert [r.example_id for r in seen] == list("abcdef")
    by_id = {r.example_id: r for r in outcome.results}
    assert by_id["b"].error.startswith("InputError: ") and by_id["b"].reason == "input error"
    assert "neutral" in by_id["e"].error and by_id["e"].label == -1
    assert by_id["a"].perturbed_text == "The movie was bad."

    assert [r.example_id for r in read_results(outcome.results_path)] == list("abcdef")
    summary = read_summary(outcome.summary_path)
    assert summary["errors"] == 2 and summary["total"] == 6 and summary["interrupted"] is False
    run = summary["run"]
    assert run["recipe"] == "one-step" and run["dataset"] == "inline" and run["seed"] == 3
    assert run["num_examples"] == 6 and run["victim"] == "toy-sentiment"
    assert run["attack"].startswith("Attack(name='one-step'")
    assert run["started_at"].endswith("+00:00") and run["finished_at"]
    assert outcome.summary == summary


def test_unexpected_exception_becomes_an_error_result(tmp_path):
    attack = make_attack(boom={"plot": RuntimeError("kaput")})
    outcome = run_dataset(attack, KeywordSentimentVictim(), EXAMPLES[:3], out_dir=tmp_path)
    r = outcome.results[2]
    assert r.status is Status.ERROR and r.error == "RuntimeError: kaput" and r.reason == "unexpected error"
    assert r.label == 0 and r.original_text == "The plot was terrible."
    assert outcome.summary["errors"] == 2


def test_keyboard_interrupt_keeps_finished_results(tmp_path):
    attack = make_attack(boom={"plot": KeyboardInterrupt()})
    with pytest.raises(KeyboardInterrupt):
        run_dataset(attack, KeywordSentimentVictim(), EXAMPLES, out_dir=tmp_path)
    assert [r.example_id for r in read_results(tmp_path / "results.jsonl")] == ["a", "b"]
    summary = read_summary(tmp_path / "summary.json")
    assert summary["interrupted"] is True
    assert summary["total"] == 2 and summary["succeeded"] == 1 and summary["run"]["num_examples"] == 6


def test_usage_error_propagates_and_is_recorded(tmp_path):
    attack = make_attack(needs_gradients=True)
    with pytest.raises(WhiteBoxRequiredError, match="white-box"):
        run_dataset(attack, KeywordSentimentVictim(), EXAMPLES, out_dir=tmp_path)
    assert read_results(tmp_path / "results.jsonl") == []
    assert read_summary(tmp_path / "summary.json")["aborted"].startswith("WhiteBoxRequiredError")


def test_overwrite_discards_and_without_out_dir_writes_nothing(tmp_path):
    run_dataset(make_attack(), KeywordSentimentVictim(), EXAMPLES, out_dir=tmp_path)
    run_dataset(make_attack(), KeywordSentimentVictim(), EXAMPLES[:1], out_dir=tmp_path, overwrite=True)
    assert len(read_results(tmp_path / "results.jsonl")) == 1
    outcome = run_dataset(make_attack(), KeywordSentimentVictim(), EXAMPLES[:1])
    assert outcome.out_dir is None and outcome.results_path is None and outcome.summary["succeeded"] == 1


def test_same_seed_same_results():
    a = run_dataset(make_attack(), KeywordSentimentVictim(), EXAMPLES, seed=1).results
    b = run_dataset(make_attack(), KeywordSentimentVictim(), EXAMPLES, seed=1).results
    strip = lambda rs: [(r.example_id, r.status, r.perturbed_text, r.queries, r.cache_hits) for r in rs]  # noqa: E731
    assert strip(a) == strip(b)


# -- RunConfig --------------------------------------------------------------------------------


def test_run_config_defaults_and_out_dir():
    cfg = RunConfig()
    assert cfg.dataset == "tweets" and cfg.model_name == "sentiment-minilm"
    assert str(cfg.resolved_out_dir) == "runs/textfooler-sentiment-minilm-tweets-s0"
    cfg = RunConfig(recipe="pwws", model="org/some-model", dataset="/data/reviews.csv", seed=7)
    assert str(cfg.resolved_out_dir) == "runs/pwws-org-some-model-reviews-s7"
    assert str(RunConfig(out_dir="x/y").resolved_out_dir) == "x/y"


def test_run_config_needs_a_dataset_with_a_model():
    with pytest.raises(UsageError, match="a dataset is required with model 'toy-sentiment'"):
        RunConfig(model="toy-sentiment")


@pytest.mark.parametrize("field, value", [("num_examples", 0), ("query_budget", 0), ("offset", -1),
                                          ("batch_size", 0), ("num_examples", True)])
def test_run_config_validates_numbers(field, value):
    with pytest.raises(UsageError, match=f"{field} must be an integer"):
        RunConfig(**{field: value})


@pytest.mark.parametrize("spec, slug", [("sentiment-minilm", "sentiment-minilm"), ("a/b", "a-b"),
                                        ("./models/my-model/", "my-model"), ("data/x.jsonl", "x"),
                                        ("http://h:80/p", "http-h-80-p")])
def test_sanitise(spec, slug):
    assert sanitise(spec) == slug
