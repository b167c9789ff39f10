"""Word-importance ranking: which word positions a greedy search should try first.

Every method returns the modifiable indices sorted from most to least important, plus how the
ranking ended (``complete`` False when the query budget ran out while ranking).

* ``delete``  — drop the word, measure the goal score (Jin et al. 2020).
* ``unk``     — replace the word by an unknown token, measure the goal score (Gao et al. 2018).
* ``weighted-saliency`` — Ren et al. 2019's PWWS score: softmax of the unk saliency times the best
  score gain any allowed swap achieves at that position.
* ``gradient`` — L2 norm of the loss gradient w.r.t. the word's input embedding (white-box, no queries).
* ``random``  — a seeded shuffle (a baseline).
"""

from __future__ import annotations

from ...errors import UsageError
from ..state import Scored
from ...core.text import AttackedText

METHODS = ("delete", "unk", "weighted-saliency", "gradient", "random")


def rank_words(ctx, initial: Scored, method: str, unk_token: str = "[UNK]") -> tuple[list[int], bool]:
    import numpy as np

    if method not in METHODS:
        raise UsageError(f"unknown word-importance method {method!r}; valid: {', '.join(METHODS)}")
    text = initial.text
    indices = ctx.modifiable(text)
    if not indices:
        return [], True

    if method == "random":
        order = list(ctx.rng.permutation(indices))
        return [int(i) for i in order], True

    if method == "gradient":  # victim time through the context, never a query
        grads = np.asarray(ctx.word_gradients(text))
        scores = np.linalg.norm(grads, axis=1)[indices]
        return _sorted(indices, scores), True

    if method == "delete":
        probes = [AttackedText(text.without_word(i)) for i in indices]
    else:
        probes = [text.replace_word(i, unk_token) for i in indices]
    results = ctx.score(probes)
    if len(results) < len(probes):
        return [], False
    scores = np.array([r.score for r in results])

    if method == "weighted-saliency":
        saliency = np.exp(scores - scores.max())
        saliency /= saliency.sum()
        gains = np.zeros(len(indices))
        for k, index in enumerate(indices):
            swapped = ctx.scored_neighbours(text, [index])  # holds the best passing swap, in either order
            if swapped:
                gains[k] = max(r.score for r in swapped) - initial.score
            if ctx.budget_cut:  # a candidate went unscored: the ranking is incomplete
                return [], False
        scores = saliency * gains
    return _sorted(indices, scores), True


def _sorted(indices, scores) -> list[int]:
    """Indices by descending score; ties keep text order (stable sort) so runs are reproducible."""
    import numpy as np

    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    return [int(indices[i]) for i in order]
