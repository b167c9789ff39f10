"""``AttackedText``: a text split into words, edited word by word, that remembers what changed.

The text is stored as ``separators[0] + words[0] + separators[1] + ... + words[-1] + separators[-1]``,
so replacing a word never re-tokenizes the rest and the punctuation and spacing of the original
survive every edit. Word indices therefore stay stable for the whole attack, which is what the
constraints ("do not modify a word twice", "at most 20 % of the words") and the results
("changed word indices") refer to.

Sentence-level rewrites (paraphrases) do not fit that grid: they bring new words, in a new number and
order. :meth:`AttackedText.rewrite` therefore starts a *new word grid*: the rewritten text's
``original_words`` are its own words, so word-level bookkeeping (``modified_indices``,
``newly_modified``, "do not modify a word twice", embedding and part-of-speech checks of later word
swaps) refers to the rewrite, while :attr:`AttackedText.original` still points at the true original
text, for constraints that bound the total drift (sentence similarity against the original) and for
reporting. Against that original, a rewritten text's changed words are defined by a word alignment
(:func:`align_words`, difflib on the word sequences): :attr:`AttackedText.changed_indices` are the
positions of the rewritten text whose word is not aligned to an identical original word. A rewrite is
recorded in :meth:`AttackedText.edits` as the step ``((REWRITE, new_text),)`` so a result can be
replayed (:mod:`attack_recipe.evaluation.recheck`).
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable, Mapping, Sequence

#: A word is a run of letters/digits, optionally joined by apostrophes or hyphens ("don't", "well-known").
WORD_PATTERN = re.compile(r"\w+(?:['’\-]\w+)*", re.UNICODE)

#: Spans that are never words: URLs, e-mail addresses and @mentions. Swapping a piece of a URL or the
#: addressee of a message changes what the text *is*, not how it is phrased, so these stay verbatim
#: (inside the separators). Hashtag words remain words: they often carry the sentiment ("#fail").
PROTECTED_PATTERN = r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<!\w)@\w+"

_TOKEN = re.compile(f"(?P<protected>{PROTECTED_PATTERN})|(?P<word>{WORD_PATTERN.pattern})", re.UNICODE)

#: Word index that marks a rewrite step in :meth:`AttackedText.edits`: ``((REWRITE, new_text),)``
#: replaces the whole text (a paraphrase) instead of one word. Real word indices are never negative.
REWRITE = -1


def is_rewrite_step(step: Sequence[tuple[int, str]]) -> bool:
    """True for an edit step that rewrites the whole text (see :data:`REWRITE`)."""
    return len(step) == 1 and int(step[0][0]) == REWRITE


def align_words(original: Sequence[str], words: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs ``(original index, new index)`` of identical words kept in order (difflib matching blocks).

    This is how a rewrite is compared with its original: a word of the rewrite is *kept* when it is
    aligned to the same word of the original, *changed* otherwise. For a word-for-word edit it
    usually equals the positional comparison; :attr:`AttackedText.changed_indices` uses the
    positional one there, so word-swap results are unchanged by this definition.
    """
    matcher = difflib.SequenceMatcher(a=list(original), b=list(words), autojunk=False)
    pairs: list[tuple[int, int]] = []
    for block in matcher.get_matching_blocks():
        pairs.extend((block.a + k, block.b + k) for k in range(block.size))
    return pairs


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

    After a :meth:`rewrite` (see the module docstring), ``original_words`` / ``modified_indices``
    refer to the rewrite's own word grid; :attr:`original`, :attr:`rewritten` and
    :attr:`changed_indices` refer to the true original.
    """

    __slots__ = ("words", "separators", "original_words", "newly_modified", "parent", "is_rewrite",
                 "_root", "_rewrites", "_text", "_modified", "_changed")

    def __init__(
        self,
        text_or_words: str | Sequence[str],
        separators: Sequence[str] | None = None,
        *,
        original_words: Sequence[str] | None = None,
        newly_modified: Iterable[int] = (),
        parent: "AttackedText | None" = None,
        is_rewrite: bool = False,
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
        #: True when this text is a rewrite (paraphrase) of ``parent`` rather than a word edit of it
        self.is_rewrite = bool(is_rewrite and parent is not None)
        # the true original (None: it is this grid's original, rebuilt on demand) and the number of
        # rewrites between it and this text; both inherited from the parent
        self._root: AttackedText | None = parent.original if parent is not None and (
            self.is_rewrite or parent.rewritten) else None
        self._rewrites: int = (parent._rewrites if parent is not None else 0) + int(self.is_rewrite)
        self._text: str | None = None
        self._modified: frozenset[int] | None = None
        self._changed: frozenset[int] | None = None

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

    @property
    def rewritten(self) -> bool:
        """True if a rewrite (paraphrase) lies between the original and this text."""
        return self._rewrites > 0

    @property
    def original(self) -> "AttackedText":
        """The true original text, also across rewrites (for word edits: ``original_words`` re-joined)."""
        if self._root is not None:
            return self._root
        if self.original_words == self.words and self.parent is None:
            return self
        return AttackedText(self.original_words, self.separators, original_words=self.original_words)

    @property
    def changed_indices(self) -> frozenset[int]:
        """Positions of this text's words that differ from the true original.

        Without a rewrite this is :attr:`modified_indices` (positional). After a rewrite, the words of
        this text that :func:`align_words` does not align to an identical original word.
        """
        if not self.rewritten:
            return self.modified_indices
        if self._changed is None:
            kept = {j for _, j in align_words(self.original.words, self.words)}
            self._changed = frozenset(j for j in range(len(self.words)) if j not in kept)
        return self._changed

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

    def rewrite(self, text: str) -> "AttackedText":
        """``text`` as a rewrite (e.g. a paraphrase) of this text: a new word grid whose every word is new.

        The result's ``original_words`` are its own words (later word swaps are tracked against the
        rewrite), ``newly_modified`` is every position, ``parent`` is this text and :attr:`original`
        the true original.
        """
        words, seps = split_words(text)
        return AttackedText(words, seps, original_words=words, newly_modified=range(len(words)),
                            parent=self, is_rewrite=True)

    @property
    def previous(self) -> "AttackedText":
        """The text before the last edit (the original itself for an unedited text)."""
        return self.parent if self.parent is not None else AttackedText(
            self.original_words, self.separators, original_words=self.original_words)

    def edits(self) -> tuple[tuple[tuple[int, str], ...], ...]:
        """The edits that led here from the original, oldest first: one ``((index, word), ...)`` per step,
        or ``((REWRITE, new_text),)`` for a rewrite step."""
        steps = []
        node = self
        while node.parent is not None:
            if node.is_rewrite:
                steps.append(((REWRITE, node.text),))
            else:
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
