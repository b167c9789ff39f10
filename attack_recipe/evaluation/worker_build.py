"""What a worker (a local process or a Ray actor) builds before its first example.

A worker receives a :class:`WorkerSpec` — the run's :class:`~attack_recipe.evaluation.config.RunConfig`
plus what the harness's process resolved from it — and builds its own victim, armed attack (recipe,
preset, judge), and validity scorer with the same functions :func:`~attack_recipe.evaluation.runner.prepare`
uses. Models are loaded by each worker, never pickled per example; a Victim *object* given in
``RunConfig.model`` travels inside the config, pickled once per worker.

The judge is built by ``judge_factory``, the harness process's :func:`~attack_recipe.evaluation.runner.new_judge`
as it stood when the run started. Tests replace that function with
:func:`attack_recipe.testing.judge.tiny_judge` (tests/conftest.py); a worker process does not see a
monkeypatch, but it receives the replacement itself (a module-level function pickles by name).

The worker then checks that what it built is what the harness records: its attack's and judge's
``repr`` must equal the spec's, or it refuses to start (a PreparedRun whose attack was swapped after
:func:`prepare` cannot be rebuilt from its config).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from .config import RunConfig
    from .example_runner import ExampleRunner


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs to build its :class:`~attack_recipe.evaluation.example_runner.ExampleRunner`."""

    config: RunConfig
    attack: str  # repr of the armed attack the harness records in run.json
    judge: str | None  # repr of its judge (None: no judge)
    judge_factory: Callable | None  # builds the judge (runner.new_judge, or a test's stand-in)
    validity: bool  # measure each success (perplexity ratio, independent similarity)
    log_level: int = logging.WARNING  # the harness process's level for attack_recipe's loggers
    order: str = "constraints-first"  # the order the harness chose for the run (attacks/ordering.py)


def worker_spec(config: RunConfig, armed, *, judge_factory: Callable | None, validity: bool) -> WorkerSpec:
    """The spec for workers of a run whose harness records the attack ``armed``."""
    judge = getattr(armed, "judge", None)
    return WorkerSpec(config=config, attack=repr(armed), judge=repr(judge) if judge is not None else None,
                      judge_factory=judge_factory if config.judge else None, validity=validity,
                      log_level=logging.getLogger("attack_recipe").getEffectiveLevel(),
                      order=getattr(armed, "order", "constraints-first"))


def configure_worker(spec: WorkerSpec, threads: int | None) -> None:
    """Logging like the harness's process (prefixed with the worker's pid) and ``threads`` intra-op
    threads for torch and BLAS, unless OMP_NUM_THREADS says otherwise: N workers with all cores each
    would fight over them."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s [worker %(process)d] %(name)s: %(message)s"))
    package_logger = logging.getLogger("attack_recipe")
    package_logger.addHandler(handler)
    package_logger.setLevel(spec.log_level)
    if threads is not None and "OMP_NUM_THREADS" not in os.environ:
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[name] = str(threads)  # read by torch and numpy's BLAS when they load, after this


def build_example_runner(spec: WorkerSpec) -> "ExampleRunner":
    """Load the victim, build and arm the attack, check it is the harness's, and return the runner."""
    from .example_runner import ExampleRunner
    from .runner import arm, load_attack, load_run_victim, validity_scorer

    cfg = spec.config
    victim = load_run_victim(cfg)
    attack = arm(load_attack(cfg), victim, cfg, judge_factory=spec.judge_factory).with_order(spec.order)
    judge = getattr(attack, "judge", None)
    built = (repr(attack), repr(judge) if judge is not None else None)
    if built != (spec.attack, spec.judge):
        raise UsageError(
            "a worker built another attack from the run's config than the one the harness records "
            f"(harness: {spec.attack}, judge {spec.judge}; worker: {built[0]}, judge {built[1]}); an attack "
            "changed after prepare() cannot run in workers: run it with workers=1 on the local backend"
        )
    return ExampleRunner(attack, victim, seed=cfg.seed, query_budget=cfg.query_budget,
                         time_limit=cfg.example_timeout or None,
                         validity=validity_scorer() if spec.validity else None)


__all__ = ["WorkerSpec", "build_example_runner", "configure_worker", "worker_spec"]
