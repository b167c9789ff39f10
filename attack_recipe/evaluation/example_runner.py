"""One example, attacked and measured: the unit of work every executor runs (:mod:`.executors`).

An :class:`ExampleRunner` holds what attacking one example needs — the armed attack (the recipe with
the run's judge), the victim, the validity scorer, the seed, the query budget and the time limit —
and turns an example into its :class:`~attack_recipe.attacks.results.AttackResult`. The in-process
executor uses the harness's runner; each worker process or Ray actor builds its own from the run's
config (:mod:`.worker_build`). Since an example's randomness and caches depend on that example alone
(``(seed, example id)``), a result is the same whichever runner, process or machine produced it.

One bad example never ends the run: an :class:`~attack_recipe.errors.InputError`, another package
error or an unexpected exception raised while attacking it becomes a result with status ``error``
(and is logged). An example the dataset loader could not read (its ``problem`` is set) becomes such
a result at once, without asking the victim. Errors that are the *caller's* mistake
(:class:`~attack_recipe.errors.UsageError`) propagate: every example would fail the same way.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from ..attacks.results import AttackResult, Status, TimeSplit
from ..resources.text_cache import clear_model_caches
from ..errors import AttackRecipeError, InputError, UsageError, VictimError
from .display import visible

logger = logging.getLogger(__name__)


def error_result(victim, example, exc: BaseException, seconds: float, *, ask_victim: bool = True) -> AttackResult:
    """The ``error`` result of ``example``: what failed, in its ``error`` and ``reason``."""
    if isinstance(exc, InputError):
        reason = "input error"
    elif isinstance(exc, AttackRecipeError):
        reason = "attack error"
    else:
        reason = "unexpected error"
    label = -1  # -1 marks "not a class of the victim": the label itself may be what is wrong
    if ask_victim:
        try:
            label = victim.label_index(example.label)
        except Exception:  # an unknown label, or a victim that cannot say its classes: keep -1
            pass
    return AttackResult(
        example_id=str(example.id),
        original_text=example.text if isinstance(example.text, str) else str(example.text),
        label=label,
        status=Status.ERROR,
        reason=reason,
        error=f"{type(exc).__name__}: {exc}",
        seconds=TimeSplit(total=seconds),
    )


def attack_one(attack, victim, example, *, seed: int, query_budget: int | None,
               time_limit: float | None = None, report_similarity: bool = True) -> AttackResult:
    """``attack.run`` on one example, any failure but a usage error kept as an ``error`` result."""
    problem = getattr(example, "problem", None)
    if problem:  # the loader has warned with the count; the victim is not asked (its labels may need a request)
        logger.debug("example %s: %s", visible(str(example.id)), visible(problem))
        return error_result(victim, example, InputError(problem), 0.0, ask_victim=False)
    started = time.perf_counter()
    try:
        result = attack.run(
            victim, example.text, example.label,
            example_id=str(example.id), seed=seed, query_budget=query_budget, time_limit=time_limit,
            report_similarity=report_similarity,
        )
        if result.status is Status.ERROR:  # e.g. a victim that raised: the attack kept it as a result
            logger.warning("example %s: %s: %s", visible(str(example.id)), result.reason, visible(str(result.error)))
        return result
    except UsageError:
        raise  # the caller's configuration is wrong; every example would fail the same way
    except Exception as exc:
        # a victim that just failed (an http victim that cannot reach its server) is not asked again
        result = error_result(victim, example, exc, time.perf_counter() - started,
                              ask_victim=not isinstance(exc, VictimError))
        unexpected = not isinstance(exc, AttackRecipeError)
        logger.warning(
            "example %s: %s", visible(str(example.id)), visible(str(result.error)),
            exc_info=exc if unexpected and logger.isEnabledFor(logging.DEBUG) else None,
        )
        return result


def settle_heap() -> None:
    """Put every object alive now out of the cyclic garbage collector's reach (``gc.freeze``).

    What a run loads (the victim, WordNet's index, spaCy, torch and transformers' modules) is
    hundreds of thousands of objects that live as long as the process, and each full collection
    re-scans them all: 850k objects and 0.43 s per collection on the side-by-side's profanity filter,
    a quarter of PWWS's time outside the victim. Frozen objects are still freed by reference counting;
    only cycles that were garbage when frozen stay (the young generations are collected first, so just
    those that had already grown old: a few hundred objects after loading).
    """
    gc.collect(1)
    gc.freeze()


@dataclass
class ExampleRunner:
    """Attack one example and, with a ``validity`` scorer, measure its success (see the module doc).

    Without one the run measures nothing per success: not even the similarity the attack reports
    (an encoder pass per success that nothing in the search needs; ``summary.json`` then has no
    ``mean_similarity``)."""

    attack: Any
    victim: Any
    seed: int = 0
    query_budget: int | None = None
    time_limit: float | None = None
    validity: Any = None  # a ValidityScorer, or None: successes are not measured
    #: models load lazily, the attack's in the first example, the validity scorer's at the first success:
    #: the heap is settled (:func:`settle_heap`) before the first example and after each of these
    _settled: set = field(default_factory=set, repr=False)

    def __call__(self, example) -> AttackResult:
        self._settle("start")
        clear_model_caches(self.validity)  # a success reuses the scores its judge computed in this example only
        result = attack_one(self.attack, self.victim, example, seed=self.seed, query_budget=self.query_budget,
                            time_limit=self.time_limit, report_similarity=self.validity is not None)
        self._settle("first example")
        if self.validity is not None:
            scored = self.validity.score(result)
            if scored is not result:
                self._settle("first measured success")
            result = scored
        return result

    def _settle(self, moment: str) -> None:
        if moment not in self._settled:
            self._settled.add(moment)
            settle_heap()


__all__ = ["ExampleRunner", "attack_one", "error_result", "settle_heap"]
