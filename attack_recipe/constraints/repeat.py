"""Modify each word at most once, so a search cannot walk a word through a chain of swaps."""

from __future__ import annotations

from typing import Sequence

from ..core.text import AttackedText
from .base import PreConstraint


class RepeatModification(PreConstraint):
    """Words already changed from the original may not be changed again.

    Per word grid: after a rewrite (paraphrase), the words already swapped *since the rewrite*; the
    rewrite's own words count as the grid's starting words and may each be swapped once.
    """

    def modifiable(self, text: AttackedText) -> set[int]:
        return set(range(text.num_words)) - set(text.modified_indices)

    def allows(self, text: AttackedText, indices: Sequence[int]) -> list[int]:
        modified = text.modified_indices
        return [i for i in indices if i not in modified]
