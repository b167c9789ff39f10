"""Bound the character edit distance between the original and the adversarial text."""

from __future__ import annotations

from ..core.text import AttackedText
from .base import Constraint


def original_text(candidate: AttackedText) -> str:
    """The original text a candidate was derived from (same separators, original words)."""
    return AttackedText(candidate.original_words, candidate.separators).text


class LevenshteinDistance(Constraint):
    """Levenshtein distance(original, candidate) <= ``max_edit_distance`` characters."""

    def __init__(self, max_edit_distance: int = 30):
        self.max_edit_distance = max_edit_distance

    def check(self, candidate: AttackedText) -> bool:
        from rapidfuzz.distance import Levenshtein

        return (
            Levenshtein.distance(original_text(candidate), candidate.text, score_cutoff=self.max_edit_distance)
            <= self.max_edit_distance
        )
