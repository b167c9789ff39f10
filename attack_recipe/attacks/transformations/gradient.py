"""Gradient-guided word swaps: HotFlip's word-level flip (Ebrahimi et al. 2018).

Replacing word ``i`` (input embedding ``e_i``) by vocabulary word ``w`` (embedding ``e_w``) changes the
victim's loss by about ``(e_w - e_i) . grad_i``, where ``grad_i`` is the loss gradient at ``e_i`` — a
first-order Taylor estimate (the paper's directional derivative along the one-hot flip). One backward
pass per text scores every (position, vocabulary word) pair at once, without a single victim query, so
the search only has to query the few flips the estimate ranks best.

Candidates come from the *victim's own* whole-word vocabulary (``ctx.word_vocabulary()``): a word the
model reads as one token, so the estimate is about an embedding it will really see. Gradients and
vocabulary come through the search context (``ctx.word_gradients``), which charges the backward pass
to the victim timer; it is not a query (nothing is classified, and ``RunState.queries`` counts
classified texts).

This transformation needs the example's context (victim gradients, goal, label), so it implements
:meth:`Transformation.propose`; calling it without one raises.
"""

from __future__ import annotations

import functools
from typing import Iterable, Sequence

from ...errors import UsageError
from ...core.text import AttackedText
from ...resources.lazy import load_once, name_and_object
from .base import Transformation, match_case


def loss_direction(goal, label: int) -> tuple[int, float]:
    """(class, sign) such that ``sign * grad CE(class)`` points where the goal improves.

    Untargeted and threshold goals want the cross-entropy of the label (threshold: of the class to
    push down) to rise; a targeted goal wants the cross-entropy of its target to fall.
    """
    from ..goals import Targeted

    if isinstance(goal, Targeted):
        return goal.target_class, -1.0
    target = goal.target() if goal is not None else None
    return (label if target is None else target), 1.0


def first_order_estimates(vectors, gradient, original_vector=None):
    """``(e_w - e_i) . grad_i`` for every row ``e_w`` of ``vectors`` (shape ``(V,)``).

    ``original_vector`` is ``e_i``; when the original word is not a single vocabulary entry (split
    into sub-words) it is unknown and taken as zero: that shifts every estimate at the position by
    the same constant, so the ranking of flips at that position is unchanged.
    """
    import numpy as np

    gradient = np.asarray(gradient, dtype=np.float64)
    scores = np.asarray(vectors, dtype=np.float64) @ gradient
    if original_vector is not None:
        scores -= float(np.asarray(original_vector, dtype=np.float64) @ gradient)
    return scores


@functools.lru_cache(maxsize=100_000)
def lexemes(word: str) -> frozenset[str]:
    """The word and its WordNet base forms ("loved" -> {"loved", "love"})."""
    from ...resources.wordnet import load_wordnet

    wn = load_wordnet()
    forms = {word}
    for pos in ("n", "v", "a", "r"):
        base = wn.morphy(word, pos)
        if base:
            forms.add(base.lower())
    return frozenset(forms)


