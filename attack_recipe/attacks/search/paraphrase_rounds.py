"""Greedy search over rounds of paraphrases, optionally followed by another search (word swaps).

Each round samples N paraphrases of the current best text, keeps those every post-transformation
constraint accepts (the recipes bound sentence similarity to the *original*, so drift over rounds is
bounded), scores the survivors in one victim call and keeps the best if it raises the goal score.
It stops on success, after a round without improvement (or without a surviving candidate), after
``max_rounds`` rounds, or when the query budget runs out. Generation is timed as ``generator`` and
counted in ``RunState.generated``, apart from victim queries.

With ``then`` (e.g. :class:`~.greedy_wir.GreedyWordSwapWIR`), a failed paraphrase phase hands its
best text — the best paraphrase, or the original if none improved — to that search: an adversary
that first paraphrases, then swaps words of the paraphrase.
"""

from __future__ import annotations

from ...errors import UsageError
from ..state import Scored
from ..transformations.paraphrase import Paraphrase
from .base import SearchContext, SearchMethod


class ParaphraseRounds(SearchMethod):
    """Up to ``max_rounds`` rounds of ``paraphrase`` candidates, greedy; then ``then`` if given."""

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
            state = ctx.state
            with state.timers.measure("generator"):
                candidates, sampled = self.paraphrase.generate(best.text, state.rng)
            state.generated += sampled
            candidates = [c for c in candidates if c.text not in tried]
            tried.update(c.text for c in candidates)
            kept = ctx.filter(candidates)
            if not kept:
                break
            results = ctx.evaluate(kept)
            if not results:
                break
            successes = [r for r in results if r.success]
            if successes:
                return self._most_similar(ctx, successes)
            top = max(results, key=lambda r: r.score)  # max keeps the first of equal scores
            if top.score <= best.score:
                break
            best = top
            if ctx.out_of_budget:
                break
        return best

    @staticmethod
    def _most_similar(ctx: SearchContext, successes: list[Scored]) -> Scored:
        """Among successes, the one the similarity constraint rated closest to the original."""
        sims = [ctx.similarity_of(r.text) for r in successes]
        if all(s is not None for s in sims):
            return max(zip(sims, successes), key=lambda p: (p[0], p[1].score))[1]
        return max(successes, key=lambda r: r.score)
