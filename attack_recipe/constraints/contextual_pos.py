"""Keep each swapped word's part of speech *in its sentence* (TextFooler's POS check, with a tagger).

Jin et al. tag the sentence before and after the swap and keep a candidate only when the new word
gets the old word's tag. This does the same with the packaged spaCy tagger
(:mod:`attack_recipe.resources.word_tags`): the word just changed is compared with the same position
of the text it was made from (its parent, as in the reference code). The universal POS must agree
(strictly, as in the paper; ``allow_verb_noun_swap`` opens NOUN <-> VERB as TextAttack's TextFooler
does) and nouns and verbs must keep their form (number, tense: NN vs NNS, VBD vs VBG), which the
inflection of substitutes usually provides. Replaces the lexical WordNet check
(:class:`~.part_of_speech.PartOfSpeech`), which let "the firm hired" become "the loyal hired".
"""

from __future__ import annotations

from typing import Any, Sequence

from ..core.text import AttackedText
from ..resources.pos import form_compatible
from .base import Constraint


class ContextualPartOfSpeech(Constraint):
    """Each newly swapped word keeps the contextual universal POS (and noun/verb form) of the word it replaced."""

    #: spaCy tags every candidate text (about 0.4 ms each): dearer than a linear victim's call
    timer = "tagger"
    costly = True

    def __init__(self, allow_verb_noun_swap: bool = False, check_form: bool = True, tagger: str | Any | None = None):
        self.allow_verb_noun_swap = allow_verb_noun_swap
        self.check_form = check_form
        self.tagger = tagger

    def _tags(self, texts):
        from ..resources.word_tags import word_tagger

        return word_tagger(self.tagger).tags(texts)

    def compatible(self, before, after) -> bool:
        """Whether word tag ``after`` may replace word tag ``before``."""
        if before.pos != after.pos:
            if not (self.allow_verb_noun_swap and {before.pos, after.pos} <= {"NOUN", "VERB"}):
                return False
        return not self.check_form or form_compatible(before.tag, after.tag)

    def filter(self, candidates: Sequence[AttackedText], state=None) -> list[AttackedText]:
        candidates = list(candidates)
        parents = [c.previous for c in candidates]
        same_grid = [p.num_words == c.num_words for c, p in zip(candidates, parents)]
        tags = self._tags(candidates + [p for p, ok in zip(parents, same_grid) if ok])
        after, before_iter = tags[: len(candidates)], iter(tags[len(candidates):])
        kept = []
        for c, ok, a in zip(candidates, same_grid, after):
            if not ok:  # a rewrite: no word-for-word comparison to make
                kept.append(c)
                continue
            b = next(before_iter)
            if all(self.compatible(b[i], a[i]) for i in c.newly_modified):
                kept.append(c)
        return kept

    def check(self, candidate: AttackedText) -> bool:
        return bool(self.filter([candidate]))