class WordSwapGradient(Transformation):
    """Per position, the ``top_n`` vocabulary words with the largest first-order loss increase.

    Args:
        top_n: flips kept per position (HotFlip: 1 — the best admissible flip).
        min_cos: if set, only vocabulary words whose cosine with the original word in ``embedding``
            is at least this are considered (the paper's "cosine similarity between the embedding of
            words is bigger than a threshold"). Words unknown to ``embedding`` are then never chosen,
            and a position whose word is unknown gets no flip. ``None`` considers the whole vocabulary.
        embedding: the word-vector space for ``min_cos`` (see ``resources.embeddings``).
        admissible: post-transformation constraints a flip must pass to be *chosen* — the paper picks
            the best flip among those its constraints allow, not the best flip and then a check. They
            are checked one candidate at a time in estimate order, so keep the pool small (``min_cos``).
        exclude_antonyms: skip WordNet antonyms (plain GloVe puts them close, see ``embedding_swap``).
        skip_same_lexeme: skip words sharing a WordNet base form with the original (the paper
            "disallow[s] changing a word to another word with the same lexeme").
    """

    needs_gradients = True

    def __init__(self, top_n: int = 1, min_cos: float | None = None, embedding: str | object = "glove-6b-50d",
                 admissible: Sequence[object] = (), exclude_antonyms: bool = True,
                 skip_same_lexeme: bool = False):
        if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
            raise UsageError(f"top_n must be an integer >= 1, got {top_n!r}")
        if min_cos is not None and not -1.0 <= min_cos <= 1.0:
            raise UsageError(f"min_cos must be in [-1, 1] or None, got {min_cos!r}")
        self.top_n = top_n
        self.min_cos = min_cos
        self.embedding, self._embedding = name_and_object(embedding)
        self.admissible = tuple(admissible)
        self.exclude_antonyms = exclude_antonyms
        self.skip_same_lexeme = skip_same_lexeme
        self._rows_memo: tuple | None = None  # (vocabulary, its rows known to the space, their vectors)

    # -- contract ------------------------------------------------------------------------------
    def __call__(self, text: AttackedText, indices: Iterable[int], rng=None) -> list[AttackedText]:
        raise UsageError(
            "WordSwapGradient needs the victim's gradients: call transformation.propose(text, indices, ctx) "
            "with the example's SearchContext (SearchContext.neighbours does)"
        )

    def propose(self, text: AttackedText, indices: Iterable[int], ctx) -> list[AttackedText]:
        import numpy as np

        indices = [i for i in indices if 0 <= i < text.num_words]
        if not indices:
            return []
        column, sign = loss_direction(ctx.goal, ctx.label)
        grads = sign * np.asarray(ctx.word_gradients(text, column), dtype=np.float64)
        vocab, vectors = ctx.word_vocabulary()
        if len(vocab) == 0:
            return []
        position = {w: k for k, w in enumerate(vocab)}
        out: list[AttackedText] = []
        for index in indices:
            original = text.words[index]
            lowered = original.lower()
            pool = self._pool(lowered, vocab)
            if pool is not None and len(pool) == 0:
                continue
            k = position.get(lowered)
            scores = first_order_estimates(vectors if pool is None else vectors[pool], grads[index],
                                           None if k is None else vectors[k])
            rows = np.arange(len(vocab)) if pool is None else pool
            order = np.argsort(-scores, kind="stable")  # ties keep vocabulary order: reproducible
            out.extend(self._choose(text, index, original, (vocab[int(rows[j])] for j in order)))
        return out

    # -- helpers -------------------------------------------------------------------------------
    def _choose(self, text: AttackedText, index: int, original: str, ranked) -> list[AttackedText]:
        lowered = original.lower()
        banned: frozenset[str] = frozenset()
        if self.exclude_antonyms:
            from .wordnet_swap import antonyms

            banned = antonyms(lowered)
        chosen: list[AttackedText] = []
        for word in ranked:
            if word == lowered or word in banned:
                continue
            if self.skip_same_lexeme and lexemes(word) & lexemes(lowered):
                continue
            candidate = text.replace_word(index, match_case(original, word))
            if all(c.check(candidate) for c in self.admissible):
                chosen.append(candidate)
                if len(chosen) == self.top_n:
                    break
        return chosen

    def _space(self):
        from ...resources.embeddings import load_word_embedding

        return load_once(self, "_embedding", load_word_embedding, self.embedding)

    def _pool(self, word: str, vocab: Sequence[str]):
        """Vocabulary rows allowed for ``word`` (``min_cos``), or None for the whole vocabulary."""
        import numpy as np

        if self.min_cos is None:
            return None
        space = self._space()
        target = space.vector(word)
        if target is None:
            return np.zeros(0, dtype=np.int64)
        memo = self._rows_memo
        if memo is None or memo[0] is not vocab:
            rows = np.array([space.index.get(w, -1) for w in vocab], dtype=np.int64)
            known = np.flatnonzero(rows >= 0)
            memo = self._rows_memo = (vocab, known, np.ascontiguousarray(space.matrix[rows[known]]))
        _, known, matrix = memo
        return known[matrix @ target >= self.min_cos]
