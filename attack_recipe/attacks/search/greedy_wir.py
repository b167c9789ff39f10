"""Greedy search by word importance (TextFooler, PWWS, DeepWordBug)."""

from __future__ import annotations

from ..state import Scored
from .base import SearchContext, SearchMethod
from .ranking import METHODS, rank_words
from .selection import most_similar_success


class GreedyWordSwapWIR(SearchMethod):
    """Rank words by importance, then swap them one at a time in that order, keeping each improvement.

    At each position every allowed candidate is scored in one batch; the best one is kept if it
    raises the goal score. When a candidate reaches the goal, the search stops and, among the
    successful candidates of that step, returns the one the sentence-similarity constraint rated
    most similar (as TextAttack does), else the highest-scoring one. Each step is
    ``SearchContext.scored_neighbours``, so it follows the run's constraint/victim order
    (attacks/ordering.py) and picks the same text in either.
    """

    #: a step needs only the best passing candidate (and the successes): the order can be chosen
    uses_order = True

    def __init__(self, wir_method: str = "delete", unk_token: str = "[UNK]"):
        if wir_method not in METHODS:
            from ...errors import UsageError

            raise UsageError(f"unknown wir_method {wir_method!r}; valid: {', '.join(METHODS)}")
        self.wir_method = wir_method
        self.unk_token = unk_token

    @property
    def needs_gradients(self) -> bool:  # type: ignore[override]
        return self.wir_method == "gradient"

    def rank(self, ctx: SearchContext, initial: Scored) -> tuple[list[int], bool]:
        """Word indices in attack order, and False if the budget ran out while ranking (override to re-rank)."""
        return rank_words(ctx, initial, self.wir_method, self.unk_token)

    def search(self, ctx: SearchContext, initial: Scored) -> Scored:
        order, complete = self.rank(ctx, initial)
        current = initial
        if not complete:
            return current
        for index in order:
            results = ctx.scored_neighbours(current.text, [index], improve_on=current.score)
            if not results:
                if ctx.out_of_budget:
                    break
                continue
            best = max(results, key=lambda r: r.score)
            if best.score > current.score:
                current = best
            if current.success:
                return most_similar_success(ctx, results) or current
            if ctx.out_of_budget:
                break
        return current
