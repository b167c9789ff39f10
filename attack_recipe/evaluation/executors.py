"""Where examples are attacked: in this process, in local worker processes, or on Ray actors.

The harness (:mod:`.harness`) owns everything a run writes: ordering, resume, the folder lock, the
result files and the summary. An executor only turns examples into results, in any order, through
one small interface: :meth:`Executor.start` (load what the workers need; raise if one cannot),
:meth:`Executor.run` (``(position, example)`` pairs in, ``(position, result)`` pairs out as they
finish) and :meth:`Executor.close`.

- :class:`InProcessExecutor` (``workers=1``, the default): the harness's own attack and victim,
  one example after another, results in dataset order.
- :class:`LocalWorkersExecutor` (``workers=N``): N processes (``spawn``: no torch state is forked),
  each building its own victim, attack, judge and validity scorer from the run's config
  (:mod:`.worker_build`) once, before the first example; examples go to whichever process is free.
- :class:`~attack_recipe.evaluation.ray_executor.RayExecutor` (``backend="ray"``): the same on Ray
  actors, with actor restart and task retry (imported only when asked for: ``import attack_recipe``
  and local runs never import ray).

Since an example's result depends on (seed, example id, configuration) only, every executor gives the
same results; tests compare ``results.jsonl`` across them, timings aside.

Worker processes ignore Ctrl-C: the harness's process receives it, closes the executor (which
terminates the workers) and keeps every result that reached it; a rerun resumes.
"""

from __future__ import annotations

import logging
import os
import pickle
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ..errors import AttackRecipeError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from ..attacks.results import AttackResult
    from .example_runner import ExampleRunner
    from .worker_build import WorkerSpec

logger = logging.getLogger(__name__)

#: the values of RunConfig.backend / --backend
BACKENDS = ("local", "ray")

Job = tuple[int, Any]  # (position in the dataset slice, example)


class WorkerError(AttackRecipeError):
    """A worker could not start, died, or raised something that cannot travel between processes."""


class Executor:
    """Turns examples into results (see the module docstring); a context manager: start … close."""

    #: how many examples it attacks at once
    workers: int = 1

    def start(self, jobs: int | None = None) -> None:
        """Load what the workers need, before the first example (raises if a worker cannot start);
        ``jobs``: how many examples will come, so that no more workers start than have work."""

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[int, "AttackResult"]]:
        """Attack every ``(position, example)``; yield ``(position, result)`` as each finishes."""
        raise NotImplementedError

    def close(self) -> None:
        """Stop the workers (what is still running is abandoned: its example is attacked again on resume)."""

    def describe(self) -> str:
        """One phrase for run.json / summary.json, e.g. "local, 2 workers"."""
        return f"{type(self).__name__}, {self.workers} worker{'s' if self.workers != 1 else ''}"

    def __enter__(self) -> "Executor":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Each example in this process, in order, with the harness's own runner."""

    def __init__(self, runner: "ExampleRunner"):
        self.runner = runner

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[int, "AttackResult"]]:
        for position, example in jobs:
            yield position, self.runner(example)

    def describe(self) -> str:
        return "in-process"


