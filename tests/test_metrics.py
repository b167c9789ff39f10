"""Summary metrics and result files, checked against hand computation."""

from __future__ import annotations

import json
import logging

import pytest

from attack_recipe.attacks.results import SCHEMA_VERSION, AttackResult, Status, TimeSplit
from attack_recipe.evaluation.metrics import METRIC_DEFINITIONS, summarize
from attack_recipe.evaluation.records import ResultsFileError, ResultsWriter, read_results, read_summary, write_summary


def _r(i, status, *, queries=0, cache=0, words=0, changed=(), sim=None, reason=None, secs=TimeSplit()):
    perturbed = "x" if status in (Status.SUCCEEDED, Status.FAILED) and changed else None
    return AttackResult(
        example_id=str(i), original_text=f"text {i}", label=1, status=status, queries=queries,
        cache_hits=cache, num_words=words, changed_indices=tuple(changed), perturbed_text=perturbed,
        similarity=sim, reason=reason, seconds=secs,
    )


@pytest.fixture
def mixed():
    return [
        _r(1, Status.SUCCEEDED, queries=10, cache=2, words=10, changed=(1, 2), sim=0.9,
           secs=TimeSplit(victim=1.0, encoder=0.5, lm=0.0, total=2.0)),
        _r(2, Status.SUCCEEDED, queries=20, cache=4, words=4, changed=(0,), sim=None,
           secs=TimeSplit(victim=2.0, encoder=0.0, lm=0.5, total=3.0)),
        _r(3, Status.SUCCEEDED, queries=40, cache=0, words=5, changed=(0, 1), sim=0.7,
           secs=TimeSplit(victim=0.5, total=1.0)),
        _r(4, Status.FAILED, queries=30, cache=6, words=8, changed=(3,), reason="query budget exhausted",
           secs=TimeSplit(victim=3.0, total=4.0)),
        _r(5, Status.FAILED, queries=50, cache=0, words=8, reason="no candidate reached the goal",
           secs=TimeSplit(victim=1.0, total=2.0)),
        _r(6, Status.SKIPPED, queries=1, secs=TimeSplit(victim=0.25, total=0.5)),
        _r(7, Status.ERROR, secs=TimeSplit(total=0.5)),
    ]


def test_summary_matches_hand_computation(mixed):
    s = summarize(mixed)
    assert (s["succeeded"], s["failed"], s["skipped"], s["errors"], s["total"]) == (3, 2, 1, 1, 7)
    assert s["attack_success_rate"] == 0.6  # 3 / (3 + 2)
    assert s["accuracy_before"] == round(5 / 6, 6)  # (3 + 2) / (3 + 2 + 1); the error is excluded
    assert s["accuracy_under_attack"] == round(2 / 6, 6)
    assert s["mean_queries_per_success"] == round(70 / 3, 4)
    assert s["median_queries_per_success"] == 20
    assert s["mean_queries_per_attempt"] == 30.0  # (10 + 20 + 40 + 30 + 50) / 5
    assert s["mean_cache_hits_per_attempt"] == 2.4  # 12 / 5
    assert s["seconds_per_success"] == 4.0  # (2 + 3 + 1 + 4 + 2) seconds of attempts / 3 successes
    assert s["mean_seconds_per_attempt"] == 2.4
    assert s["perturbed_word_pct"] == round((20 + 25 + 40) / 3, 4)  # 2/10, 1/4, 2/5
    assert s["mean_similarity"] == 0.8  # the success without a similarity is left out
    assert s["budget_exhausted"] == 1


def test_time_split_sums_every_result(mixed):
    t = summarize(mixed)["time_split"]
    assert t["total_seconds"] == 13.0
    assert t["victim_seconds"] == 7.75
    assert t["encoder_seconds"] == 0.5
    assert t["lm_seconds"] == 0.5
    assert t["rest_seconds"] == 4.25  # 0.5 + 0.5 + 0.5 + 1 + 1 + 0.25 + 0.5
    assert t["victim_pct"] == round(100 * 7.75 / 13, 2)
    assert t["rest_pct"] == round(100 * 4.25 / 13, 2)
    assert t["encoder_pct"] == t["lm_pct"] == round(100 * 0.5 / 13, 2)


def test_empty_results_give_none_not_errors():
    s = summarize([])
    assert (s["total"], s["succeeded"], s["budget_exhausted"]) == (0, 0, 0)
    for key in ("attack_success_rate", "accuracy_before", "accuracy_under_attack", "mean_queries_per_success",
                "median_queries_per_success", "mean_queries_per_attempt", "mean_cache_hits_per_attempt",
                "seconds_per_success", "mean_seconds_per_attempt", "perturbed_word_pct", "mean_similarity"):
        assert s[key] is None, key
    assert s["time_split"]["total_seconds"] == 0.0
    assert s["time_split"]["victim_pct"] is None


