"""Word-by-word differences between an original text and its perturbation, for the validity judge.

Why not :func:`attack_recipe.core.text.split_words`: attacks never touch URLs, e-mail addresses and
@mentions, so the engine keeps them out of its word grid. A judge must see them (a changed addressee
is a changed tweet), and it must see a hashtag as one token ("#coachella" -> "#ojai" swaps a topic, not
a word). So tokens here are: URLs / e-mails / @mentions (``PROTECTED_PATTERN``), ``#hashtags``, then
words (``WORD_PATTERN``), all from :mod:`attack_recipe.core.text` so both agree on what a word is.

The two token sequences are aligned with difflib on their lower-cased forms (case-only changes are no
change: "Happy" -> "happy" does not alter meaning). Each differing stretch becomes :class:`Change`
records: equal-length stretches pair up token by token (a *replacement*, later classified as a word
swap, an inflection or a character edit), and what is left of an unequal stretch is an insertion or a
deletion. Nothing here needs a model.
"""

from __future__ import annotations

import dataclasses
import difflib
import re

from ..core.text import PROTECTED_PATTERN, WORD_PATTERN

_TOKEN = re.compile(
    f"(?P<protected>{PROTECTED_PATTERN})|(?P<hashtag>#\\w+)|(?P<word>{WORD_PATTERN.pattern})", re.UNICODE)


@dataclasses.dataclass(frozen=True)
class Token:
    """A token and where it is: ``text[start:end]``; ``kind`` is word, hashtag, mention, url or email."""

    text: str
    start: int
    end: int
    kind: str

    @property
    def norm(self) -> str:
        return self.text.lower()


@dataclasses.dataclass(frozen=True)
class Change:
    """One difference: ``original`` -> ``perturbed`` (a replacement), or one side None (insert/delete)."""

    original: Token | None
    perturbed: Token | None

    @property
    def op(self) -> str:
        if self.original is None:
            return "insert"
        if self.perturbed is None:
            return "delete"
        return "replace"


def _kind(match: re.Match) -> str:
    if match.lastgroup != "protected":
        return match.lastgroup
    text = match.group()
    if text.startswith("@"):
        return "mention"
    if "://" in text or text.lower().startswith("www."):
        return "url"
    return "email"


def tokenize(text: str) -> list[Token]:
    """Words, hashtags, @mentions, URLs and e-mail addresses of ``text``, in order."""
    return [Token(m.group(), m.start(), m.end(), _kind(m)) for m in _TOKEN.finditer(text)]


def _opcodes(original: list[Token], perturbed: list[Token]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes between the two token sequences, compared lower-cased."""
    return difflib.SequenceMatcher(a=[t.norm for t in original], b=[t.norm for t in perturbed],
                                   autojunk=False).get_opcodes()


def diff_tokens(original: list[Token], perturbed: list[Token]) -> list[Change]:
    """The changes that turn ``original`` into ``perturbed`` (case-insensitive), in text order."""
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in _opcodes(original, perturbed):
        if op == "equal":
            continue
        joined = _split_or_merge(original[i1:i2], perturbed[j1:j2])
        if joined is not None:
            changes.append(joined)
            continue
        paired = min(i2 - i1, j2 - j1)
        changes.extend(Change(original[i1 + k], perturbed[j1 + k]) for k in range(paired))
        changes.extend(Change(original[i], None) for i in range(i1 + paired, i2))
        changes.extend(Change(None, perturbed[j]) for j in range(j1 + paired, j2))
    return changes


def _span(tokens: list[Token]) -> Token:
    return Token(" ".join(t.text for t in tokens), tokens[0].start, tokens[-1].end, tokens[0].kind)


def _split_or_merge(a: list[Token], b: list[Token]) -> Change | None:
    """One word split in two ("terrible" -> "terr ible") or two words run together, as one Change.

    Character-level attacks insert spaces; without this the split reads as a garbled word plus an
    inserted one. Only a 1:2 or 2:1 stretch whose letters, joined, are within one edit of the other
    side is joined; the joined token's text keeps a space between its parts.
    """
    if sorted((len(a), len(b))) != [1, 2] or any(t.kind != "word" for t in a + b):
        return None
    from rapidfuzz.distance import OSA

    one, two = (a[0], b) if len(a) == 1 else (b[0], a)
    if OSA.distance(one.norm, "".join(t.norm for t in two)) > 1:
        return None
    return Change(a[0], _span(b)) if len(a) == 1 else Change(_span(a), b[0])


def restore(perturbed_text: str, changes: list[Change]) -> str:
    """``perturbed_text`` with the given replacements undone (each perturbed token back to the original's).

    The judge uses this to measure the fluency and meaning of the word swaps alone, with character
    edits (typos) put back: a typo always raises perplexity, and it is judged by its own rules.
    """
    spans = sorted(((c.perturbed.start, c.perturbed.end, c.original.text) for c in changes
                    if c.original is not None and c.perturbed is not None), reverse=True)
    text = perturbed_text
    for start, end, word in spans:
        text = text[:start] + word + text[end:]
    return text


def diff_segments(original: str, perturbed: str) -> list[dict[str, str]]:
    """``perturbed`` as consecutive pieces ``{"kind": "same" | "del" | "ins", "text"}`` for display:
    joining the ``same`` and ``ins`` pieces gives ``perturbed`` back, ``del`` pieces are the original's
    words that are gone (shown struck through, where they stood). Same alignment as :func:`diff_tokens`."""
    a, b = tokenize(original), tokenize(perturbed)
    segments: list[dict[str, str]] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1]["kind"] == kind:
            segments[-1]["text"] += text
        else:
            segments.append({"kind": kind, "text": text})

    pos = 0  # how much of ``perturbed`` is emitted
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            continue
        start = b[j1].start if j1 < len(b) else len(perturbed)
        add("same", perturbed[pos:start])
        pos = max(pos, start)
        if i1 < i2:
            add("del", original[a[i1].start:a[i2 - 1].end])
        if j1 < j2:
            add("ins", perturbed[b[j1].start:b[j2 - 1].end])
            pos = b[j2 - 1].end
    add("same", perturbed[pos:])
    return segments
