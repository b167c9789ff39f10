"""Fluency: a candidate may not be much less natural than the original, under a causal LM."""

from __future__ import annotations

from ..core.text import AttackedText
from ..resources.lazy import load_once
from .base import Constraint


class PerplexityIncrease(Constraint):
    """perplexity(candidate) / perplexity(original) <= ``max_ratio`` under a causal LM.

    Morris et al. (2020) bound fluency with a grammar checker (LanguageTool, which needs a Java
    server and its rule downloads); a perplexity bound is the offline stand-in. One bad word swap
    typically multiplies a tweet's perplexity by 3-5, a good synonym by well under 2.

    The reference is the true original (``candidate.original``), also after a rewrite: a paraphrase
    is judged against the tweet it paraphrases, and word swaps on top of it against that tweet too,
    so the bound is on the total loss of fluency, not on the loss since the last paraphrase.
    """

    timer = "lm"

    def __init__(self, max_ratio: float = 2.0, lm=None):
        self.max_ratio = max_ratio
        self._lm = lm
        self._original: dict[str, float] = {}

    def _model(self):
        from ..resources.lm import load_causal_lm

        return load_once(self, "_lm", load_causal_lm)

    def reset(self) -> None:
        self._original.clear()

    def ratios(self, candidates) -> list[float]:
        originals = [c.original.text for c in candidates]
        missing = list(dict.fromkeys(o for o in originals if o not in self._original))
        texts = missing + [c.text for c in candidates]
        ppl = self._model().perplexity(texts)
        for text, value in zip(missing, ppl[: len(missing)]):
            self._original[text] = float(value)
        return [float(p) / self._original[o] for p, o in zip(ppl[len(missing):], originals)]

    def filter(self, candidates, state=None):
        candidates = list(candidates)
        if not candidates:
            return []
        return [c for c, r in zip(candidates, self.ratios(candidates)) if r <= self.max_ratio]

    def check(self, candidate: AttackedText) -> bool:
        return self.ratios([candidate])[0] <= self.max_ratio
