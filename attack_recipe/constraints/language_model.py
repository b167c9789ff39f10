"""Language-model constraints on word swaps, as the genetic attacks use them.

* :class:`WindowLogProbDrop` (Jia et al. 2019): a substitute ``w`` for word ``i`` is allowed when
  log P(window of the original with ``w`` at ``i``) >= log P(original window) − ``max_drop``.
  The window is ``window`` words on each side of ``i`` (cut at the text edges) and the context is
  always the text the word grid started from (the original, or after a rewrite the rewrite:
  ``AttackedText.base_words``, per grid on purpose — a position only has a window there), so
  whether a substitute is allowed does not depend on the other swaps: the check is per
  (position, word), memoised, and the same on any edit path.
* :class:`LanguageModelTopK` (Alzantot et al. 2018): among the substitutes the transformation
  offers at ``i`` in the text *before* this step (after ``prefilter`` constraints), only the
  ``top_k`` with the highest window log-probability are allowed. Path-dependent by design, so it is
  a per-step check: ``evaluation/recheck.py`` replays the path to re-check it.

Both score with a causal LM (default: the packaged SmolLM2-135M, see ``resources/lm.py``). Any
object with ``log_probs(texts) -> sequence of floats`` may be passed instead (tests use a toy one).
"""

from __future__ import annotations

from typing import Sequence

from ..core.text import AttackedText
from ..errors import UsageError
from ..resources.lazy import load_once
from .base import Constraint


def _span(words: Sequence[str], seps: Sequence[str], start: int, end: int) -> str:
    parts = []
    for i in range(start, end):
        parts.append(words[i])
        if i < end - 1:
            parts.append(seps[i + 1])
    return "".join(parts)


def window_text(words: Sequence[str], seps: Sequence[str], index: int, radius: int) -> str:
    """Words ``index - radius .. index + radius`` (cut at the edges) with their separators."""
    return _span(words, seps, max(0, index - radius), min(len(words), index + radius + 1))


def sequence_log_probs(lm, texts: Sequence[str]):
    """Total log-probability (natural log) of each text under ``lm``, as float64.

    ``lm`` is anything with ``log_probs(texts)``: a ``resources.lm.CausalLM`` (batched, the first
    token conditioned on EOS, the same pass as its perplexity) or a toy scorer in tests.
    """
    import numpy as np

    return np.asarray(lm.log_probs(list(texts)), dtype=np.float64)


class _LMConstraint(Constraint):
    timer = "lm"

    def __init__(self, lm=None):
        self.lm = None if lm is None else getattr(lm, "name", type(lm).__name__)
        self._lm = lm
        self._memo: dict[str, float] = {}

    def _model(self):
        from ..resources.lm import load_causal_lm

        return load_once(self, "_lm", load_causal_lm)

    def reset(self) -> None:
        # scores from another example's batch can differ in the last bits; keep examples independent
        self._memo.clear()

    def _scores(self, texts) -> dict[str, float]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            for t, v in zip(missing, sequence_log_probs(self._model(), missing)):
                self._memo[t] = float(v)
        return {t: self._memo[t] for t in texts}


class WindowLogProbDrop(_LMConstraint):
    """Each swapped word keeps log P(window) within ``max_drop`` nats of the original window's."""

    def __init__(self, window: int = 6, max_drop: float = 5.0, lm=None):
        if window < 0:
            raise UsageError(f"window must be >= 0, got {window}")
        super().__init__(lm)
        self.window = window
        self.max_drop = max_drop

    def _pairs(self, cand: AttackedText) -> list[tuple[str, str]]:
        orig = cand.base_words
        pairs = []
        for i in sorted(cand.modified_indices):
            swapped = list(orig)
            swapped[i] = cand.words[i]
            pairs.append((window_text(orig, cand.separators, i, self.window),
                          window_text(swapped, cand.separators, i, self.window)))
        return pairs

    def filter(self, candidates, state=None):
        candidates = list(candidates)
        pairs = [self._pairs(c) for c in candidates]
        scores = self._scores([t for ps in pairs for p in ps for t in p])
        return [c for c, ps in zip(candidates, pairs)
                if all(scores[b] >= scores[a] - self.max_drop for a, b in ps)]

    def check(self, candidate: AttackedText) -> bool:
        return bool(self.filter([candidate]))


class LanguageModelTopK(_LMConstraint):
    """The new word is among the ``top_k`` substitutes (by window log-probability) offered at its
    position in the previous text by ``transformation``, after the ``prefilter`` constraints."""

    def __init__(self, transformation, top_k: int = 4, window: int = 6, prefilter: Sequence[Constraint] = (),
                 lm=None):
        if top_k < 1:
            raise UsageError(f"top_k must be >= 1, got {top_k}")
        super().__init__(lm)
        self.transformation = transformation
        self.top_k = top_k
        self.window = window
        self.prefilter = tuple(prefilter)
        self._allowed: dict[tuple[str, int], frozenset[str]] = {}

    def reset(self) -> None:
        super().reset()
        self._allowed.clear()

    def _alternatives(self, previous: AttackedText, index: int) -> list[str]:
        cands = [c for c in self.transformation(previous, [index]) if all(p.check(c) for p in self.prefilter)]
        return list(dict.fromkeys(c.words[index] for c in cands))

    def _resolve(self, keys: list[tuple[AttackedText, int]]) -> None:
        todo = {}
        for prev, i in keys:
            key = (prev.text, i)
            if key not in self._allowed and key not in todo:
                todo[key] = (prev, i, self._alternatives(prev, i))
        texts = []
        for prev, i, alts in todo.values():
            if len(alts) > self.top_k:
                for w in alts:
                    words = list(prev.words)
                    words[i] = w
                    texts.append(window_text(words, prev.separators, i, self.window))
        scores = self._scores(texts) if texts else {}
        for key, (prev, i, alts) in todo.items():
            if len(alts) <= self.top_k:
                self._allowed[key] = frozenset(alts)
                continue
            ranked = []
            for pos, w in enumerate(alts):
                words = list(prev.words)
                words[i] = w
                ranked.append((-scores[window_text(words, prev.separators, i, self.window)], pos, w))
            self._allowed[key] = frozenset(w for _, _, w in sorted(ranked)[: self.top_k])

    def filter(self, candidates, state=None):
        candidates = list(candidates)
        keys = [(c.previous, i) for c in candidates for i in sorted(c.newly_modified)]
        self._resolve(keys)
        return [c for c in candidates
                if all(c.words[i] in self._allowed[(c.previous.text, i)] for i in c.newly_modified)]

    def check(self, candidate: AttackedText) -> bool:
        return bool(self.filter([candidate]))

    def __repr__(self) -> str:
        return (f"LanguageModelTopK(top_k={self.top_k}, window={self.window}, "
                f"transformation={self.transformation!r}, prefilter={list(self.prefilter)!r}, lm={self.lm!r})")
