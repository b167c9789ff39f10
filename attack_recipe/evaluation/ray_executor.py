"""Examples attacked by Ray actors (``--backend ray``; ``pip install 'attack-recipe[ray]'``).

Each actor builds its own victim, attack, judge and validity scorer from the run's config once
(:mod:`.worker_build`, as a local worker process does) and then attacks one example at a time;
an example goes to whichever actor is free, and the harness writes the results in dataset order.

- **Resources.** An actor reserves one CPU; on a cluster with GPUs (and ``device`` unset or
  ``cuda``) it also reserves a GPU, or a share of one when there are more actors than GPUs. Ray
  sets ``CUDA_VISIBLE_DEVICES`` and ``OMP_NUM_THREADS`` per actor.
- **Faults.** An actor whose process dies (out of memory, a node lost) is restarted — it builds its
  runner again — up to ``max_restarts`` times, and the example it was attacking is retried on it
  (``max_task_retries``). Past that the run stops with a :class:`~.executors.WorkerError`; the
  results written so far are kept and the same command resumes.
- **Cluster.** ``address`` is ``ray.init``'s: None joins ``$RAY_ADDRESS``, else the cluster last
  started on this machine (``ray start``), else starts a Ray instance for the run (stopped at the
  end); "auto" joins an existing cluster or fails; "ray://head:10001" connects through Ray Client. A Ray session the caller already started
  (``ray.init`` before the run) is used as it is and left running. Every node needs attack-recipe,
  the same version, with the resources the run uses (docs/parallel.md).

Only this module imports ray, and only when an executor starts.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ..errors import UsageError
from .executors import Executor, Job, WorkerError, portable_error

if TYPE_CHECKING:  # pragma: no cover
    from ..attacks.results import AttackResult
    from .worker_build import WorkerSpec

logger = logging.getLogger(__name__)

#: an actor whose process died is restarted this many times, and the example it held retried as often
MAX_RESTARTS = 3
#: examples sent ahead to each actor (as the local executor queues two per worker)
QUEUED_PER_ACTOR = 2


def import_ray():
    try:
        import ray
    except ImportError:
        raise UsageError("--backend ray needs Ray: pip install 'attack-recipe[ray]'") from None
    return ray


class RayWorker:
    """The actor's class (made remote in :meth:`RayExecutor.start`): one runner, built at construction.

    A build failure is kept and raised by :meth:`ready`: an actor whose constructor raises is dead,
    and Ray would restart it only to fail the same way."""

    def __init__(self, packed: bytes):
        import pickle

        from .worker_build import build_example_runner, configure_worker

        self.error: BaseException | None = None
        self.runner = None
        try:
            spec = pickle.loads(packed)  # here, where a victim that fails to unpickle can be reported
            configure_worker(spec, threads=None)  # Ray sets OMP_NUM_THREADS to the actor's CPUs
            self.runner = build_example_runner(spec)
        except BaseException as exc:  # noqa: BLE001 - reported by ready()
            self.error = portable_error(exc)

    def ready(self) -> int:
        if self.error is not None:
            raise self.error
        return os.getpid()

    def attack(self, example) -> "AttackResult":
        try:
            return self.runner(example)
        except BaseException as exc:  # a usage error: the harness aborts the run, as in-process
            raise portable_error(exc) from None


class RayExecutor(Executor):
    """``workers`` Ray actors (None: one per GPU of the cluster, else one per CPU), each with its own runner."""

    def __init__(self, spec: "WorkerSpec", *, workers: int | None = None, address: str | None = None,
                 max_restarts: int = MAX_RESTARTS):
        self.spec = spec
        self.requested = workers
        self.workers = workers or 1
        self.address = address
        self.max_restarts = max_restarts
        self._ray = None
        self._owns_ray = False
        self._actors: list = []

    def describe(self) -> str:
        where = self.address or os.environ.get("RAY_ADDRESS") or "ray.init's default address"
        return f"ray ({where}), {self.requested or 'one per CPU/GPU'} actors"

    def start(self, jobs: int | None = None) -> None:
        from .executors import packed_spec

        packed = packed_spec(self.spec)
        ray = self._ray = import_ray()
        if not ray.is_initialized():
            ray.init(address=self.address)
            self._owns_ray = True  # this process's connection (and an instance it started) ends with the run
        resources = ray.cluster_resources()
        cpus, gpus = int(resources.get("CPU", 0)), float(resources.get("GPU", 0))
        device = self.spec.config.device
        use_gpus = gpus > 0 and (device is None or str(device).startswith("cuda"))
        wanted = self.requested or (int(gpus) if use_gpus and gpus >= 1 else cpus) or 1
        if jobs is not None:
            wanted = min(wanted, max(1, jobs))
        if cpus and wanted > cpus:
            logger.warning("the Ray cluster has %d CPUs: starting %d actors, not %d", cpus, cpus, wanted)
            wanted = cpus
        self.workers = wanted
        options = {"num_cpus": 1, "max_restarts": self.max_restarts, "max_task_retries": self.max_restarts}
        if use_gpus:
            options["num_gpus"] = min(1.0, gpus / wanted)
        actor_class = ray.remote(**options)(RayWorker)
        # by value: a config naming its victim is a few kB, inlined in the actor's creation task, which
        # Ray keeps for restarts. A Victim object of more than 100 kB goes to the object store instead,
        # and Ray warns that a restart fails if that copy is lost (ray-project/ray#53727).
        self._actors = [actor_class.remote(packed) for _ in range(wanted)]
        try:
            ray.get([actor.ready.remote() for actor in self._actors])
        except Exception as exc:  # noqa: BLE001
            raise self._explained(exc) from None
        logger.info("%d Ray actors ready%s", wanted, f" ({options['num_gpus']:g} GPU each)" if use_gpus else "")

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[int, "AttackResult"]]:
        ray = self._ray
        if ray is None:
            raise RuntimeError("RayExecutor.run before start")
        queue = deque(jobs)
        in_flight = {actor: 0 for actor in self._actors}
        running: dict[Any, tuple[int, Any]] = {}  # object ref -> (position, actor)
        while queue or running:
            # Up to QUEUED_PER_ACTOR examples wait on each actor (an actor runs its calls in order), so
            # an actor never idles while this process, competing for the same cores, gets round to
            # sending the next example: one at a time, 2 actors on 2 cores ran 25 % below 2 local workers.
            for actor in sorted(in_flight, key=in_flight.get):
                if not queue:
                    break
                while queue and in_flight[actor] < QUEUED_PER_ACTOR:
                    position, example = queue.popleft()
                    running[actor.attack.remote(example)] = (position, actor)
                    in_flight[actor] += 1
            done, _ = ray.wait(list(running), num_returns=1)
            position, actor = running.pop(done[0])
            try:
                result = ray.get(done[0])
            except Exception as exc:  # noqa: BLE001
                raise self._explained(exc) from None
            in_flight[actor] -= 1
            yield position, result

    def close(self) -> None:
        ray, self._ray = self._ray, None
        if ray is None:
            return
        for actor in self._actors:
            try:
                ray.kill(actor)
            except Exception:  # noqa: BLE001 - already gone
                pass
        self._actors = []
        if self._owns_ray:
            ray.shutdown()

    def _explained(self, exc: BaseException) -> BaseException:
        """The error a worker raised (not Ray's wrapper around it), or a WorkerError saying what died."""
        from ray.exceptions import RayActorError, RayTaskError

        if isinstance(exc, RayTaskError) and exc.cause is not None:
            return exc.cause
        if isinstance(exc, RayActorError):
            return WorkerError(
                f"a Ray actor died and could not be restarted ({self.max_restarts} restarts allowed): "
                f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}; the results written so far are "
                "kept, and the same command resumes the run"
            )
        return exc


__all__ = ["MAX_RESTARTS", "QUEUED_PER_ACTOR", "RayExecutor", "RayWorker", "import_ray"]
