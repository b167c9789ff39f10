"""Swap a word for one of its nearest neighbours in a word-embedding space (TextFooler's candidates)."""

from __future__ import annotations

from typing import Sequence

from ...core.text import AttackedText
from ...resources.lazy import load_once, name_and_object
from .base import WordSwap, match_case


class WordSwapEmbedding(WordSwap):
    """Replace a word by its ``max_candidates`` nearest embedding neighbours (cosine).

    Jin et al. (2020) use counter-fitted vectors, which were trained to push antonyms apart and pull
    synonyms together. The default space is ours, built offline the same way from GloVe 6B-50d and
    WordNet (``counter-fitted-glove-50d``, :mod:`attack_recipe.resources.counterfit`). Counter-fitting
    repels most antonyms but not all ("good"/"bad" stay at 0.6), so ``exclude_antonyms`` still drops
    WordNet antonyms of the word. ``inflect`` puts each neighbour into the replaced word's form and
    case (:class:`~.base.WordSwap`).
    """

    def __init__(self, max_candidates: int = 50, embedding: str | object = "counter-fitted-glove-50d",
                 exclude_antonyms: bool = True, inflect: bool = False, tagger=None):
        self.max_candidates = max_candidates
        self.embedding, self._embedding = name_and_object(embedding)
        self.exclude_antonyms = exclude_antonyms
        self.inflect = inflect
        self.tagger = tagger

    def _space(self):
        from ...resources.embeddings import load_word_embedding

        return load_once(self, "_embedding", load_word_embedding, self.embedding)

    def replacements(self, word: str, index: int, text: AttackedText, rng=None) -> Sequence[str]:
        lowered = word.lower()
        neighbours = [w for w, _ in self._space().nearest(lowered, k=self.max_candidates)]
        if self.exclude_antonyms and neighbours:
            from .wordnet_swap import antonyms

            banned = antonyms(lowered)
            neighbours = [w for w in neighbours if w not in banned]
        return [match_case(word, w) for w in neighbours]
