"""``workers=N``: examples attacked in N local processes give the results of one process, in order.

Worker processes build their own victim, attack and judge from the run's config. They do not see
conftest's monkeypatch of ``runner.new_judge``; they receive ``tiny_judge`` itself through the
worker spec (evaluation/worker_build.py), so these runs are judged like the in-process ones.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from attack_recipe.cli import main
from attack_recipe.errors import UsageError
from attack_recipe.evaluation.config import RunConfig, prepare, run_from_config
from attack_recipe.evaluation.executors import Executor, WorkerError
from attack_recipe.evaluation.harness import AHEAD_FILE, run_dataset
from attack_recipe.evaluation.records import read_results
from attack_recipe.resources.datasets import Example
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack
from attack_recipe.testing.victims import DiesOnceVictim
from test_resume import lines_without_timings


@pytest.fixture
def data(sentiment_csv):
    return sentiment_csv(2)


def config(data, out, **kw):
    fields = dict(recipe="deepwordbug", model="toy-sentiment", dataset=str(data), num_examples=20, seed=5,
                  out_dir=str(out), validity=False)
    return RunConfig(**{**fields, **kw})


def test_two_workers_write_what_one_process_writes(data, tmp_path):
    one = run_from_config(config(data, tmp_path / "one"))
    two = run_from_config(config(data, tmp_path / "two", workers=2))
    assert lines_without_timings(two.results_path) == lines_without_timings(one.results_path)
    assert [r.example_id for r in two.results] == [r.example_id for r in one.results]
    assert any(r.judgement for r in two.results), "the workers' judge (tiny_judge) gave verdicts"
    assert two.summary["run"]["executor"] == "local, 2 worker processes"
    assert one.summary["run"]["executor"] == "in-process"
    assert not (tmp_path / "two" / AHEAD_FILE).exists()
    assert two.summary["run"]["config"]["workers"] == 2
    run_json = json.loads((tmp_path / "two" / "run.json").read_text())
    assert "workers" not in run_json and "executor" not in run_json  # not part of what the results are


def test_an_interrupted_parallel_run_resumes_in_one_process(data, tmp_path):
    ref = run_from_config(config(data, tmp_path / "ref"))
    seen = []

    def stop_after_five(result):
        seen.append(result)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_from_config(config(data, tmp_path / "cut", workers=2), on_result=stop_after_five)
    summary = json.loads((tmp_path / "cut" / "summary.json").read_text())
    assert summary["interrupted"] and summary["run"]["num_attacked"] == 5
    cut = run_from_config(config(data, tmp_path / "cut"))  # in one process, to the end
    assert lines_without_timings(cut.results_path) == lines_without_timings(ref.results_path)


class OutOfOrder(Executor):
    """Finishes the examples at ``order`` positions in that order, then is interrupted."""

    def __init__(self, runner, order):
        self.runner, self.order = runner, order

    def run(self, jobs):
        jobs = dict(jobs)
        for position in self.order:
            yield position, self.runner(jobs[position])
        raise KeyboardInterrupt


EXAMPLES = [Example(f"ex{i:03d}", t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES)]
INFO = {"recipe": "chars", "model": "toy", "dataset": "toy", "split": "all", "offset": 0}


def test_results_finished_ahead_of_their_turn_survive_an_interrupt(tmp_path):
    from attack_recipe.evaluation.example_runner import ExampleRunner

    attack, victim = character_attack(), KeywordSentimentVictim()
    ref = run_dataset(attack, victim, EXAMPLES, out_dir=tmp_path / "ref", seed=3, run_info=INFO)
    runner = ExampleRunner(attack, victim, seed=3)
    with pytest.raises(KeyboardInterrupt):  # 0 done, then 3 and 4 before 1 and 2
        run_dataset(attack, victim, EXAMPLES, out_dir=tmp_path / "cut", seed=3, run_info=INFO,
                    executor=OutOfOrder(runner, [0, 3, 4]))
    assert [r.example_id for r in read_results(tmp_path / "cut" / "results.jsonl")] == ["ex000"]
    assert [json.loads(x)["example_id"] for x in (tmp_path / "cut" / AHEAD_FILE).read_text().splitlines()] == \
        ["ex003", "ex004"]
    attacked = []
    cut = run_dataset(attack, victim, EXAMPLES, out_dir=tmp_path / "cut", seed=3, run_info=INFO,
                      on_result=lambda r: attacked.append(r.example_id))
    assert "ex003" not in attacked and "ex004" not in attacked and attacked[0] == "ex001"  # kept, not redone
    assert lines_without_timings(cut.results_path) == lines_without_timings(ref.results_path)
    assert not (tmp_path / "cut" / AHEAD_FILE).exists()


def test_a_worker_that_dies_stops_the_run_and_the_rerun_resumes(data, tmp_path):
    marker = tmp_path / "died"
    ref = run_from_config(config(data, tmp_path / "ref", model=KeywordSentimentVictim(), judge=False))
    victim = DiesOnceVictim(str(marker))
    with pytest.raises(WorkerError, match="worker process died.*resumes"):
        run_from_config(config(data, tmp_path / "cut", model=victim, judge=False, workers=2))
    assert marker.exists()
    assert not multiprocessing.active_children(), "the other worker was left running"
    summary = json.loads((tmp_path / "cut" / "summary.json").read_text())
    assert summary["aborted"].startswith("WorkerError")
    done = len((tmp_path / "cut" / "results.jsonl").read_text().splitlines())
    assert done < 20
    cut = run_from_config(config(data, tmp_path / "cut", model=victim, judge=False, workers=2))
    assert lines_without_timings(cut.results_path) == lines_without_timings(ref.results_path)


class Unpicklable(KeywordSentimentVictim):
    def __init__(self):
        super().__init__()
        self.hook = lambda text: text  # a lambda does not pickle


def test_a_victim_object_that_cannot_travel_is_refused_before_any_worker_starts(data, tmp_path):
    with pytest.raises(UsageError, match="cannot be sent to them.*Pass the victim as a spec"):
        run_from_config(config(data, tmp_path / "x", model=Unpicklable(), workers=2))
    assert not (tmp_path / "x" / "results.jsonl").read_text()


def test_an_attack_changed_after_prepare_is_refused_by_the_workers(data, tmp_path):
    from attack_recipe.evaluation.config import execute

    prepared = prepare(config(data, tmp_path / "x", workers=2, judge=False))
    prepared.attack = character_attack()  # not what the config names: a worker cannot rebuild it
    with pytest.raises(UsageError, match="a worker built another attack"):
        execute(prepared)


def test_a_worker_that_cannot_load_its_victim_says_why(data, tmp_path):
    with pytest.raises(WorkerError, match="ResourceNotFoundError: this victim does not load in a worker"):
        run_from_config(config(data, tmp_path / "x", model=FailsInWorkers(), workers=2, judge=False))
    assert not multiprocessing.active_children(), "workers left running after a failed start"


class FailsInWorkers(KeywordSentimentVictim):
    """Loads in the harness's process; unpickling it in another process fails."""

    def __reduce__(self):
        return (_fail_in_workers, (os.getpid(),))