def test_only_skipped_and_errors():
    s = summarize([_r(1, Status.SKIPPED), _r(2, Status.SKIPPED), _r(3, Status.ERROR)])
    assert s["attack_success_rate"] is None
    assert s["accuracy_before"] == 0.0 and s["accuracy_under_attack"] == 0.0
    assert summarize([_r(1, Status.ERROR)])["accuracy_before"] is None


def test_failures_only_have_no_cost_per_success():
    s = summarize([_r(1, Status.FAILED, queries=7, secs=TimeSplit(total=1.5))])
    assert s["attack_success_rate"] == 0.0
    assert s["seconds_per_success"] is None and s["mean_queries_per_success"] is None
    assert s["mean_queries_per_attempt"] == 7.0 and s["mean_seconds_per_attempt"] == 1.5
    assert s["accuracy_under_attack"] == 1.0


def test_success_without_word_count_is_left_out_of_perturbed_pct():
    s = summarize([_r(1, Status.SUCCEEDED, words=0, changed=(0,)), _r(2, Status.SUCCEEDED, words=4, changed=(1,))])
    assert s["perturbed_word_pct"] == 25.0


def test_every_summary_figure_is_defined(mixed):
    assert set(summarize(mixed)) == set(METRIC_DEFINITIONS)


# -- records ----------------------------------------------------------------------------------


def test_results_round_trip(tmp_path, mixed):
    path = tmp_path / "results.jsonl"
    with ResultsWriter(path, overwrite=True) as w:
        w.write_all(mixed)
    assert w.count == len(mixed)
    back = read_results(path)
    assert [r.example_id for r in back] == [r.example_id for r in mixed]
    assert back[0] == mixed[0]
    assert back[3].reason == "query budget exhausted" and back[3].status is Status.FAILED
    assert summarize(back) == summarize(mixed)


def test_writer_appends_unless_overwrite(tmp_path, mixed):
    path = tmp_path / "r.jsonl"
    with ResultsWriter(path) as w:
        w.write(mixed[0])
    with ResultsWriter(path) as w:
        w.write(mixed[1])
    assert len(read_results(path)) == 2
    with ResultsWriter(path, overwrite=True) as w:
        w.write(mixed[2])
    assert [r.example_id for r in read_results(path)] == ["3"]


def test_truncated_last_line_is_ignored_with_warning(tmp_path, mixed, caplog):
    path = tmp_path / "results.jsonl"
    lines = [r.to_json_line() for r in mixed[:3]]
    path.write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][:25], encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="attack_recipe"):
        back = read_results(path)
    assert [r.example_id for r in back] == ["1", "2"]
    assert "line 3 is truncated" in caplog.text


def test_broken_middle_line_names_the_line(tmp_path, mixed):
    path = tmp_path / "results.jsonl"
    lines = [r.to_json_line() for r in mixed[:3]]
    path.write_text("\n".join([lines[0], lines[1][:30], lines[2]]) + "\n", encoding="utf-8")
    with pytest.raises(ResultsFileError, match=r"results\.jsonl: line 2 is not valid JSON"):
        read_results(path)


def test_complete_but_invalid_last_line_is_an_error(tmp_path, mixed):
    path = tmp_path / "results.jsonl"
    path.write_text(mixed[0].to_json_line() + "\n{oops\n", encoding="utf-8")
    with pytest.raises(ResultsFileError, match="line 2"):
        read_results(path)


def test_wrong_schema_version_names_the_line(tmp_path, mixed):
    d = mixed[0].to_json_dict()
    d["schema_version"] = SCHEMA_VERSION + 1
    path = tmp_path / "results.jsonl"
    path.write_text(json.dumps(d) + "\n", encoding="utf-8")
    with pytest.raises(ResultsFileError, match="line 1 is not a valid result.*schema version"):
        read_results(path)


def test_missing_results_file(tmp_path):
    with pytest.raises(ResultsFileError, match="does not exist"):
        read_results(tmp_path / "nope.jsonl")


def test_write_summary_is_sorted_indented_and_atomic(tmp_path):
    path = tmp_path / "out" / "summary.json"
    write_summary(path, {"b": 1, "a": {"d": None, "c": 0.5}})
    text = path.read_text(encoding="utf-8")
    assert text.index('"a"') < text.index('"b"') and '\n  "a": {' in text
    assert read_summary(path) == {"a": {"c": 0.5, "d": None}, "b": 1}
    write_summary(path, {"z": 2})
    assert read_summary(path) == {"z": 2}
    assert [p.name for p in path.parent.iterdir()] == ["summary.json"]  # no temp files left behind
