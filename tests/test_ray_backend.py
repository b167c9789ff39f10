"""``backend="ray"``: Ray actors attack the examples; results equal an in-process run's.

The tests start a local Ray instance (2 CPUs, no dashboard) once for the module; they skip when Ray
is not installed (``pip install 'attack-recipe[ray]'``). Workers (Ray actors) receive the test
judge ``tiny_judge`` through the worker spec, as local worker processes do.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from attack_recipe.errors import UsageError
from attack_recipe.evaluation.config import run_from_config
from attack_recipe.evaluation.executors import WorkerError
from attack_recipe.testing import KeywordSentimentVictim
from attack_recipe.testing.victims import DiesOnceVictim
from test_resume import lines_without_timings
from test_workers import FailsInWorkers, config

needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="Ray is not installed (pip install 'attack-recipe[ray]'); the Ray backend is optional",
)


@pytest.fixture(scope="module")
def ray_cluster():
    import ray

    saved = {k: os.environ.get(k) for k in ("RAY_AUTH_MODE", "PYTHONPATH")}
    os.environ["RAY_AUTH_MODE"] = "disabled"  # a throw-away local instance (shared/RESOURCES.md)
    os.environ["PYTHONPATH"] = os.pathsep.join(sys.path)  # actors import this tree and the tests' helpers
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def data(sentiment_csv):
    return sentiment_csv(2)


@needs_ray
def test_ray_actors_write_what_one_process_writes(ray_cluster, data, tmp_path):
    local = run_from_config(config(data, tmp_path / "local"))
    on_ray = run_from_config(config(data, tmp_path / "ray", backend="ray", workers=2))
    assert lines_without_timings(on_ray.results_path) == lines_without_timings(local.results_path)
    assert any(r.judgement for r in on_ray.results), "the actors' judge (tiny_judge) gave verdicts"
    assert on_ray.summary["run"]["executor"].startswith("ray (")
    assert ray_cluster.is_initialized()  # a Ray session the caller started is left running


@needs_ray
def test_an_actor_that_dies_is_restarted_and_its_example_retried(ray_cluster, data, tmp_path):
    marker = tmp_path / "died"
    ref = run_from_config(config(data, tmp_path / "ref", model=KeywordSentimentVictim(), judge=False))
    outcome = run_from_config(config(data, tmp_path / "ray", model=DiesOnceVictim(str(marker)), judge=False,
                                     backend="ray", workers=2))
    assert marker.exists(), "an actor process died on the trigger word"
    assert outcome.summary["errors"] == 0
    assert lines_without_timings(outcome.results_path) == lines_without_timings(ref.results_path)


@needs_ray
def test_an_actor_that_cannot_build_its_victim_says_why(ray_cluster, data, tmp_path):
    with pytest.raises(WorkerError, match="ResourceNotFoundError: this victim does not load in a worker"):
        run_from_config(config(data, tmp_path / "x", model=FailsInWorkers(), backend="ray", workers=2, judge=False))
    summary = json.loads((tmp_path / "x" / "summary.json").read_text())
    assert "this victim does not load" in summary["aborted"]


@needs_ray
def test_the_cli_runs_on_a_ray_instance_of_its_own(data, tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "RAY_AUTH_MODE": "disabled",
           "ATTACK_RECIPE_VALIDITY": "0"}
    env.pop("RAY_ADDRESS", None)
    base = [sys.executable, "-m", "attack_recipe.cli", "run", "--recipe", "deepwordbug", "--model", "toy-sentiment",
            "--dataset", str(data), "--num-examples", "8", "--no-judge", "-q"]
    subprocess.run([*base, "--out", str(tmp_path / "local")], check=True, timeout=120, env=env)
    done = subprocess.run([*base, "--out", str(tmp_path / "ray"), "--backend", "ray", "--workers", "2",
                           "--ray-address", "local"],  # ray.init's "local": a new instance, stopped at the end
                          timeout=180, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert lines_without_timings(tmp_path / "ray" / "results.jsonl") == \
        lines_without_timings(tmp_path / "local" / "results.jsonl")


def test_without_ray_the_backend_says_how_to_install_it(data, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(UsageError, match=r"pip install 'attack-recipe\[ray\]'"):
        run_from_config(config(data, tmp_path / "x", backend="ray", judge=False))


def test_local_runs_never_import_ray(data):
    """``import attack_recipe``, the CLI and a local run's whole path (config, runner, harness, executors)."""
    code = ("import sys; import attack_recipe, attack_recipe.cli; "
            "from attack_recipe.evaluation import executors, harness, runner, worker_build; "
            "from attack_recipe.evaluation.config import RunConfig; "
            f"config = RunConfig(recipe='deepwordbug', model='toy-sentiment', dataset={str(data)!r}, workers=2); "
            "executor = runner.run_executor(config, runner.load_attack(config)); "
            "assert type(executor).__name__ == 'LocalWorkersExecutor', executor; "
            "assert 'ray' not in sys.modules, 'ray was imported'")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120,
                   env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
