"""Constraints on hand-made candidates, with stub models where a real one is not the point."""

import numpy as np
import pytest

from attack_recipe.core.text import AttackedText
from attack_recipe.constraints.edit_distance import LevenshteinDistance
from attack_recipe.constraints.embedding_cosine import WordEmbeddingCosine
from attack_recipe.constraints.part_of_speech import PartOfSpeech
from attack_recipe.constraints.sentence_similarity import SentenceSimilarity
from attack_recipe.constraints.stopwords import StopwordModification
from attack_recipe.errors import UsageError
from attack_recipe.resources.embeddings import WordEmbedding


class BagOfWordsEncoder:
    """Counts words: cosine = shared-word overlap. Records what it was asked to encode."""

    name = "bow"

    def __init__(self):
        self.seen = []

    def encode(self, texts):
        self.seen.extend(texts)
        vocab = sorted({w for t in texts for w in t.lower().split()})
        m = np.array([[t.lower().split().count(w) for w in vocab] for t in texts], dtype=float)
        return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_similarity_previous_vs_original():
    enc = BagOfWordsEncoder()
    text = AttackedText("a b c d e f g h")
    one = text.replace_word(0, "x")
    two = one.replace_word(1, "y")
    prev = SentenceSimilarity(threshold=0.8, metric="cosine", window_size=None, encoder=enc,
                              compare_against="previous")
    orig = SentenceSimilarity(threshold=0.8, metric="cosine", window_size=None, encoder=enc,
                              compare_against="original")
    # each step changes 1 of 8 words (cos 7/8); two steps change 2 (cos 6/8)
    assert prev.similarities([two]) == pytest.approx([7 / 8])
    assert orig.similarities([two]) == pytest.approx([6 / 8])
    assert prev.check(two) and not orig.check(two)


def test_similarity_windows_and_state_record():
    enc = BagOfWordsEncoder()
    words = " ".join(f"w{i}" for i in range(30))
    cand = AttackedText(words).replace_word(20, "zz")
    c = SentenceSimilarity(threshold=0.5, metric="angular", window_size=5, encoder=enc)
    sims = c.similarities([cand])
    assert "w18 w19 zz w21 w22" in enc.seen and "w18 w19 w20 w21 w22" in enc.seen
    assert sims[0] == pytest.approx(1 - np.arccos(4 / 5) / np.pi)

    class State:
        similarity = {}

    kept = c.filter([cand], State)
    assert kept == [cand] and State.similarity[cand.text] == pytest.approx(sims[0])
    with pytest.raises(UsageError, match="compare_against"):
        SentenceSimilarity(compare_against="next")


def test_word_embedding_cosine():
    space = WordEmbedding(["good", "fine", "bad"], np.array([[1, 0], [0.9, 0.1], [0, 1]], dtype=np.float32))
    c = WordEmbeddingCosine(min_cos=0.5, embedding=space)
    base = AttackedText("a good day")
    assert c.check(base.replace_word(1, "fine"))
    assert not c.check(base.replace_word(1, "bad"))
    assert c.check(base.replace_word(1, "unknownword"))  # cannot judge: passes, as in TextAttack


def test_part_of_speech_uses_wordnet():
    c = PartOfSpeech()
    base = AttackedText("a terrible film")
    assert c.check(base.replace_word(1, "awful"))
    assert not c.check(base.replace_word(1, "quickly"))  # adjective -> adverb only
    assert c.check(base.replace_word(2, "run"))  # noun -> noun/verb allowed


def test_levenshtein_and_stopwords():
    base = AttackedText("hello world")
    assert LevenshteinDistance(2).check(base.replace_word(0, "helol"))
    assert not LevenshteinDistance(1).check(base.replace_word(0, "helol"))
    assert StopwordModification(["the"]).modifiable(AttackedText("The cat")) == {1}
