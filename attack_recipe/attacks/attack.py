"""``Attack``: goal + transformation + constraints + search, run against a victim one example at a time.

Hyperparameters are fixed at construction; the victim and the example come at call time, so one
``Attack`` (a recipe) is reusable across models and datasets.
"""

from __future__ import annotations

import time
import zlib
from typing import Sequence

from ..constraints.base import Constraint, PreConstraint
from ..errors import InputError, VictimError
from ..resources.text_cache import clear_model_caches
from .capabilities import check_capabilities
from .deadline import ALARM_GRACE, Deadline, ExampleTimeout, alarm
from .goals import Goal, Untargeted
from .ordering import CONSTRAINTS_FIRST, VICTIM_FIRST
from .results import BUDGET_REASON, TIMEOUT_REASON, AttackResult, Status
from .search.base import SearchContext, SearchMethod
from .state import RunState
from ..core.text import AttackedText
from .transformations.base import Transformation

#: Longest text (in words) an attack accepts by default; longer inputs get a clear error instead of
#: an attack whose candidate set grows with the text.
DEFAULT_MAX_WORDS = 512

_DEFAULT = object()


def example_rng(seed: int, example_id: str):
    """A generator that depends only on the seed and the example id, not on run order."""
    import numpy as np

    return np.random.default_rng([int(seed), zlib.crc32(str(example_id).encode("utf-8"))])