def portable_error(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a :class:`WorkerError` (or :class:`UsageError`) with its
    text: an exception whose ``__init__`` takes other arguments than its message (ResourceNotFoundError)
    cannot be rebuilt in the harness's process and would break the pool instead of being reported."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        kind = UsageError if isinstance(exc, UsageError) else WorkerError
        return kind(f"{type(exc).__name__}: {exc}")


def threads_per_worker(workers: int) -> int:
    """Intra-op threads (torch, BLAS) per worker: this machine's cores shared out, at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores // max(1, workers))


def packed_spec(spec: "WorkerSpec") -> bytes:
    """``spec`` pickled, as workers receive it (they unpickle it where a failure can be reported).
    A :class:`UsageError` now, before any worker starts, when the run's config cannot be sent: a
    Victim object (or a recipe option) given in Python that does not pickle."""
    try:
        return pickle.dumps(spec)
    except Exception as exc:
        raise UsageError(
            f"workers build their own victim and attack from the run's config, and this config cannot be sent "
            f"to them ({type(exc).__name__}: {exc}); a Victim object given in Python is pickled once per worker. "
            "Pass the victim as a spec instead (a registered name, a path or module:callable), or run with "
            "workers=1 on the local backend"
        ) from None


# -- local worker processes -----------------------------------------------------------------------------

# the worker process's own state, set by _worker_init (one process builds one runner)
_RUNNER: "ExampleRunner | None" = None
_START_ERROR: BaseException | None = None
_BARRIER: Any = None


def _worker_init(packed: bytes, barrier, threads: int) -> None:
    """In a new worker process: ignore Ctrl-C (the harness's process handles it), share the cores out,
    build the runner. A failure is kept for :func:`_worker_ready` to report, not raised here (an
    initializer that raises only breaks the pool, without saying why)."""
    import signal

    global _RUNNER, _START_ERROR, _BARRIER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    _BARRIER = barrier
    from .worker_build import build_example_runner, configure_worker

    try:
        spec = pickle.loads(packed)  # here, not as an initarg: a victim that fails to unpickle is reported
        configure_worker(spec, threads)
        _RUNNER = build_example_runner(spec)
    except BaseException as exc:  # noqa: BLE001 - reported by _worker_ready, in the harness's process
        _START_ERROR = portable_error(exc)


def _exit_with_parent() -> None:
    """End this worker when the harness's process dies (a ``kill -9`` runs no cleanup): a pool worker
    holds both ends of its task queue, so it would otherwise wait for work forever."""
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _worker_ready() -> int:
    """Block until every worker has built its runner (so N of these calls land on N processes)."""
    import threading

    if _START_ERROR is not None:
        _BARRIER.abort()  # the others stop waiting at once
        raise _START_ERROR
    try:
        _BARRIER.wait()
    except threading.BrokenBarrierError:
        raise WorkerError("another worker could not start") from None
    return os.getpid()


def _worker_attack(example) -> "AttackResult":
    try:
        return _RUNNER(example)
    except BaseException as exc:  # a usage error: the harness aborts the run, as in-process
        raise portable_error(exc) from None


class LocalWorkersExecutor(Executor):
    """``workers`` processes on this machine (:mod:`concurrent.futures`), each with its own runner."""

    def __init__(self, spec: "WorkerSpec", workers: int):
        if workers < 1:
            raise UsageError(f"workers must be >= 1, got {workers}")
        self.spec = spec
        self.workers = workers
        self._pool = None
        self._drained = False  # run() went through every job: close() need not terminate anything

    def describe(self) -> str:
        return f"local, {self.workers} worker processes"

    def start(self, jobs: int | None = None) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        packed = packed_spec(self.spec)
        if jobs is not None:
            self.workers = max(1, min(self.workers, jobs))
        context = multiprocessing.get_context("spawn")  # a forked torch/OpenMP state can deadlock
        barrier = context.Barrier(self.workers)
        self._pool = ProcessPoolExecutor(self.workers, mp_context=context, initializer=_worker_init,
                                         initargs=(packed, barrier, threads_per_worker(self.workers)))
        futures = [self._pool.submit(_worker_ready) for _ in range(self.workers)]
        errors = []
        for future in futures:
            try:
                future.result()
            except BaseException as exc:  # noqa: BLE001 - the most telling one is raised below
                errors.append(exc)
        if errors:  # a worker's own error says more than "another worker could not start"
            own = [e for e in errors if not (isinstance(e, WorkerError) and "another worker" in str(e))]
            raise self._explained(own[0] if own else errors[0])
        logger.info("%d worker processes ready", self.workers)

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[int, "AttackResult"]]:
        from concurrent.futures import FIRST_COMPLETED, wait

        if self._pool is None:
            raise RuntimeError("LocalWorkersExecutor.run before start")
        jobs = iter(jobs)
        pending: dict[Any, int] = {}

        def submit_next() -> None:
            for position, example in jobs:
                try:
                    pending[self._pool.submit(_worker_attack, example)] = position
                except BaseException as exc:  # noqa: BLE001 - a pool that broke since the last result
                    raise self._explained(exc) from None
                return

        for _ in range(2 * self.workers):  # a few queued per worker: none waits, the order stays near dataset order
            submit_next()
        self._drained = False
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=pending.get):
                position = pending.pop(future)
                try:
                    result = future.result()
                except BaseException as exc:  # noqa: BLE001
                    raise self._explained(exc) from None
                submit_next()
                yield position, result
        self._drained = True

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if self._drained:  # every example done: the workers are idle and exit cleanly
            pool.shutdown(wait=True)
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())  # no public handle before 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:  # an example still running is abandoned, not waited for
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=10)

    @staticmethod
    def _explained(exc: BaseException) -> BaseException:
        from concurrent.futures.process import BrokenProcessPool

        if isinstance(exc, BrokenProcessPool):
            return WorkerError(
                "a worker process died (killed, out of memory, or a crash in native code); the results that "
                "reached the harness are kept, and the same command resumes the run"
            )
        return exc


__all__ = ["BACKENDS", "Executor", "InProcessExecutor", "LocalWorkersExecutor", "WorkerError", "packed_spec",
           "portable_error", "threads_per_worker"]
