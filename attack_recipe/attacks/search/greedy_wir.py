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
    #: white-box: query only this many candidates per step, the most promising by a first-order
    #: gradient estimate (search/prerank.py); None: every candidate
    prerank: int | None = None

    def __init__(self, wir_method: str = "delete", unk_token: str = "[UNK]", prerank: int | None = None):
        from ...errors import UsageError

        if wir_method not in METHODS:
            raise UsageError(f"unknown wir_method {wir_method!r}; valid: {', '.join(METHODS)}")
        if prerank is not None and (isinstance(prerank, bool) or not isinstance(prerank, int) or prerank < 1):
            raise UsageError(f"prerank must be an integer >= 1 (candidates queried per step), got {prerank!r}")
        self.wir_method = wir_method
        self.unk_token = unk_token
        if prerank is not None:  # set only then: the repr (a run's fingerprint) of every other run stays as it was
            self.prerank = prerank

    @property
    def needs_gradients(self) -> bool:  # type: ignore[override]
        return self.wir_method == "gradient" or self.prerank is not None

    def rank(self, ctx: SearchContext, initial: Scored) -> tuple[list[int], bool]:
        """Word indices in attack order, and False if the budget ran out while ranking (override to re-rank)."""
        return rank_words(ctx, initial, self.wir_method, self.unk_token)

    def search(self, ctx: SearchContext, initial: Scored) -> Scored:
        order, complete = self.rank(ctx, initial)
        current = initial
        if not complete:
            return current
        for index in order:
            results = ctx.scored_neighbours(current.text, [index], improve_on=current.score, prerank=self.prerank)
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
