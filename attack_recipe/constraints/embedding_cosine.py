"""Each swapped word must stay close to the word it replaced in a word-embedding space."""

from __future__ import annotations

from ..core.text import AttackedText
from ..resources.lazy import load_once, name_and_object
from .base import Constraint


class WordEmbeddingCosine(Constraint):
    """cos(replaced word, new word) >= ``min_cos`` for every swapped word.

    A pair where either word is missing from the embedding passes, as in TextAttack: the constraint
    can only judge words it knows (swap candidates from the same space are always known).

    Per word grid on purpose: each swapped word is compared with the word it replaced at that position
    (``candidate.base_words``), i.e. the original's word, or after a rewrite the rewrite's word. A
    rewritten word has no positional counterpart in the original to compare with; the rewrite itself
    is bounded by sentence-level constraints.
    """

    def __init__(self, min_cos: float = 0.5, embedding: str | object = "glove-6b-50d"):
        self.min_cos = min_cos
        self.embedding, self._embedding = name_and_object(embedding)

    def _space(self):
        from ..resources.embeddings import load_word_embedding

        return load_once(self, "_embedding", load_word_embedding, self.embedding)

    def check(self, candidate: AttackedText) -> bool:
        space = self._space()
        for i in candidate.modified_indices:
            cos = space.cosine(candidate.base_words[i].lower(), candidate.words[i].lower())
            if cos is not None and cos < self.min_cos:
                return False
        return True
