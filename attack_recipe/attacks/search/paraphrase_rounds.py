"""Greedy search over rounds of paraphrases, optionally followed by another search (word swaps).

Each round samples N paraphrases of the current best text, keeps those every post-transformation
constraint accepts (the recipes bound sentence similarity to the *original*, so drift over rounds is
bounded), scores the survivors in one victim call and keeps the best if it raises the goal score.
It stops on success, after a round without improvement (or without a surviving candidate), after
``max_rounds`` rounds, or when the query budget runs out. Generation goes through
``ctx.generate``, which times it as ``generator`` and counts it in ``RunState.generated``, apart from
victim queries.

With ``then`` (e.g. :class:`~.greedy_wir.GreedyWordSwapWIR`), a failed paraphrase phase hands its
best text — the best paraphrase, or the original if none improved — to that search: an adversary
that first paraphrases, then swaps words of the paraphrase.
"""

from __future__ import annotations

from ...errors import UsageError
from ..state import Scored
from ..transformations.paraphrase import Paraphrase
from .base import SearchContext, SearchMethod
from .selection import most_similar_success


class ParaphraseRounds(SearchMethod):
    """Up to ``max_rounds`` rounds of ``paraphrase`` candidates, greedy; then the ``then`` search, if one is given."""

    def __init__(self, paraphrase: Paraphrase, max_rounds: int = 3, then: SearchMethod | None = None):
        if max_rounds < 1:
            raise UsageError(f"max_rounds must be >= 1, got {max_rounds}")
        self.paraphrase = paraphrase
        self.max_rounds = max_rounds
        self.then = then

    @property
    def needs_gradients(self) -> bool:  # type: ignore[override]
        return bool(self.then is not None and self.then.needs_gradients)

    def search(self, ctx: SearchContext, initial: Scored) -> Scored:
        best = self._paraphrase_rounds(ctx, initial)
        if best.success or ctx.out_of_budget or self.then is None:
            return best
        return self.then.search(ctx, best)

    def _paraphrase_rounds(self, ctx: SearchContext, initial: Scored) -> Scored:
        best = initial
        tried: set[str] = {initial.text.text}
        for _ in range(self.max_rounds):
            if ctx.out_of_budget:
                break
            candidates = [c for c in ctx.generate(self.paraphrase, best.text) if c.text not in tried]
            tried.update(c.text for c in candidates)
            kept = ctx.filter(candidates)
            if not kept:
                break
            results = ctx.evaluate(kept)
            if not results:
                break
            found = most_similar_success(ctx, results)
            if found is not None:
                return found
            top = max(results, key=lambda r: r.score)  # max keeps the first of equal scores
            if top.score <= best.score:
                break
            best = top
            if ctx.out_of_budget:
                break
        return best
