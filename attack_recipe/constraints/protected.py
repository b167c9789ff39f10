"""Words an attack does not swap by default: names, proper nouns, hashtags and numbers.

Changing who or what a text is about ("Male agent in LAS" -> "Athlete agent in VEGAS"), the tag it
files itself under, or a number is not a paraphrase, whatever the victim says. URLs, e-mail addresses
and @mentions are never words at all (:mod:`attack_recipe.core.text`); this pre-constraint removes the
rest from the positions a transformation may touch, using the contextual tagger
(:mod:`attack_recipe.resources.word_tags`) for entities and proper nouns, with the same definition the
validity judge uses (:func:`attack_recipe.resources.pos.names_something`). Each kind can be switched
off.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.text import AttackedText
from ..resources.pos import is_shouting, names_something
from .base import PreConstraint

_DIGIT = re.compile(r"\d")


class ProtectedWords(PreConstraint):
    """Positions holding a named entity / proper noun, a hashtag word or a number may not change."""

    def __init__(self, entities: bool = True, hashtags: bool = True, numbers: bool = True,
                 tagger: str | Any | None = None):
        self.entities = entities
        self.hashtags = hashtags
        self.numbers = numbers
        self.tagger = tagger

    def protected(self, text: AttackedText) -> set[int]:
        out: set[int] = set()
        for i, word in enumerate(text.words):
            if self.numbers and _DIGIT.search(word):
                out.add(i)
            elif self.hashtags and text.separators[i].endswith("#"):
                out.add(i)
        if self.entities:
            from ..resources.word_tags import word_tagger

            tags = word_tagger(self.tagger).tags([text.original if not text.rewritten else text])[0]
            shouting = is_shouting(text.words)
            source = text.original.words if not text.rewritten else text.words
            out.update(i for i, (w, t) in enumerate(zip(source, tags)) if names_something(w, t.pos, t.ent, shouting))
        return out

    def modifiable(self, text: AttackedText) -> set[int]:
        return set(range(text.num_words)) - self.protected(text)