class Attack:
    """A complete attack. ``constraints`` may mix pre-transformation and post-transformation constraints."""

    def __init__(
        self,
        transformation: Transformation,
        search: SearchMethod,
        constraints: Sequence[Constraint | PreConstraint] = (),
        goal: Goal | None = None,
        *,
        name: str | None = None,
        max_words: int = DEFAULT_MAX_WORDS,
        similarity_model=_DEFAULT,
        judge=None,
        require_valid: bool = False,
    ):
        self.name = name or type(search).__name__
        self.goal = goal or Untargeted()
        self.transformation = transformation
        self.search = search
        self.pre_constraints = tuple(c for c in constraints if isinstance(c, PreConstraint))
        self.constraints = tuple(c for c in constraints if isinstance(c, Constraint))
        unknown = [c for c in constraints if not isinstance(c, (Constraint, PreConstraint))]
        if unknown:
            raise TypeError(f"not a constraint: {unknown[0]!r}")
        self.max_words = max_words
        self._similarity_model = similarity_model
        self.judge = judge
        self.require_valid = bool(require_valid)
        if self.require_valid and judge is None:
            raise TypeError("require_valid=True needs a judge")
        #: constraints or victim first in a greedy step (attacks/ordering.py); not in the repr: both
        #: orders choose the same texts, only queries and seconds differ
        self.order = CONSTRAINTS_FIRST

    # -- configuration views -----------------------------------------------------------------
    @property
    def needs_gradients(self) -> bool:
        """True if the search or the transformation needs a white-box victim
        (:class:`~attack_recipe.models.base.GradientVictim`; checked by ``capabilities.check_capabilities``)."""
        return bool(getattr(self.search, "needs_gradients", False)
                    or getattr(self.transformation, "needs_gradients", False))

    def with_goal(self, goal: Goal) -> "Attack":
        """A copy of this attack pursuing another goal (e.g. a threshold goal for a safety filter)."""
        return self._copy(goal=goal)

    def with_judge(self, judge, require_valid: bool = False) -> "Attack":
        """A copy of this attack whose successes get the judge's verdict (``result.judgement``).

        ``judge`` is anything with ``judge_many([(original, perturbed, label), ...])`` returning
        verdicts with ``valid`` and ``reasons`` (:class:`~attack_recipe.evaluation.judge.ValidityJudge`).
        With ``require_valid`` the search also treats a success the judge rejects as a dead end and
        keeps looking, so every success it returns is one the judge accepts. ``judge=None`` removes it.
        """
        if require_valid and judge is None:
            raise TypeError("require_valid=True needs a judge")
        return self._copy(judge=judge, require_valid=bool(require_valid and judge is not None))

    def with_order(self, order: str) -> "Attack":
        """A copy of this attack whose greedy steps run ``order`` ("constraints-first" or
        "victim-first"; :func:`~attack_recipe.attacks.ordering.choose_order` resolves "auto")."""
        if order not in (CONSTRAINTS_FIRST, VICTIM_FIRST):
            from ..errors import UsageError

            raise UsageError(f"an attack runs {CONSTRAINTS_FIRST} or {VICTIM_FIRST}, got {order!r} "
                             "(resolve 'auto' with attacks.ordering.choose_order)")
        return self._copy(order=order)

    def _copy(self, **changes) -> "Attack":
        clone = object.__new__(Attack)
        clone.__dict__.update(self.__dict__)
        clone.__dict__.update(changes)
        return clone

    @property
    def similarity_model(self):
        """Sentence encoder used only to *report* similarity(original, perturbed); None disables it."""
        if self._similarity_model is _DEFAULT:
            from ..resources.encoder import load_sentence_encoder

            self._similarity_model = load_sentence_encoder()
        return self._similarity_model

    def __repr__(self) -> str:
        parts = [
            f"name={self.name!r}",
            f"goal={self.goal!r}",
            f"transformation={self.transformation!r}",
            f"pre_constraints={list(self.pre_constraints)!r}",
            f"constraints={list(self.constraints)!r}",
            f"search={self.search!r}",
        ]
        if self.require_valid:  # part of what defines the results (a run's fingerprint holds this repr)
            parts.append("require_valid=True")
        return f"Attack({', '.join(parts)})"

    # -- running -------------------------------------------------------------------------------
    def run(
        self,
        victim,
        text: str,
        label: int | str,
        *,
        example_id: str = "0",
        seed: int = 0,
        query_budget: int | None = None,
        time_limit: float | None = None,
        report_similarity: bool = True,
    ) -> AttackResult:
        """Attack one example.

        Raises :class:`InputError` for an input that cannot be attacked (empty, too long, unknown
        label) and :class:`WhiteBoxRequiredError` if the search needs gradients the victim lacks.
        A victim that fails mid-attack yields a result with status ``error`` and the reason. After
        ``time_limit`` seconds the search stops and the result is ``failed`` with reason ``timeout``
        (:mod:`~attack_recipe.attacks.deadline`: checked at every step; a victim call that hangs is
        interrupted a few seconds later where the platform allows).
        ``report_similarity=False`` skips the sentence-encoder similarity a success reports (nothing
        in the search needs it; a run that does not measure validity does not pay for it).
        """
        started = time.perf_counter()
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"example {example_id}: text is empty")
        original = AttackedText(text)
        if original.num_words == 0:
            raise InputError(f"example {example_id}: text has no words to attack: {text[:80]!r}")
        if original.num_words > self.max_words:
            raise InputError(
                f"example {example_id}: text has {original.num_words} words ({len(text)} characters); "
                f"this attack accepts at most {self.max_words} (raise max_words to attack it)"
            )
        label_index = victim.label_index(label)
        self.goal.validate(victim.num_labels)
        check_capabilities(self, victim)  # before the first query, against the victim protocol
        if query_budget is not None and query_budget < 1:
            raise InputError(f"query budget must be >= 1, got {query_budget}")
        if time_limit is not None and not time_limit > 0:
            raise InputError(f"time limit must be > 0 seconds, got {time_limit}")

        for constraint in self.constraints:
            constraint.reset()  # each example's result depends on that example alone
        # the encoder that reports similarity, and the judge's LM and encoder: per-text scores, likewise
        clear_model_caches(self._similarity_model, self.judge)
        deadline = Deadline(time_limit) if time_limit is not None else None
        state = RunState(victim, self.goal, label_index, example_rng(seed, example_id), query_budget,
                         deadline=deadline)
        base = dict(example_id=str(example_id), original_text=text, label=label_index,
                    num_words=original.num_words, target=self.goal.target())
        try:
            with alarm(time_limit + ALARM_GRACE if time_limit is not None else None):
                return self._attack(state, started, base, original, text, report_similarity)
        except ExampleTimeout:
            return self._result(state, started, base, Status.FAILED, state.initial, reason=TIMEOUT_REASON)

    def _attack(self, state: RunState, started: float, base: dict, original: AttackedText,
                text: str, report_similarity: bool = True) -> AttackResult:
        """:meth:`run` once the input is checked: the search and its result."""
        try:
            initial = state.initial = state.evaluate([original])[0]
            if initial.success:
                return self._result(state, started, base, Status.SKIPPED, initial,
                                    reason="goal already met on the original text")
            ctx = SearchContext(state, self.transformation, self.pre_constraints, self.constraints,
                                judge=self.judge, require_valid=self.require_valid, original=text,
                                order=self.order)
            best = self.search.search(ctx, initial)
            state.deadline = None  # what the search found in time is kept: judging it is not cut short
        except VictimError as exc:
            return self._result(state, started, base, Status.ERROR, None, error=str(exc), reason="victim error")
        judged = dict(rejected_successes=ctx.rejected, screened_out=ctx.screened_out)
        if best.success:
            similarity = self._report_similarity(state, text, best.text.text) if report_similarity else None
            if self.judge is not None:
                verdict = ctx.verdict(best.text.text)
                judged["judgement"] = {"valid": bool(verdict.valid), "reasons": list(verdict.reasons)}
            return self._result(state, started, base, Status.SUCCEEDED, initial, best, similarity=similarity,
                                **judged)
        if state.out_of_budget:
            reason = BUDGET_REASON
        elif ctx.rejected or ctx.screened_out:
            reason = (f"no valid candidate reached the goal (judge: {ctx.rejected} successes rejected, "
                      f"{ctx.screened_out} candidates screened out)")
        else:
            reason = "no candidate reached the goal"
        return self._result(state, started, base, Status.FAILED, initial, best, reason=reason, **judged)

    def _report_similarity(self, state: RunState, original: str, perturbed: str) -> float | None:
        """cosine(original, perturbed) under :attr:`similarity_model`. When that is the encoder a
        similarity constraint used (the packaged MiniLM, loaded once per process), the texts it
        already encoded in this example come from its cache."""
        model = self.similarity_model
        if model is None:
            return None
        with state.timers.measure("encoder"):
            return float(model.cosine([original], [perturbed])[0])

    @staticmethod
    def _result(state, started, base, status, initial, best=None, **extra) -> AttackResult:
        fields = dict(base)
        if initial is not None:
            fields.update(original_prediction=initial.prediction,
                          original_score=float(initial.probs[initial.prediction]))
        if best is not None and (best.text.changed_indices or best.text.rewritten):
            fields.update(
                perturbed_text=best.text.text,
                perturbed_prediction=best.prediction,
                perturbed_score=float(best.probs[best.prediction]),
                changed_indices=tuple(sorted(best.text.changed_indices)),
                edits=best.text.edits(),
            )
        seconds = state.timers.split(time.perf_counter() - started)
        return AttackResult(status=status, queries=state.queries, cache_hits=state.cache_hits,
                            generated=state.generated, seconds=seconds, **fields, **extra)
