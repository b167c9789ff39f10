"""Which success a search returns when one step finds several: the one most similar to the original.

Every search that stops on a batch with more than one success picks among them the same way, so
the rule is written once. The similarity is the score a sentence-similarity constraint recorded
while filtering (``SearchContext.similarity_of``); it is used only when every success has one (a
recipe without such a constraint falls back to the goal score).
"""

from __future__ import annotations

from typing import Sequence

from ..state import Scored


def most_similar_success(ctx, results: Sequence[Scored], *, fewest_changes: bool = False) -> Scored | None:
    """The success among ``results`` to return, or None if there is none.

    Ties are broken, in order, by: fewest changed words (only with ``fewest_changes``, as the
    population searches do), highest recorded similarity (when every success has one), highest goal
    score, then the earliest in ``results`` — so the choice is deterministic.
    """
    successes = [r for r in results if r.success]
    return successes[preference_order(ctx, successes, fewest_changes=fewest_changes)[0]] if successes else None


def preference_order(ctx, successes: Sequence[Scored], *, fewest_changes: bool = False) -> list[int]:
    """Positions of ``successes`` from the one :func:`most_similar_success` returns to the last.

    A valid-only greedy step asks the judge about successes in this order and stops at the first
    valid one (SearchContext.scored_neighbours): the same choice as judging all of them first.
    """
    sims = [ctx.similarity_of(r.text) for r in successes]
    use_sim = all(s is not None for s in sims)

    def key(pos):
        r = successes[pos]
        changes = len(r.text.modified_indices) if fewest_changes else 0
        return (changes, -sims[pos] if use_sim else 0.0, -r.score, pos)

    return sorted(range(len(successes)), key=key)
