"""Beam search over word swaps."""

from __future__ import annotations

from ...errors import UsageError
from ..state import Scored
from .base import SearchContext, SearchMethod


class BeamSearch(SearchMethod):
    """Keep the ``beam_width`` best texts; expand each at every modifiable word; repeat until success.

    ``beam_width=1`` is plain greedy search over all positions. Each expansion step scores all
    children of the beam in batches; the search stops at the first step that contains a success
    (returning the best successful child), when no child improves on the beam, or on budget.
    """

    def __init__(self, beam_width: int = 8, max_steps: int | None = None):
        if beam_width < 1:
            raise UsageError(f"beam_width must be >= 1, got {beam_width}")
        self.beam_width = beam_width
        self.max_steps = max_steps

    def search(self, ctx: SearchContext, initial: Scored) -> Scored:
        beam = [initial]
        best = initial
        step = 0
        while self.max_steps is None or step < self.max_steps:
            step += 1
            children = []
            seen: set[str] = set()
            for node in beam:
                for cand in ctx.neighbours(node.text):
                    if cand.text not in seen:
                        seen.add(cand.text)
                        children.append(cand)
            if not children:
                break
            results = ctx.evaluate(children)
            if not results:
                break
            results.sort(key=lambda r: r.score, reverse=True)  # stable: ties keep generation order
            if results[0].score > best.score:
                best = results[0]
            successes = [r for r in results if r.success]
            if successes:
                return successes[0]
            if ctx.out_of_budget or results[0].score <= beam[0].score:
                break
            beam = results[: self.beam_width]
        return best
