"""Do not modify stopwords: swapping "the" or "not" rarely keeps the meaning and says nothing useful."""

from __future__ import annotations

from typing import Iterable, Sequence

from ..core.text import AttackedText
from .base import PreConstraint


class StopwordModification(PreConstraint):
    """Words in the stopword list (case-insensitive) may not be modified."""

    def __init__(self, stopwords: Iterable[str] | None = None):
        self._stopwords = frozenset(w.lower() for w in stopwords) if stopwords is not None else None
        self._default = stopwords is None  # the repr must not change when the default list loads

    @property
    def stopwords(self) -> frozenset[str]:
        if self._stopwords is None:
            from ..resources.stopwords import load_stopwords

            self._stopwords = load_stopwords()
        return self._stopwords

    def modifiable(self, text: AttackedText) -> set[int]:
        stop = self.stopwords
        return {i for i, w in enumerate(text.words) if w.lower() not in stop}

    def allows(self, text: AttackedText, indices: Sequence[int]) -> list[int]:
        stop, words = self.stopwords, text.words
        return [i for i in indices if words[i].lower() not in stop]

    def __repr__(self) -> str:
        source = "default list" if self._default else f"{len(self._stopwords)} words"
        return f"StopwordModification({source})"
