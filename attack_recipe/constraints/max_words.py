"""Cap how many words an adversarial example may change."""

from __future__ import annotations

import math

from ..core.text import AttackedText
from ..errors import UsageError
from .base import Constraint


class MaxWordsPerturbed(Constraint):
    """At most ``max_num`` words and/or at most ``max_percent`` of the words may differ from the original.

    The percentage limit rounds up (``ceil``) so that a short text may still change one word;
    ``min_num`` raises the percentage limit for short texts (A2T: 10 % of the words, but at least 4).

    Counts word swaps on the current word grid (``modified_indices``), on purpose: after a rewrite
    (paraphrase) nearly every word differs from the original, so a cap against the original would
    forbid any paraphrase; it caps the swaps made since, and the rewrite is bounded by sentence-level
    constraints. Without a rewrite both counts are the same.
    """

    def __init__(self, max_num: int | None = None, max_percent: float | None = None, min_num: int = 1):
        if max_num is None and max_percent is None:
            raise UsageError("MaxWordsPerturbed needs max_num or max_percent")
        if max_percent is not None and not 0 < max_percent <= 1:
            raise UsageError(f"max_percent must be in (0, 1], got {max_percent}")
        self.max_num = max_num
        self.max_percent = max_percent
        self.min_num = min_num

    def limit(self, num_words: int) -> int:
        limits = []
        if self.max_num is not None:
            limits.append(self.max_num)
        if self.max_percent is not None:
            limits.append(max(self.min_num, math.ceil(self.max_percent * num_words)))
        return min(limits)

    def check(self, candidate: AttackedText) -> bool:
        return len(candidate.modified_indices) <= self.limit(candidate.num_words)
