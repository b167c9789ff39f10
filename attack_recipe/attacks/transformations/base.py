"""Transformation contract: propose candidate texts by editing words at given positions.

A transformation reaches the example (its seeded RNG, label, goal) and any model it does not own
(the victim's gradients, a paraphrase generator) through the :class:`~..search.base.SearchContext`
passed to :meth:`Transformation.propose`, and declares the kind of the model it owns in ``timer``,
as constraints do: the context times every ``propose`` call in that bucket, so no transformation
measures time itself.
"""

from __future__ import annotations

import abc
from typing import Iterable, Sequence

from ...core.config_repr import config_repr
from ...core.text import AttackedText


class Transformation(abc.ABC):
    """Proposes edited copies of a text. Stateless; randomness comes from the example's seeded RNG."""

    #: The timer this transformation's own model work is charged to ("lm", "encoder", ...), or None
    #: (no model of its own; models reached through the context are timed there).
    timer: str | None = None

    @abc.abstractmethod
    def __call__(self, text: AttackedText, indices: Iterable[int], rng=None) -> list[AttackedText]:
        """Candidates that each change ``text`` at one (or more) of ``indices``."""

    def propose(self, text: AttackedText, indices: Iterable[int], ctx) -> list[AttackedText]:
        """Candidates for ``text`` within one example, given its :class:`SearchContext` ``ctx``.

        Called by ``ctx.propose`` (which times it under :attr:`timer`). Most transformations need
        only the example's seeded RNG, so this defaults to ``__call__(text, indices, ctx.rng)``. One
        that needs the victim (gradient swaps: ``ctx.word_gradients``) or a generator
        (``ctx.generate``) overrides it and asks the context, which bills that time — never as queries.
        """
        return self(text, indices, ctx.rng)

    def __add__(self, other: "Transformation") -> "Composite":
        return Composite((self, other))

    def __repr__(self) -> str:
        return config_repr(self)


class WordSwap(Transformation):
    """Replaces one word at a time; subclasses write :meth:`replacements`.

    With ``inflect`` set (a subclass's constructor argument), every replacement is put into the
    grammatical form of the word it replaces — the word's Penn tag in its sentence, from the
    contextual tagger — and given its case pattern: "loved" + "adore" -> "adored", "AMAZING" +
    "awesome" -> "AWESOME" (:func:`~attack_recipe.resources.inflection.inflect_like`). Word vectors
    and WordNet lemmas come in whatever form their vocabulary holds, and a wrong form is read as an
    error, not a paraphrase.
    """

    #: inflect replacements to the replaced word's contextual form (see the class docstring)
    inflect: bool = False

    @property
    def timer(self) -> str | None:
        """Inflecting tags the text in context, so its time is the tagger's; otherwise no model runs.
        (A property, not an attribute: it is not configuration and stays out of the repr.)"""
        return "tagger" if self.inflect else None
    #: the contextual tagger: a spaCy model name, an object with ``tag_many``, or None (packaged model)
    tagger = None

    @abc.abstractmethod
    def replacements(self, word: str, index: int, text: AttackedText, rng=None) -> Sequence[str]:
        """Replacement words for ``word`` (at ``index`` of ``text``)."""

    def word_tag(self, text: AttackedText, index: int):
        """The contextual :class:`~attack_recipe.resources.word_tags.WordTag` of word ``index`` (cached per text)."""
        from ...resources.word_tags import word_tagger

        return word_tagger(self.tagger).tags([text])[0][index]

    def __call__(self, text: AttackedText, indices: Iterable[int], rng=None) -> list[AttackedText]:
        if self.inflect:
            from ...resources.inflection import inflect_like
        out: list[AttackedText] = []
        for index in indices:
            word = text.words[index]
            seen = {word}
            replacements = self.replacements(word, index, text, rng)
            if self.inflect and replacements:
                tag = self.word_tag(text, index).tag
                replacements = [match_case(word, inflect_like(new.lower(), tag)) for new in replacements]
            for new in replacements:
                if new and new not in seen and new.lower() != word.lower():
                    seen.add(new)
                    out.append(text.replace_word(index, new))
        return out


class Composite(Transformation):
    """The union of several transformations' candidates, in order, without duplicates."""

    def __init__(self, transformations: Sequence[Transformation]):
        flat: list[Transformation] = []
        for t in transformations:
            flat.extend(t.transformations if isinstance(t, Composite) else [t])
        self.transformations = tuple(flat)

    def __call__(self, text, indices, rng=None):
        indices = list(indices)
        return self._union(text, [t(text, indices, rng) for t in self.transformations])

    def propose(self, text, indices, ctx):
        indices = list(indices)
        # a member with a model of its own goes through the context, so it is timed under its own
        # ``timer``; one without (character edits) is called directly: the composite's own call
        # through the context has checked the time limit already
        return self._union(text, [ctx.propose(t, text, indices) if t.timer else t.propose(text, indices, ctx)
                                  for t in self.transformations])

    @staticmethod
    def _union(text: AttackedText, groups) -> list[AttackedText]:
        seen: set[str] = set()
        out: list[AttackedText] = []
        for group in groups:
            for cand in group:
                if cand.text not in seen and cand.text != text.text:
                    seen.add(cand.text)
                    out.append(cand)
        return out


def match_case(template: str, word: str) -> str:
    """Give ``word`` the capitalisation pattern of ``template`` (UPPER, Title or as is)."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
