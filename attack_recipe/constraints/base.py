"""Constraint contracts.

* A :class:`PreConstraint` decides which word positions a transformation may touch (stopwords, words
  already modified). It is cheap and runs before candidates are built.
* A :class:`Constraint` (post-transformation) accepts or rejects finished candidates. One that bounds
  the drift of the whole text compares a candidate with the true *original* (``candidate.original``,
  the same across rewrites), so the final adversarial example can be re-checked on its own,
  independently of the search path. One that judges a swapped word against the word it replaced
  compares position ``i`` of ``candidate.words`` and ``candidate.base_words`` — the words the current
  word grid started from: the original's, or after a rewrite (paraphrase) the rewrite's.

Post constraints filter whole batches (``filter``) so model-backed ones make one batched call; the
default ``filter`` falls back to ``check`` one candidate at a time for cheap rules.
"""

from __future__ import annotations

import abc
from typing import Sequence

from ..core.config_repr import config_repr
from ..core.text import AttackedText


class PreConstraint(abc.ABC):
    """Restricts the word indices a transformation may modify."""

    @abc.abstractmethod
    def modifiable(self, text: AttackedText) -> set[int]:
        """Indices of ``text`` this constraint allows to change."""

    def allows(self, text: AttackedText, indices: Sequence[int]) -> list[int]:
        """Those of ``indices`` (in order) that this constraint allows to change. A greedy search asks
        about one position of a text at a time; a per-word rule overrides this to check only those."""
        allowed = self.modifiable(text)
        return [i for i in indices if i in allowed]

    def __repr__(self) -> str:
        return config_repr(self)


class Constraint(abc.ABC):
    """Accepts or rejects a candidate text relative to its original."""

    #: Which model timer this constraint's work is charged to ("encoder", "lm" or None).
    timer: str | None = None

    @property
    def costly(self) -> bool:
        """Whether checking a candidate costs about as much as a model call: a victim-first search
        (attacks/ordering.py) checks these after the victim, in score order, only as far as it must.
        Default: a constraint that runs a model (it declares a ``timer``)."""
        return self.timer is not None

    @abc.abstractmethod
    def check(self, candidate: AttackedText) -> bool:
        """True if ``candidate`` satisfies the constraint with respect to its original words."""

    def filter(self, candidates: Sequence[AttackedText], state=None) -> list[AttackedText]:
        """The candidates that pass. Model-backed constraints override this to batch."""
        return [c for c in candidates if self.check(c)]

    def reset(self) -> None:
        """Forget anything remembered from earlier examples (called before each example)."""

    def __and__(self, other: "Constraint") -> "AllOf":
        return AllOf((self, other))

    def __repr__(self) -> str:
        return config_repr(self)


class AllOf(Constraint):
    """Conjunction of constraints (``a & b``); applies them in order, cheapest first is up to the caller."""

    def __init__(self, constraints: Sequence[Constraint]):
        flat: list[Constraint] = []
        for c in constraints:
            flat.extend(c.constraints if isinstance(c, AllOf) else [c])
        self.constraints = tuple(flat)

    def check(self, candidate: AttackedText) -> bool:
        return all(c.check(candidate) for c in self.constraints)

    @property
    def costly(self) -> bool:
        return any(c.costly for c in self.constraints)

    def reset(self) -> None:
        for c in self.constraints:
            c.reset()

    def filter(self, candidates, state=None):
        kept = list(candidates)
        for c in self.constraints:
            if not kept:
                break
            kept = c.filter(kept, state)
        return kept

    def __repr__(self) -> str:
        return " & ".join(repr(c) for c in self.constraints)
