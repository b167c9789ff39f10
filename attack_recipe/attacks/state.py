"""Per-example run state: victim query accounting, the score cache, the budget, timers and the RNG.

Components are stateless; everything that changes while one example is attacked lives here and is
thrown away afterwards. Accounting follows DESIGN.md: every distinct text actually sent to the victim
counts as one query; a text answered from the cache counts as a cache hit, not a query. A query
budget stops the search cleanly: texts past the budget are not sent, and ``budget_exhausted`` is set.

Text *generation* (paraphrase candidates from a language model) is not a victim query: its seconds go
to the ``generator`` timer and the number of sampled candidates to ``generated``, so its cost is
reported apart from the victim's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple, Sequence

from .deadline import Deadline
from .goals import Goal
from .results import MODEL_TIMERS, TimeSplit
from ..core.text import AttackedText
from ..models.batching import batches


class Scored(NamedTuple):
    """A text with the victim's probabilities and the goal's verdict on it.

    A named tuple rather than a frozen dataclass: a search builds one per candidate, and this builds
    in less than half the time (``_replace`` makes a changed copy).
    """

    text: AttackedText
    probs: object  # numpy array (k,)
    score: float
    success: bool

    @property
    def prediction(self) -> int:
        return int(self.probs.argmax())


@dataclass
class Timers:
    """Seconds inside each kind of model: the victim, the sentence encoder, a scoring LM, the
    contextual tagger, a text generator (paraphrases) and the validity judge (``MODEL_TIMERS``)."""

    victim: float = 0.0
    encoder: float = 0.0
    lm: float = 0.0
    tagger: float = 0.0
    generator: float = 0.0
    judge: float = 0.0

    def split(self, total: float) -> TimeSplit:
        """These timers plus the example's wall seconds, as stored in a result."""
        return TimeSplit(total=total, **{part: getattr(self, part) for part in MODEL_TIMERS})

    def measure(self, kind: str) -> "_Measure":
        """A context that adds the seconds spent inside it to timer ``kind``."""
        return _Measure(self, kind)


class _Measure:
    """:meth:`Timers.measure`'s context: a plain class, as a search enters one several times per
    step (a generator-based context manager costs about three times as much)."""

    __slots__ = ("timers", "kind", "start")

    def __init__(self, timers: Timers, kind: str):
        self.timers = timers
        self.kind = kind

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc) -> bool:
        setattr(self.timers, self.kind, getattr(self.timers, self.kind) + time.perf_counter() - self.start)
        return False


@dataclass
class RunState:
    """Mutable state for attacking one example with one victim."""

    victim: object  # models.base.Victim
    goal: Goal
    label: int
    rng: object  # numpy.random.Generator
    query_budget: int | None = None
    queries: int = 0
    cache_hits: int = 0
    budget_exhausted: bool = False
    #: candidate texts sampled from a generator (paraphrases), whatever became of them; not queries
    generated: int = 0
    timers: Timers = field(default_factory=Timers)
    #: text -> similarity score recorded by a sentence-similarity constraint (for picking among successes)
    similarity: dict = field(default_factory=dict)
    _cache: dict = field(default_factory=dict)
    #: the example's time limit (attacks/deadline.py); checked before every victim batch
    deadline: Deadline | None = None
    #: the original text's score, once known (a result cut short by the time limit reports it)
    initial: Scored | None = None

    def check_deadline(self) -> None:
        if self.deadline is not None:
            self.deadline.check()

    @property
    def remaining_budget(self) -> int | None:
        return None if self.query_budget is None else max(0, self.query_budget - self.queries)

    def probabilities(self, texts: Sequence[str]) -> list:
        """Victim probabilities for as many of ``texts`` as the budget allows (a prefix of them).

        Duplicates and cached texts cost nothing. If the budget cannot cover every new text, only the
        first ones that fit are sent, ``budget_exhausted`` is set, and the returned list is shorter.
        """
        new: list[str] = []
        seen: set[str] = set()
        cutoff = len(texts)
        cache, remaining = self._cache, self.remaining_budget  # (queries change only after the loop)
        for i, text in enumerate(texts):
            if text in cache or text in seen:
                continue
            if remaining is not None and len(new) >= remaining:
                cutoff = i
                self.budget_exhausted = True
                break
            new.append(text)
            seen.add(text)
        if new:
            for chunk in batches(new, getattr(self.victim, "batch_size", 32) or 32):
                self.check_deadline()
                with self.timers.measure("victim"):
                    probs = self.victim(chunk)
                for text, row in zip(chunk, probs):
                    self._cache[text] = row
            self.queries += len(new)
        taken = texts[:cutoff]
        self.cache_hits += len(taken) - len(new)
        return [self._cache[t] for t in taken]

    def evaluate(self, candidates: Sequence[AttackedText]) -> list[Scored]:
        """Score candidates against the goal (a prefix of them if the budget runs out)."""
        rows = self.probabilities([c.text for c in candidates])
        return [
            Scored(c, row, self.goal.score(row, self.label), self.goal.is_success(row, self.label))
            for c, row in zip(candidates, rows)
        ]

    @property
    def out_of_budget(self) -> bool:
        return self.budget_exhausted or (self.query_budget is not None and self.queries >= self.query_budget)
