"""Swap a word for a WordNet synonym (PWWS's candidates)."""

from __future__ import annotations

import functools
import re
from typing import Sequence

from ...core.text import AttackedText
from .base import WordSwap, match_case

_SINGLE_WORD = re.compile(r"^[A-Za-z]+(?:[-'][A-Za-z]+)*$")


@functools.lru_cache(maxsize=100_000)
def synonyms(word: str, pos: str | None = None) -> tuple[str, ...]:
    """Single-word WordNet lemmas sharing a synset with ``word`` (in WordNet's order, no duplicates)."""
    from ...resources.wordnet import load_wordnet

    wn = load_wordnet()
    out: dict[str, None] = {}
    for synset in wn.synsets(word, pos=pos):
        for lemma in synset.lemmas():
            name = lemma.name()
            if name.lower() != word.lower() and _SINGLE_WORD.match(name):
                out.setdefault(name)
    return tuple(out)


@functools.lru_cache(maxsize=100_000)
def antonyms(word: str) -> frozenset[str]:
    """Lower-cased WordNet antonyms of any sense of ``word``."""
    from ...resources.wordnet import load_wordnet

    wn = load_wordnet()
    return frozenset(
        ant.name().lower()
        for synset in wn.synsets(word)
        for lemma in synset.lemmas()
        for ant in lemma.antonyms()
    )


class WordSwapWordNet(WordSwap):
    """Replace a word by each of its single-word WordNet synonyms (all senses, as in Ren et al. 2019)."""

    def __init__(self, max_candidates: int | None = None):
        self.max_candidates = max_candidates

    def replacements(self, word: str, index: int, text: AttackedText, rng=None) -> Sequence[str]:
        if not word.isalpha() and "-" not in word and "'" not in word:
            return []
        found = [match_case(word, s) for s in synonyms(word.lower())]
        return found[: self.max_candidates] if self.max_candidates else found
