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
    from ...resources.wordnet import sense_lemma_names

    out: dict[str, None] = {}
    for names in sense_lemma_names(word, pos):
        for name in names:
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


#: ``senses`` values of :class:`WordSwapWordNet`
SENSES = ("contextual", "all")


class WordSwapWordNet(WordSwap):
    """Replace a word by each of its single-word WordNet synonyms.

    ``senses="all"`` takes the synonyms of every sense of the word, as Ren et al. (2019) and
    TextAttack do: "made" (my day) gets "cook", "firm" (the company) gets "steady". ``"contextual"``
    keeps only the senses of the word's part of speech in its sentence (the spaCy tagger), so a verb
    gets verbs and a noun nouns; words the tagger puts outside nouns, verbs, adjectives and adverbs
    get none. ``inflect`` puts each synonym into the replaced word's form and case.
    """

    def __init__(self, max_candidates: int | None = None, senses: str = "all", inflect: bool = False,
                 tagger=None):
        if senses not in SENSES:
            from ...errors import UsageError

            raise UsageError(f"senses must be one of {', '.join(SENSES)}; got {senses!r}")
        self.max_candidates = max_candidates
        self.senses = senses
        self.inflect = inflect
        self.tagger = tagger

    def replacements(self, word: str, index: int, text: AttackedText, rng=None) -> Sequence[str]:
        if not word.isalpha() and "-" not in word and "'" not in word:
            return []
        if self.senses == "all":
            found = list(synonyms(word.lower()))
        else:
            from ...resources.pos import WORDNET_POS

            parts = WORDNET_POS.get(self.word_tag(text, index).pos, ())
            # "a" covers adjective satellites too (WordNet's synsets(pos="a") includes them)
            found = list(dict.fromkeys(s for pos in parts if pos != "s" for s in synonyms(word.lower(), pos)))
        found = [match_case(word, s) for s in found]
        return found[: self.max_candidates] if self.max_candidates else found
