"""Gradient pre-ranking: query only the swaps a first-order estimate calls most promising.

On a transformer victim every query is a forward pass, and a greedy step of TextFooler scores up to
50 neighbours of one word to keep one. With the victim's gradient ``g_i`` at word ``i`` (one backward
pass per current text, which is not a query), the change a swap ``w -> w'`` makes to the loss is
about ``g_i . (e(w') - e(w))``, with ``e`` the victim's input embedding of a word (the mean of its
sub-word rows). :func:`prerank` keeps the ``k`` candidates with the largest estimate, and only those
are queried. It is an approximation, so it can miss the best swap: the figures (success rate and
queries per success against the full search) are in docs/speed.md.

The estimate's sign follows the goal: the loss of the true label (or, for a threshold goal, of the
class pushed down) rises, and for a targeted goal the loss of the target falls.
"""

from __future__ import annotations

from typing import Sequence

from ..goals import Targeted, Threshold


def loss_direction(ctx) -> tuple[int, float]:
    """``(class, sign)``: the search wants ``sign * loss(class)`` to rise."""
    goal = ctx.goal
    if isinstance(goal, Targeted):
        return goal.target_class, -1.0
    if isinstance(goal, Threshold):
        return goal.class_index, 1.0
    return ctx.label, 1.0


def prerank(ctx, text, candidates: Sequence, k: int) -> list:
    """The ``k`` candidates of ``text`` with the largest first-order estimate, in candidate order.

    Each candidate must differ from ``text`` in the words of its last edit (``newly_modified``), as a
    word swap does; a candidate whose words the victim cannot embed keeps a neutral estimate of 0.
    """
    import numpy as np

    candidates = list(candidates)
    if len(candidates) <= k:
        return candidates
    column, sign = loss_direction(ctx)
    grads = ctx.gradients_of(text, column)
    changes = []
    for cand in candidates:
        changes.append([(i, text.words[i], cand.words[i]) for i in sorted(cand.newly_modified)
                        if i < len(text.words) and i < len(cand.words)])
    vocabulary = sorted({w for change in changes for _, before, after in change for w in (before, after)})
    vectors = dict(zip(vocabulary, ctx.word_embeddings(vocabulary)))
    estimates = np.zeros(len(candidates))
    for j, change in enumerate(changes):
        total = 0.0
        for i, before, after in change:
            a, b = vectors.get(before), vectors.get(after)
            if a is not None and b is not None:
                total += float(np.dot(grads[i], np.asarray(b) - np.asarray(a)))
        estimates[j] = sign * total
    keep = np.argsort(-estimates, kind="stable")[:k]
    return [candidates[j] for j in sorted(int(j) for j in keep)]
