"""Character-level edits of one word (DeepWordBug's four transformers, Gao et al. 2018).

Each edit picks its position at random from the run's seeded generator, so a seeded run is
reproducible and independent of example order.
"""

from __future__ import annotations

import string
from typing import Sequence

from ..text import AttackedText
from .base import WordSwap

LETTERS = string.ascii_lowercase


def _rng(rng):
    if rng is None:
        import numpy as np

        return np.random.default_rng(0)
    return rng


class CharacterEdit(WordSwap):
    """One edit per word at a random position (``random_one``) or every position."""

    min_length = 1

    def __init__(self, random_one: bool = True, skip_first_char: bool = False, skip_last_char: bool = False):
        self.random_one = random_one
        self.skip_first_char = skip_first_char
        self.skip_last_char = skip_last_char

    def _positions(self, word: str, span: int) -> range:
        start = 1 if self.skip_first_char else 0
        end = len(word) - span + 1 - (1 if self.skip_last_char else 0)
        return range(start, max(start, end))

    def _edit(self, word: str, pos: int, rng) -> str:
        raise NotImplementedError

    span = 1

    def replacements(self, word: str, index: int, text: AttackedText, rng=None) -> Sequence[str]:
        if len(word) < self.min_length:
            return []
        positions = self._positions(word, self.span)
        if len(positions) == 0:
            return []
        rng = _rng(rng)
        if self.random_one:
            positions = [positions[int(rng.integers(len(positions)))]]
        return [self._edit(word, p, rng) for p in positions]


class NeighbourCharacterSwap(CharacterEdit):
    """Swap two adjacent characters ("movie" → "mvoie")."""

    min_length = 2
    span = 2

    def _edit(self, word, pos, rng):
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]


class RandomCharacterSubstitution(CharacterEdit):
    """Replace one character by a random lowercase letter ("movie" → "movke")."""

    def _edit(self, word, pos, rng):
        choices = [c for c in LETTERS if c != word[pos].lower()]
        return word[:pos] + choices[int(rng.integers(len(choices)))] + word[pos + 1 :]


class RandomCharacterDeletion(CharacterEdit):
    """Delete one character ("movie" → "mvie")."""

    min_length = 2

    def _edit(self, word, pos, rng):
        return word[:pos] + word[pos + 1 :]


class RandomCharacterInsertion(CharacterEdit):
    """Insert a random lowercase letter ("movie" → "moviue")."""

    def _edit(self, word, pos, rng):
        return word[:pos] + LETTERS[int(rng.integers(len(LETTERS)))] + word[pos:]
