"""Validity of adversarial examples, measured independently of the constraints that produced them.

For every success: the perplexity ratio perplexity(perturbed) / perplexity(original) under a causal
LM (fluency; > 1 means the text got less natural), and the cosine similarity under a second sentence
encoder that no recipe optimises against (meaning). A recipe can satisfy its own similarity
constraint by exploiting the encoder it checks with; these two numbers cannot be gamed that way.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from typing import Sequence

from ..attacks.results import AttackResult, Status
from ..resources.lazy import load_once
from ..resources.text_cache import clear_model_caches


class ValidityScorer:
    """Adds ``perplexity_ratio`` and ``independent_similarity`` to successful results."""

    def __init__(self, lm=None, encoder=None):
        self._lm = lm
        self._encoder = encoder

    @property
    def lm(self):
        from ..resources.lm import load_causal_lm

        return load_once(self, "_lm", load_causal_lm)

    @property
    def encoder(self):
        from ..resources.e5 import load_independent_encoder

        return load_once(self, "_encoder", load_independent_encoder)

    def clear_cache(self) -> None:
        """Forget the models' per-text scores (not loading them); the runner calls it before each
        example, so a success reuses what the judge computed for it in that example, nothing older."""
        clear_model_caches(self._lm, self._encoder)

    def score(self, result: AttackResult) -> AttackResult:
        if result.status is not Status.SUCCEEDED or not result.perturbed_text:
            return result
        started = time.perf_counter()
        ppl = self.lm.perplexity([result.original_text, result.perturbed_text])
        lm_seconds = time.perf_counter() - started
        started = time.perf_counter()
        sim = float(self.encoder.cosine([result.original_text], [result.perturbed_text])[0])
        enc_seconds = time.perf_counter() - started
        s = result.seconds
        seconds = dataclasses.replace(s, lm=s.lm + lm_seconds, encoder=s.encoder + enc_seconds,
                                      total=s.total + lm_seconds + enc_seconds)
        ratio = float(ppl[1] / ppl[0]) if ppl[0] > 0 else None
        return dataclasses.replace(result, perplexity_ratio=ratio, independent_similarity=sim, seconds=seconds)


def distribution(values: Sequence[float]) -> dict[str, float | None]:
    """n, mean, median, 10th and 90th percentile (nearest rank) of ``values``."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return {"n": 0, "mean": None, "median": None, "p10": None, "p90": None}

    def rank(q: float) -> float:
        return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]

    return {"n": len(values), "mean": round(statistics.fmean(values), 4),
            "median": round(float(statistics.median(values)), 4), "p10": round(rank(0.1), 4),
            "p90": round(rank(0.9), 4)}


def summarize_validity(results: Sequence[AttackResult]) -> dict[str, dict]:
    succ = [r for r in results if r.status is Status.SUCCEEDED]
    return {"perplexity_ratio": distribution([r.perplexity_ratio for r in succ]),
            "independent_similarity": distribution([r.independent_similarity for r in succ])}
