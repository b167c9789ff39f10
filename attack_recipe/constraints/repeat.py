"""Modify each word at most once, so a search cannot walk a word through a chain of swaps."""

from __future__ import annotations

from ..core.text import AttackedText
from .base import PreConstraint


class RepeatModification(PreConstraint):
    """Words already changed from the original may not be changed again."""

    def modifiable(self, text: AttackedText) -> set[int]:
        return set(range(text.num_words)) - set(text.modified_indices)
