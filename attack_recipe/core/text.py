"""``AttackedText``: a text split into words, edited word by word, that remembers what changed.

The text is stored as ``separators[0] + words[0] + separators[1] + ... + words[-1] + separators[-1]``,
so replacing a word never re-tokenizes the rest and the punctuation and spacing of the original
survive every edit. Word indices therefore stay stable for the whole attack, which is what the
constraints ("do not modify a word twice", "at most 20 % of the words") and the results
("changed word indices") refer to.

Sentence-level rewrites (paraphrases) do not fit that grid: they bring new words, in a new number and
order. :meth:`AttackedText.rewrite` therefore starts a *new word grid*. Two references follow:

* :attr:`AttackedText.original` is always the true original text, across any number of rewrites.
  Constraints that bound the drift of the whole text (sentence similarity, edit distance,
  perplexity) compare with it.
* :attr:`AttackedText.base_words` are the words the *current grid* started from: the original's
  words, or the latest rewrite's. Position-wise bookkeeping (``modified_indices``,
  ``newly_modified``, "do not modify a word twice") and constraints that judge a swapped word
  against the word it replaced (embedding cosine, part of speech) use them; without a rewrite they
  are the original's words.

Against the original, a rewritten text's changed words are defined by a word alignment
(:func:`align_words`, difflib on the word sequences): :attr:`AttackedText.changed_indices` are the
positions of the rewritten text whose word is not aligned to an identical original word. Every text
knows the step that made it from its parent (:attr:`AttackedText.last_step`, a
:class:`~attack_recipe.core.steps.WordEdit` or :class:`~attack_recipe.core.steps.Rewrite`), so a
result can list its path (:meth:`AttackedText.edits`) and be replayed
(:mod:`attack_recipe.evaluation.recheck`).
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable, Mapping, Sequence

from .steps import EditStep, Rewrite, WordEdit

#: A word is a run of letters/digits, optionally joined by apostrophes or hyphens ("don't", "well-known").
WORD_PATTERN = re.compile(r"\w+(?:['’\-]\w+)*", re.UNICODE)

#: Spans that are never words: URLs, e-mail addresses and @mentions. Swapping a piece of a URL or the
#: addressee of a message changes what the text *is*, not how it is phrased, so these stay verbatim
#: (inside the separators). Hashtag words remain words: they often carry the sentiment ("#fail").
PROTECTED_PATTERN = r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<!\w)@\w+"

_TOKEN = re.compile(f"(?P<protected>{PROTECTED_PATTERN})|(?P<word>{WORD_PATTERN.pattern})", re.UNICODE)

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


def word_spans(text: "AttackedText") -> list[tuple[int, int]]:
    """Character span ``(start, end)`` of every word of ``text`` in ``text.text``."""
    return [(start, start + len(word)) for start, word in zip(text.word_starts, text.words)]


class AttackedText:
    """An immutable text plus the words its word grid started from.

    ``modified_indices`` are the word positions whose word differs from :attr:`base_words`.
    ``newly_modified`` is the set of positions changed by the last edit (used by windowed constraints)
    and ``parent`` the text that edit was applied to (``None`` for an original), so constraints that
    compare a step with the previous one — as Jin et al.'s TextFooler code does — can find it, and a
    result can list its edits in the order they were made (:meth:`edits`).

    :attr:`original`, :attr:`rewritten` and :attr:`changed_indices` refer to the true original;
    :attr:`base_words` and :attr:`modified_indices` to the current word grid (see the module
    docstring). The two differ only after a :meth:`rewrite`.
    """

    __slots__ = ("words", "separators", "base_words", "newly_modified", "parent", "_starts_grid",
                 "_root", "_rewrites", "_text", "_modified", "_changed", "_starts")

    def __init__(
        self,
        text_or_words: str | Sequence[str],
        separators: Sequence[str] | None = None,
        *,
        base_words: Sequence[str] | None = None,
        newly_modified: Iterable[int] = (),
        parent: "AttackedText | None" = None,
        starts_grid: bool = False,
    ):
        if isinstance(text_or_words, str):
            words, seps = split_words(text_or_words)
        else:
            # a tuple is kept as it is (tuple() of a tuple is the same object): an edit shares its
            # parent's separators, which is how ``text`` knows it may splice the parent's text
            words, seps = text_or_words, separators if isinstance(separators, tuple) else list(separators or [])
            if len(seps) != len(words) + 1:
                raise ValueError(f"expected {len(words) + 1} separators, got {len(seps)}")
        self.words: tuple[str, ...] = tuple(words)
        self.separators: tuple[str, ...] = tuple(seps)
        #: the words this text's word grid started from: the original's, or the latest rewrite's
        self.base_words: tuple[str, ...] = tuple(base_words) if base_words is not None else self.words
        if len(self.base_words) != len(self.words):
            raise ValueError("base_words must have as many words as the text")
        self.newly_modified: frozenset[int] = frozenset(newly_modified)
        self.parent = parent
        # True when this text is a rewrite of ``parent`` (a new grid) rather than a word edit of it
        self._starts_grid = bool(starts_grid and parent is not None)
        # the true original (None until asked for, when this text has no parent) and the number of
        # rewrites between it and this text; both inherited from the parent, so that constraints which
        # compare every candidate with the original (edit distance) do not rebuild it per candidate
        self._root: AttackedText | None = parent.original if parent is not None else None
        self._rewrites: int = (parent._rewrites if parent is not None else 0) + int(self._starts_grid)
        self._text: str | None = None
        self._modified: frozenset[int] | None = None
        self._changed: frozenset[int] | None = None
        self._starts: tuple[int, ...] | None = None  # character offset of each word in ``text``

    # -- views -------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        if self._text is None:
            edited = self._one_word_edit()
            if edited is not None:  # a search builds dozens of these per step: splice the parent's text
                i, parent = edited
                start = parent.word_starts[i]
                old = parent.text
                self._text = old[:start] + self.words[i] + old[start + len(parent.words[i]):]
            else:
                parts = [self.separators[0]]
                for word, sep in zip(self.words, self.separators[1:]):
                    parts.append(word)
                    parts.append(sep)
                self._text = "".join(parts)
        return self._text

    def _one_word_edit(self) -> "tuple[int, AttackedText] | None":
        """``(index, parent)`` when this text is its parent with one word replaced (same grid)."""
        parent = self.parent
        if (parent is None or self._starts_grid or len(self.newly_modified) != 1
                or parent.separators is not self.separators or parent.base_words is not self.base_words):
            return None
        return next(iter(self.newly_modified)), parent

    @property
    def word_starts(self) -> tuple[int, ...]:
        """The character offset of each word in :attr:`text`."""
        if self._starts is None:
            edited = self._one_word_edit()
            if edited is not None:  # the parent's offsets, shifted after the one word that changed
                i, parent = edited
                before = parent.word_starts
                shift = len(self.words[i]) - len(parent.words[i])
                self._starts = before if not shift else before[:i + 1] + tuple(p + shift for p in before[i + 1:])
                return self._starts
            starts, pos = [], len(self.separators[0])
            for word, sep in zip(self.words, self.separators[1:]):
                starts.append(pos)
                pos += len(word) + len(sep)
            self._starts = tuple(starts)
        return self._starts

    @property
    def num_words(self) -> int:
        return len(self.words)

    @property
    def modified_indices(self) -> frozenset[int]:
        """Positions whose word differs from :attr:`base_words` (the current grid's starting words)."""
        if self._modified is None:
            edited = self._one_word_edit()
            if edited is not None:  # the parent's set, updated at the one position that changed
                i, parent = edited
                changed = self.words[i] != self.base_words[i]
                self._modified = parent.modified_indices | {i} if changed else parent.modified_indices - {i}
            else:
                self._modified = frozenset(
                    i for i, (w, o) in enumerate(zip(self.words, self.base_words)) if w != o
                )
        return self._modified

    @property
    def rewritten(self) -> bool:
        """True if a rewrite (paraphrase) lies between the original and this text."""
        return self._rewrites > 0

    @property
    def original(self) -> "AttackedText":
        """The true original text, also across rewrites (without one: :attr:`base_words` re-joined)."""
        if self._root is not None:
            return self._root
        if self.base_words == self.words:  # (not stored: a text must not refer to itself)
            return self
        self._root = AttackedText(self.base_words, self.separators, base_words=self.base_words)
        return self._root

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

    def aligned_with(self, other: "AttackedText") -> bool:
        """True when this text and ``other`` share a word grid, so word ``i`` of one sits where word
        ``i`` of the other does and windows around a position can be compared.

        ``other`` is a text on this text's path (its :attr:`previous`, its :attr:`original`, an
        ancestor): they share a grid exactly when no rewrite lies between them.
        """
        return self._rewrites == other._rewrites

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
        if len(replacements) == 1:
            (index, word), = replacements.items()
            return self.replace_word(index, word)
        words = list(self.words)
        for index, word in replacements.items():
            if not 0 <= index < len(words):
                raise IndexError(f"word index {index} out of range for {len(words)} words")
            words[index] = word
        return AttackedText(
            words,
            self.separators,
            base_words=self.base_words,
            newly_modified=replacements.keys(),
            parent=self,
        )

    def replace_word(self, index: int, word: str) -> "AttackedText":
        if not 0 <= index < len(self.words):
            raise IndexError(f"word index {index} out of range for {len(self.words)} words")
        # A search makes thousands of these per example, so the child is built here rather than by
        # ``__init__``, whose checks and conversions it does not need: it is ``__init__``'s result for
        # (words with one replaced, self.separators, base_words=self.base_words, newly_modified=(index,),
        # parent=self) — tests/test_properties.py checks that the two agree.
        child = object.__new__(type(self))
        child.words = self.words[:index] + (word,) + self.words[index + 1:]
        child.separators = self.separators
        child.base_words = self.base_words
        child.newly_modified = frozenset((index,))
        child.parent = self
        child._starts_grid = False
        child._root = self.original
        child._rewrites = self._rewrites
        child._text = child._modified = child._changed = child._starts = None
        return child

    def rewrite(self, text: str) -> "AttackedText":
        """``text`` as a rewrite (e.g. a paraphrase) of this text: a new word grid whose every word is new.

        The result's :attr:`base_words` are its own words (later word swaps are tracked against the
        rewrite), ``newly_modified`` is every position, ``parent`` is this text and :attr:`original`
        the true original.
        """
        words, seps = split_words(text)
        return AttackedText(words, seps, base_words=words, newly_modified=range(len(words)),
                            parent=self, starts_grid=True)

    @property
    def previous(self) -> "AttackedText":
        """The text before the last edit (the original itself for an unedited text)."""
        return self.parent if self.parent is not None else AttackedText(
            self.base_words, self.separators, base_words=self.base_words)

    @property
    def last_step(self) -> EditStep | None:
        """The step that made this text from :attr:`parent` (``None`` for an original)."""
        if self.parent is None:
            return None
        if self._starts_grid:
            return Rewrite(self.text)
        return WordEdit(tuple((i, self.words[i]) for i in self.newly_modified))

    def edits(self) -> tuple[EditStep, ...]:
        """The steps that led here from the original, oldest first."""
        steps = []
        node = self
        while node.parent is not None:
            steps.append(node.last_step)
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
