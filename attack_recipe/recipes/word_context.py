"""The contextual pieces word-swap recipes share: which POS check, and which words are protected.

One place, so every recipe offers the same ``pos_check`` and ``protect`` options with the same
meaning (see :mod:`attack_recipe.constraints.contextual_pos` and
:mod:`attack_recipe.constraints.protected`).
"""

from __future__ import annotations

from ..constraints.base import Constraint, PreConstraint
from ..constraints.contextual_pos import ContextualPartOfSpeech
from ..constraints.part_of_speech import PartOfSpeech
from ..constraints.protected import ProtectedWords
from ..errors import UsageError

#: ``pos_check`` values: the contextual tagger (strict), WordNet's lexical parts of speech (nouns and
#: verbs interchangeable, as TextAttack's TextFooler), or no check
POS_CHECKS = ("contextual", "wordnet", "none")


def part_of_speech(pos_check: str) -> list[Constraint]:
    """The POS constraint for ``pos_check`` (an empty list for "none")."""
    if pos_check == "contextual":
        return [ContextualPartOfSpeech(allow_verb_noun_swap=False)]
    if pos_check == "wordnet":
        return [PartOfSpeech(allow_verb_noun_swap=True)]
    if pos_check == "none":
        return []
    raise UsageError(f"pos_check must be one of {', '.join(POS_CHECKS)}; got {pos_check!r}")


def protection(protect: bool) -> list[PreConstraint]:
    """Protect named entities, proper nouns, hashtags and numbers from swaps (``protect=True``)."""
    return [ProtectedWords()] if protect else []
