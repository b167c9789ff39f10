"""Search contract and the typed context every search method receives.

A search method never touches the victim, the cache or the constraints directly: it asks the
:class:`SearchContext` for neighbours (transformation + constraints) and for scores (victim through
the run state, so queries are counted and the budget is honoured). That keeps each search method
small and makes every recipe account for queries the same way.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Iterable, Sequence

from ...constraints.base import Constraint, PreConstraint
from ...core.config_repr import config_repr
from ..state import RunState, Scored
from ...core.text import AttackedText
from ..transformations.base import Transformation


@dataclass
class SearchContext:
    state: RunState
    transformation: Transformation
    pre_constraints: Sequence[PreConstraint]
    constraints: Sequence[Constraint]

    # -- what may change ---------------------------------------------------------------------
    def modifiable(self, text: AttackedText) -> list[int]:
        allowed = set(range(text.num_words))
        for pre in self.pre_constraints:
            allowed &= pre.modifiable(text)
        return sorted(allowed)

    # -- candidates ----------------------------------------------------------------------------
    def neighbours(self, text: AttackedText, indices: Iterable[int] | None = None) -> list[AttackedText]:
        """Transformations of ``text`` at ``indices`` (default: every modifiable index) that pass all constraints."""
        allowed = set(self.modifiable(text))
        indices = sorted(allowed if indices is None else allowed.intersection(indices))
        if not indices:
            return []
        candidates = self.transformation.propose(text, indices, self.state)
        return self.filter(candidates)

    def filter(self, candidates: Sequence[AttackedText]) -> list[AttackedText]:
        kept = list(candidates)
        for constraint in self.constraints:
            if not kept:
                break
            if constraint.timer:
                with self.state.timers.measure(constraint.timer):
                    kept = constraint.filter(kept, self.state)
            else:
                kept = constraint.filter(kept, self.state)
        return kept

    # -- scores --------------------------------------------------------------------------------
    def evaluate(self, candidates: Sequence[AttackedText]) -> list[Scored]:
        return self.state.evaluate(candidates)

    @property
    def out_of_budget(self) -> bool:
        return self.state.out_of_budget

    def similarity_of(self, text: AttackedText) -> float | None:
        """The similarity a sentence-similarity constraint recorded for ``text``, if any."""
        return self.state.similarity.get(text.text)


class SearchMethod(abc.ABC):
    """Finds a successful (or the best) neighbour of the starting text."""

    #: True if the method needs a white-box victim (gradients).
    needs_gradients: bool = False

    @abc.abstractmethod
    def search(self, ctx: SearchContext, initial: Scored) -> Scored:
        """Return the best text found; stop as soon as a success is found or the budget runs out."""

    def __repr__(self) -> str:
        return config_repr(self)
