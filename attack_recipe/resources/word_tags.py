"""Contextual tags of an :class:`~attack_recipe.core.text.AttackedText`'s words, cached per text.

The attack's contextual pieces — the part-of-speech constraint, the protected-words pre-constraint,
the inflection of substitutes and PWWS's sense filter — all ask the same question: what is word ``i``
of this text, *in this sentence*? (The lexical WordNet answer — every part of speech a word can have
— lets "the firm hired" become "the loyal hired".) The answer comes from the spaCy tagger
(:mod:`attack_recipe.resources.pos`), one batched pass over the texts not yet seen, aligned to the
text's words by character overlap. The same current text is asked about many times during a search
(once per candidate, per component), so answers are cached by text.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import OrderedDict
from typing import Any, Sequence

from ..core.text import AttackedText, word_spans
from .pos import is_shouting, overlapping_tokens


@dataclasses.dataclass(frozen=True)
class WordTag:
    """One word's universal POS, Penn tag and entity type ('' where spaCy gives none)."""

    pos: str
    tag: str
    ent: str = ""


def _align(spans: Sequence[tuple[int, int]], tokens: Sequence[Any]) -> tuple[WordTag, ...]:
    """For each word span, the tags of the spaCy token that overlaps it most (any overlapping
    token's entity type counts: "#NewYork" is one word, two tokens)."""
    out, k = [], 0
    for start, end in spans:
        best, ents, k = overlapping_tokens(tokens, start, end, k)
        ent = next((e for e in ents if e), "")
        out.append(WordTag(best.pos, best.tag, ent) if best is not None else WordTag("", "", ent))
    return tuple(out)


class WordTagger:
    """``tags(texts) -> [tuple[WordTag, ...] per text]``; one word tag per word of each text.

    ``tagger`` is a spaCy model name, an object with ``tag_many(texts)`` returning
    :class:`~attack_recipe.resources.pos.TaggedToken` lists (tests pass a small one), or None (the
    packaged small English model). Texts that are mostly upper case are tagged lower-cased.
    """

    def __init__(self, tagger: str | Any | None = None, cache_size: int = 50_000):
        self._tagger = tagger
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[WordTag, ...]] = OrderedDict()

    @property
    def tagger(self):
        if self._tagger is None or isinstance(self._tagger, str):
            from .pos import load_tagger

            self._tagger = load_tagger(self._tagger)
        return self._tagger

    def tags(self, texts: Sequence[AttackedText]) -> list[tuple[WordTag, ...]]:
        todo: dict[str, AttackedText] = {}
        for t in texts:
            if t.text in self._cache:
                self._cache.move_to_end(t.text)
            else:
                todo.setdefault(t.text, t)
        if todo:
            plain = []
            for t in todo.values():
                lowered = t.text.lower()
                plain.append(lowered if is_shouting(t.words) and len(lowered) == len(t.text) else t.text)
            for t, tokens in zip(todo.values(), self.tagger.tag_many(plain)):
                self._cache[t.text] = _align(word_spans(t), tokens)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return [self._cache[t.text] for t in texts]

    def __repr__(self) -> str:
        name = self._tagger if self._tagger is None or isinstance(self._tagger, str) else getattr(
            self._tagger, "name", type(self._tagger).__name__)
        return f"WordTagger({name!r})"


@functools.lru_cache(maxsize=4)
def shared_word_tagger(name: str | None = None) -> WordTagger:
    """One :class:`WordTagger` per model name, shared by every component of a process (one cache)."""
    return WordTagger(name)


def word_tagger(tagger: str | Any | None) -> WordTagger:
    """``tagger`` as a :class:`WordTagger`: itself, the shared one for a name (or None), or a wrapper
    around an object with ``tag_many``."""
    if isinstance(tagger, WordTagger):
        return tagger
    if tagger is None or isinstance(tagger, str):
        return shared_word_tagger(tagger)
    return WordTagger(tagger)
