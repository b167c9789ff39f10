"""Bound the character edit distance between the original and the adversarial text."""

from __future__ import annotations

import functools

from ..core.text import AttackedText
from .base import Constraint


class LevenshteinDistance(Constraint):
    """Levenshtein distance(original, candidate) <= ``max_edit_distance`` characters.

    The original is the true one (``candidate.original``), also after a rewrite: the bound is on the
    total edit, not on the edit since the last paraphrase.
    """

    def __init__(self, max_edit_distance: int = 30):
        self.max_edit_distance = max_edit_distance

    def check(self, candidate: AttackedText) -> bool:
        return bool(self.filter([candidate]))

    def filter(self, candidates, state=None):
        # one loop with the lookups hoisted: a character-edit search runs it on every candidate
        limit, distance = self.max_edit_distance, _levenshtein()
        return [c for c in candidates if distance(c.original.text, c.text, score_cutoff=limit) <= limit]


@functools.lru_cache(maxsize=1)
def _levenshtein():
    """rapidfuzz's distance function, imported on first use (not with the package) and only then:
    an import statement per candidate cost a tenth of the check."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance
