"""Character-level edits of one word: DeepWordBug's four transformers (Gao et al. 2018) and
TextBugger's space insertion and visually similar characters (Li et al. 2019).

Each edit picks its position at random from the run's seeded generator, so a seeded run is
reproducible and independent of example order.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
import pathlib
import string
from typing import Mapping, Sequence

from ...errors import AttackRecipeError, ResourceNotFoundError
from ...core.draws import draw_below
from ...core.text import AttackedText
from .base import WordSwap

LETTERS = string.ascii_lowercase
#: the letters a substitution may put in place of a character: every letter but that one (lower-cased)
_OTHER_LETTERS = {c: LETTERS.replace(c, "") for c in LETTERS}


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
            positions = [positions[draw_below(rng, len(positions))]]
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
        choices = _OTHER_LETTERS.get(word[pos].lower(), LETTERS)
        return word[:pos] + choices[draw_below(rng, len(choices))] + word[pos + 1 :]


class RandomCharacterDeletion(CharacterEdit):
    """Delete one character ("movie" → "mvie")."""

    min_length = 2

    def _edit(self, word, pos, rng):
        return word[:pos] + word[pos + 1 :]


class RandomCharacterInsertion(CharacterEdit):
    """Insert a random lowercase letter ("movie" → "moviue")."""

    def _edit(self, word, pos, rng):
        return word[:pos] + LETTERS[draw_below(rng, len(LETTERS))] + word[pos:]


# -- TextBugger's bugs (Li et al. 2019) ---------------------------------------------------------------
#
# Delete and swap are the classes above with ``skip_first_char=skip_last_char=True`` (the paper keeps a
# word's first and last letter). The two below are TextBugger's own: a space that splits the word, and a
# visually similar character (Sub-C) from our packaged homoglyph table.


class SpaceInsertion(CharacterEdit):
    """Insert a space inside the word ("terrible" → "terr ible"): a word-level tokenizer sees two unknown
    pieces while a reader still sees the word.

    The split point is strictly inside the word (never before the first or after the last character),
    so the edit stays within its word slot: ``AttackedText`` keeps the result as *one* word at the
    original index, which is what the constraints and ``evaluation/recheck.py`` replay refer to.
    Only words of at least ``min_length`` characters are split.
    """

    def __init__(self, random_one: bool = True, min_length: int = 2):
        self.random_one = random_one
        self.min_length = max(2, int(min_length))

    def _positions(self, word: str, span: int) -> range:
        return range(1, len(word))

    def _edit(self, word, pos, rng):
        return word[:pos] + " " + word[pos:]


class HomoglyphTableError(AttackRecipeError):
    """The homoglyph table exists but cannot be read as one (bad row, bad field, empty table)."""


#: The packaged table (attack_recipe/resources/data/homoglyphs.tsv); its header says what is in it and why.
HOMOGLYPH_FILE = "homoglyphs.tsv"


def _packaged_homoglyph_path() -> pathlib.Path:
    return pathlib.Path(str(importlib.resources.files("attack_recipe.resources") / "data" / HOMOGLYPH_FILE))


def load_homoglyphs(path: str | os.PathLike | None = None) -> Mapping[str, tuple[str, ...]]:
    """Character → its visually confusable replacements, read from a TSV table (default: the packaged one).

    Raises :class:`ResourceNotFoundError` when the file is missing and :class:`HomoglyphTableError`
    (naming the file and line) when a row is malformed. Read once per path.
    """
    resolved = pathlib.Path(path).expanduser() if path is not None else _packaged_homoglyph_path()
    return _read_homoglyphs(str(resolved))


@functools.lru_cache(maxsize=8)
def _read_homoglyphs(path: str) -> Mapping[str, tuple[str, ...]]:
    import types

    file = pathlib.Path(path)
    if not file.is_file():
        raise ResourceNotFoundError(
            "homoglyph table (TextBugger's Sub-C bug)",
            [str(file)],
            "reinstall attack-recipe (pip install --force-reinstall attack-recipe), whose package data "
            f"includes resources/data/{HOMOGLYPH_FILE}, or pass HomoglyphSubstitution(table=<path to a TSV>)",
        )
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HomoglyphTableError(f"{file}: cannot read the homoglyph table: {exc}") from exc
    table: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        where = f"{file}, line {number}"
        if len(fields) != 3:
            raise HomoglyphTableError(
                f"{where}: expected 3 TAB-separated fields (character, look-alikes, why), got {len(fields)}: {line!r}")
        char, alikes, why = fields
        if len(char) != 1 or char.isspace():
            raise HomoglyphTableError(f"{where}: the first field must be one visible character, got {char!r}")
        if char in table:
            raise HomoglyphTableError(f"{where}: character {char!r} is listed twice")
        options = tuple(alikes.split())
        if not options or any(o == char or not 1 <= len(o) <= 2 for o in options):
            raise HomoglyphTableError(
                f"{where}: look-alikes must be space-separated strings of 1-2 characters other than "
                f"{char!r}, got {alikes!r}")
        if not why.strip():
            raise HomoglyphTableError(f"{where}: say why {char!r} and {alikes!r} look alike (third field is empty)")
        table[char] = options
    if not table:
        raise HomoglyphTableError(f"{file}: the homoglyph table has no rows")
    return types.MappingProxyType(table)


class HomoglyphSubstitution(CharacterEdit):
    """Replace one character by a visually similar one (TextBugger's Sub-C: "good" → "g0od", "bad" → "b@d").

    The position is drawn from the run's generator among the characters the table covers, and so is
    the look-alike, so every call yields one candidate (``random_one=False``: every position × every
    look-alike). Case-sensitive: "O" has its own row; a character without a row is never touched.
    ``table`` is a path to a TSV file in the packaged format or a ``{char: [look-alikes]}`` mapping;
    the default packaged table is read on first use.
    """

    def __init__(self, random_one: bool = True, min_length: int = 1,
                 table: str | os.PathLike | Mapping[str, Sequence[str]] | None = None):
        self.random_one = random_one
        self.min_length = min_length
        if table is None or isinstance(table, (str, os.PathLike)):
            self.table = "packaged" if table is None else str(table)
            self._table: Mapping[str, tuple[str, ...]] | None = None
        else:
            self.table = "custom"
            self._table = {k: tuple(v) for k, v in table.items()}

    @property
    def homoglyphs(self) -> Mapping[str, tuple[str, ...]]:
        if self._table is None:
            self._table = load_homoglyphs(None if self.table == "packaged" else self.table)
        return self._table

    def replacements(self, word: str, index: int, text: AttackedText, rng=None) -> Sequence[str]:
        if len(word) < self.min_length:
            return []
        table = self.homoglyphs
        positions = [i for i, ch in enumerate(word) if ch in table]
        if not positions:
            return []
        if self.random_one:
            rng = _rng(rng)
            pos = positions[draw_below(rng, len(positions))]
            options = table[word[pos]]
            return [word[:pos] + options[draw_below(rng, len(options))] + word[pos + 1 :]]
        return [word[:p] + o + word[p + 1 :] for p in positions for o in table[word[p]]]
