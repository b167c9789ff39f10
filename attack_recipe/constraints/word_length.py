"""Pre-constraint: leave short words alone."""

from __future__ import annotations

from ..core.text import AttackedText
from ..errors import UsageError
from .base import PreConstraint


class MinWordLength(PreConstraint):
    """Words shorter than ``min_length`` characters may not be modified (too short to bug readably)."""

    def __init__(self, min_length: int = 3):
        if min_length < 1:
            raise UsageError(f"min_length must be >= 1, got {min_length}")
        self.min_length = min_length

    def modifiable(self, text: AttackedText) -> set[int]:
        return {i for i, w in enumerate(text.words) if len(w) >= self.min_length}