def _fail_in_workers(harness_pid: int):
    if os.getpid() != harness_pid:
        from attack_recipe.errors import ResourceNotFoundError

        # an error whose __init__ takes other arguments than its message, as a missing model raises
        raise ResourceNotFoundError("this victim does not load in a worker", ["here"], "nothing")
    return FailsInWorkers()


@pytest.mark.parametrize("fields, message", [
    ({"workers": 0}, "workers must be an integer >= 1"),
    ({"workers": True}, "workers must be an integer >= 1"),
    ({"backend": "dask"}, "backend must be one of local, ray"),
    ({"ray_address": "auto"}, "--ray-address applies to --backend ray only"),
])
def test_bad_execution_options_are_usage_errors(fields, message, data):
    with pytest.raises(UsageError, match=message):
        config(data, "out", **fields)


def test_cli_rejects_bad_execution_options(data):
    runner = CliRunner()
    bad = runner.invoke(main, ["run", "--model", "toy-sentiment", "--dataset", str(data), "--workers", "0"])
    assert bad.exit_code == 2 and "--workers" in bad.output
    bad = runner.invoke(main, ["run", "--model", "toy-sentiment", "--dataset", str(data), "--ray-address", "auto"])
    assert bad.exit_code == 2 and "--backend ray only" in bad.output


@pytest.fixture
def long_data(sentiment_csv):
    """60 rows: a parallel CLI run on the slow toy victim lasts long enough to be interrupted."""
    return sentiment_csv(6, "long.csv")


def _cli(data, out, *extra):
    return [sys.executable, "-m", "attack_recipe.cli", "run", "--recipe", "deepwordbug", "--model",
            "attack_recipe.testing.victims:slow_keyword_sentiment_victim", "--dataset", str(data),
            "--num-examples", "60", "--seed", "5", "--no-judge", "--no-validity", "--out", str(out), "-q", *extra]


def _group_gone(pgid: int, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_ctrl_c_on_a_parallel_cli_run_keeps_its_results_and_stops_the_workers(long_data, tmp_path):
    data = long_data
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run(_cli(data, tmp_path / "ref"), check=True, timeout=120, env=env)
    cut = tmp_path / "cut"
    # a test run in the background inherits SIGINT ignored (and Python then never raises
    # KeyboardInterrupt): the run gets the default disposition, as in a terminal
    proc = subprocess.Popen(_cli(data, cut, "--workers", "2"), env=env, start_new_session=True,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    results = cut / "results.jsonl"
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        if results.exists() and results.read_text().count("\n") >= 2:
            break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C: to every process of the group
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr  # the workers ignore the SIGINT; the harness stops them
    assert _group_gone(proc.pid, 15), "worker processes outlived the run"
    summary = json.loads((cut / "summary.json").read_text())
    assert summary["interrupted"]
    kept = len(results.read_text().splitlines()) + (len((cut / AHEAD_FILE).read_text().splitlines())
                                                     if (cut / AHEAD_FILE).exists() else 0)
    assert 2 <= kept < 60
    subprocess.run(_cli(data, cut), check=True, timeout=120, env=env)
    assert lines_without_timings(results) == lines_without_timings(tmp_path / "ref" / "results.jsonl")


def test_kill_9_of_the_harness_leaves_no_worker_behind(long_data, tmp_path):
    data = long_data
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cut = tmp_path / "cut"
    proc = subprocess.Popen(_cli(data, cut, "--workers", "2"), env=env, start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        if (cut / "results.jsonl").exists() and (cut / "results.jsonl").read_text().count("\n") >= 2:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _group_gone(proc.pid, 30), "worker processes outlived a killed harness"
