"""``AttackedText``: a text split into words, edited word by word, that remembers what changed.

The text is stored as ``separators[0] + words[0] + separators[1] + ... + words[-1] + separators[-1]``,
so replacing a word never re-tokenizes the rest and the punctuation and spacing of the original
survive every edit. Word indices therefore stay stable for the whole attack, which is what the
constraints ("do not modify a word twice", "at most 20 % of the words") and the results
("changed word indices") refer to.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

#: A word is a run of letters/digits, optionally joined by apostrophes or hyphens ("don't", "well-known").
WORD_PATTERN = re.compile(r"\w+(?:['’\-]\w+)*", re.UNICODE)

#: Spans that are never words: URLs, e-mail addresses and @mentions. Swapping a piece of a URL or the
#: addressee of a message changes what the text *is*, not how it is phrased, so these stay verbatim
#: (inside the separators). Hashtag words remain words: they often carry the sentiment ("#fail").
PROTECTED_PATTERN = r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<!\w)@\w+"

_TOKEN = re.compile(f"(?P<protected>{PROTECTED_PATTERN})|(?P<word>{WORD_PATTERN.pattern})", re.UNICODE)


def split_words(text: str) -> tuple[list[str], list[str]]:
    """Split ``text`` into words and the separators around them (``len(seps) == len(words) + 1``)."""
    words: list[str] = []
    seps: list[str] = []
    last = 0
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "word":
            continue
        seps.append(text[last : match.start()])
        words.append(match.group())
        last = match.end()
    seps.append(text[last:])
    return words, seps


class AttackedText:
    """An immutable text plus the original words it was derived from.

    ``modified_indices`` are the word positions whose word differs from the original.
    ``newly_modified`` is the set of positions changed by the last edit (used by windowed constraints)
    and ``parent`` the text that edit was applied to (``None`` for an original), so constraints that
    compare a step with the previous one — as Jin et al.'s TextFooler code does — can find it, and a
    result can list its edits in the order they were made (:meth:`edits`).
    """

    __slots__ = ("words", "separators", "original_words", "newly_modified", "parent", "_text", "_modified")

    def __init__(
        self,
        text_or_words: str | Sequence[str],
        separators: Sequence[str] | None = None,
        *,
        original_words: Sequence[str] | None = None,
        newly_modified: Iterable[int] = (),
        parent: "AttackedText | None" = None,
    ):
        if isinstance(text_or_words, str):
            words, seps = split_words(text_or_words)
        else:
            words, seps = list(text_or_words), list(separators or [])
            if len(seps) != len(words) + 1:
                raise ValueError(f"expected {len(words) + 1} separators, got {len(seps)}")
        self.words: tuple[str, ...] = tuple(words)
        self.separators: tuple[str, ...] = tuple(seps)
        self.original_words: tuple[str, ...] = (
            tuple(original_words) if original_words is not None else self.words
        )
        if len(self.original_words) != len(self.words):
            raise ValueError("original_words must have as many words as the text")
        self.newly_modified: frozenset[int] = frozenset(newly_modified)
        self.parent = parent
        self._text: str | None = None
        self._modified: frozenset[int] | None = None

    # -- views -------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        if self._text is None:
            parts = [self.separators[0]]
            for word, sep in zip(self.words, self.separators[1:]):
                parts.append(word)
                parts.append(sep)
            self._text = "".join(parts)
        return self._text

    @property
    def num_words(self) -> int:
        return len(self.words)

    @property
    def modified_indices(self) -> frozenset[int]:
        if self._modified is None:
            self._modified = frozenset(
                i for i, (w, o) in enumerate(zip(self.words, self.original_words)) if w != o
            )
        return self._modified

    def window(self, index: int, size: int) -> str:
        """The text of ``size`` words around ``index`` (whole text if it is shorter).

        Follows Jin et al.'s reference code: the window is shifted, not shrunk, at the text edges.
        """
        n = len(self.words)
        if size is None or n <= size:
            return self.text
        half = (size - 1) // 2
        start = min(max(0, index - half), n - size)
        end = start + size
        parts = []
        for i in range(start, end):
            parts.append(self.words[i])
            if i < end - 1:
                parts.append(self.separators[i + 1])
        return "".join(parts)

    # -- edits -------------------------------------------------------------------------------
    def replace_words(self, replacements: Mapping[int, str]) -> "AttackedText":
        words = list(self.words)
        for index, word in replacements.items():
            if not 0 <= index < len(words):
                raise IndexError(f"word index {index} out of range for {len(words)} words")
            words[index] = word
        return AttackedText(
            words,
            self.separators,
            original_words=self.original_words,
            newly_modified=replacements.keys(),
            parent=self,
        )

    def replace_word(self, index: int, word: str) -> "AttackedText":
        return self.replace_words({index: word})

    @property
    def previous(self) -> "AttackedText":
        """The text before the last edit (the original itself for an unedited text)."""
        return self.parent if self.parent is not None else AttackedText(
            self.original_words, self.separators, original_words=self.original_words)

    def edits(self) -> tuple[tuple[tuple[int, str], ...], ...]:
        """The edits that led here from the original, oldest first: one ``((index, word), ...)`` per step."""
        steps = []
        node = self
        while node.parent is not None:
            steps.append(tuple(sorted((i, node.words[i]) for i in node.newly_modified)))
            node = node.parent
        return tuple(reversed(steps))

    def without_word(self, index: int) -> str:
        """The plain text with word ``index`` removed (used to rank words by deletion)."""
        words = list(self.words)
        seps = list(self.separators)
        del words[index]
        # keep the separator before the word unless it is at the very start
        if index == 0:
            del seps[1]
            seps[0] = ""
        else:
            drop = index + 1 if seps[index + 1].strip() == "" else index
            del seps[drop]
        return AttackedText(words, seps).text

    # -- identity ----------------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        return isinstance(other, AttackedText) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"AttackedText({self.text!r}, modified={sorted(self.modified_indices)})"
