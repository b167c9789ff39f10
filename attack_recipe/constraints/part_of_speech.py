"""Keep the part of speech of every swapped word (TextFooler's POS check), without a tagger model.

Jin et al. tag the sentence with NLTK's perceptron tagger. Its data does not ship offline, so this
check is lexical: a swap is allowed when the two words can share a part of speech according to
WordNet (noun, verb, adjective, adverb). Function words and slang that WordNet does not know can only
be swapped for other words WordNet does not know. ``allow_verb_noun_swap`` follows TextAttack's
TextFooler setting (nouns and verbs are interchangeable).
"""

from __future__ import annotations

from ..core.text import AttackedText
from .base import Constraint


class PartOfSpeech(Constraint):
    """Swapped words must be able to share a WordNet part of speech with the word they replaced.

    Per word grid on purpose, like :class:`~.embedding_cosine.WordEmbeddingCosine`: the replaced
    word is ``candidate.base_words[i]`` (the original's, or after a rewrite the rewrite's).
    """

    def __init__(self, allow_verb_noun_swap: bool = True):
        self.allow_verb_noun_swap = allow_verb_noun_swap

    def compatible(self, original: str, new: str) -> bool:
        from ..resources.wordnet import wordnet_pos_sets

        a = wordnet_pos_sets(original.lower())
        b = wordnet_pos_sets(new.lower())
        if not a or not b:
            return not a and not b
        if a & b:
            return True
        return self.allow_verb_noun_swap and bool(a & {"n", "v"}) and bool(b & {"n", "v"})

    def check(self, candidate: AttackedText) -> bool:
        return all(
            self.compatible(candidate.base_words[i], candidate.words[i]) for i in candidate.modified_indices
        )
