"""Tiny deterministic victims for tests, examples and plugin authors' test suites.

They need only numpy, answer thousands of texts per second and always give the same output for the
same text, so an attack on them is fast and reproducible. They are real classifiers in the sense
that matters here: they can be fooled by synonyms and typos, and they can refuse to be.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from ..models.base import Victim

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")

#: Sentiment lexicon: word → weight (positive = positive sentiment). Deliberately small and literal:
#: synonyms outside it ("superb", "dreadful") carry no weight, which is exactly what attacks exploit.
SENTIMENT_LEXICON: Mapping[str, float] = {
    "good": 1.5, "great": 2.0, "excellent": 2.5, "love": 2.0, "loved": 2.0, "happy": 1.5,
    "nice": 1.2, "best": 1.8, "wonderful": 2.2, "fun": 1.2, "amazing": 2.2, "enjoy": 1.4,
    "enjoyed": 1.4, "beautiful": 1.6, "awesome": 2.0, "glad": 1.3, "fine": 0.6, "like": 0.8,
    "bad": -1.5, "terrible": -2.2, "awful": -2.2, "hate": -2.0, "hated": -2.0, "sad": -1.5,
    "worst": -2.2, "boring": -1.6, "poor": -1.4, "horrible": -2.2, "angry": -1.6, "sick": -1.2,
    "ugly": -1.5, "annoying": -1.5, "disappointing": -1.8, "broken": -1.0, "wrong": -1.2,
    "not": -0.4, "never": -0.5,
}


class KeywordSentimentVictim(Victim):
    """Logistic score over a fixed lexicon: P(positive) = sigmoid(bias + scale * sum of word weights)."""

    def __init__(self, lexicon: Mapping[str, float] = SENTIMENT_LEXICON, bias: float = 0.0,
                 scale: float = 1.0, batch_size: int = 64, max_words: int | None = None):
        self.lexicon = dict(lexicon)
        self.max_words = max_words  # read only the first words, like a model deployed with a short max length
        self.bias = bias
        self.scale = scale
        self.batch_size = batch_size
        self.labels = ("negative", "positive")
        self.calls = 0  # number of batches seen, for tests of batching and caching

    def logit(self, text: str) -> float:
        tokens = _TOKEN.findall(text.lower())[: self.max_words]
        return self.bias + self.scale * sum(self.lexicon.get(t, 0.0) for t in tokens)

    def _predict(self, texts: Sequence[str]):
        import numpy as np

        self.calls += 1
        z = np.array([self.logit(t) for t in texts], dtype=np.float64)
        p = 1.0 / (1.0 + np.exp(-z))
        return np.stack([1.0 - p, p], axis=1)

    @property
    def name(self) -> str:
        return "toy-sentiment"


def keyword_sentiment_victim() -> KeywordSentimentVictim:
    """Toy keyword-lexicon sentiment classifier (numpy only, deterministic) for tests and examples."""
    return KeywordSentimentVictim()


def truncated_keyword_sentiment_victim() -> KeywordSentimentVictim:
    """The toy keyword victim reading only its first 5 words: the same classifier made easier to break."""
    return KeywordSentimentVictim(max_words=5)


class SlowKeywordSentimentVictim(KeywordSentimentVictim):
    """The keyword victim with a fixed delay per batch: a run long enough to interrupt in tests."""

    def __init__(self, delay: float = 0.005, **kwargs):
        super().__init__(**kwargs)
        self.delay = delay

    def _predict(self, texts):
        import time

        time.sleep(self.delay)
        return super()._predict(texts)


def slow_keyword_sentiment_victim() -> SlowKeywordSentimentVictim:
    """Toy keyword victim that sleeps 5 ms per batch (for interruption and resume tests)."""
    return SlowKeywordSentimentVictim()


class DiesOnceVictim(KeywordSentimentVictim):
    """The keyword victim whose *process* dies (``os._exit``) the first time it is asked about a text
    containing ``trigger``; it leaves the file ``marker`` behind, and once that exists it answers like
    :class:`KeywordSentimentVictim`. For tests of a worker process or Ray actor that dies mid-example:
    the run must stop (locally) or restart the actor and retry (Ray), and its results must equal a run
    in which nothing died. It pickles, so it can be given to workers as a Victim object."""

    def __init__(self, marker: str, trigger: str = "terrible", **kwargs):
        super().__init__(**kwargs)
        self.marker = str(marker)
        self.trigger = trigger

    def _predict(self, texts):
        import os

        if not os.path.exists(self.marker) and any(self.trigger in t.lower() for t in texts):
            with open(self.marker, "w", encoding="utf-8") as fh:
                fh.write(f"died in process {os.getpid()}\n")
            os._exit(3)  # no cleanup, no exception: as a kill or an out-of-memory would end it
        return super()._predict(texts)


#: Words the bag-of-embeddings toy "knows" besides its lexicon: everyday words of the test sentences
#: and off-lexicon synonyms ("superb", "dreadful") that carry no sentiment for it — what a gradient
#: swap can exploit. Its :meth:`BagOfEmbeddingsVictim.word_vocabulary` is the union.
TOY_VOCABULARY: tuple[str, ...] = tuple(
    """the a movie film was were is it this i and so very ever what day am of such an app
    actors phone screen food service concert plot ending staff room purchase sequel design support
    waiting rude arrived have
    superb fantastic terrific marvelous splendid lovely pleasant decent okay delighted cheerful
    adore enjoyable mediocre dreadful lousy nasty unhappy miserable gloomy rotten damaged dull
    tedious frustrating irritating unpleasant despise dislike hideous inferior""".split()
)


class BagOfEmbeddingsVictim(Victim):
    """A white-box toy: mean of seeded random word vectors → linear layer → softmax.

    ``word_gradients`` is exact (analytic), so gradient-based components can be tested without torch.
    The lexicon words get vectors aligned with the class direction so the model has real opinions.
    Any word has a vector; ``word_vocabulary`` lists a fixed set of them (lexicon + ``vocabulary``), the
    whole-word vocabulary gradient swaps choose from.
    """

    def __init__(self, dim: int = 16, seed: int = 0, lexicon: Mapping[str, float] = SENTIMENT_LEXICON,
                 vocabulary: Sequence[str] = TOY_VOCABULARY):
        import numpy as np

        self.dim = dim
        self.seed = seed
        self.labels = ("negative", "positive")
        self.batch_size = 64
        rng = np.random.default_rng(seed)
        self._weights = np.zeros((2, dim))
        self._weights[1, 0] = 3.0
        self._weights[0, 0] = -3.0
        self._lexicon = dict(lexicon)
        self._vectors: dict[str, object] = {}
        self._rng_seed = seed
        self._vocabulary = tuple(dict.fromkeys([*self._lexicon, *(w.lower() for w in vocabulary)]))

    def vector(self, word: str):
        import numpy as np
        import zlib

        word = word.lower()
        if word not in self._vectors:
            rng = np.random.default_rng([self._rng_seed, zlib.crc32(word.encode())])
            v = rng.normal(0, 0.1, self.dim)
            v[0] = self._lexicon.get(word, 0.0)
            self._vectors[word] = v
        return self._vectors[word]

    def _probs(self, words: Sequence[str]):
        import numpy as np

        if not words:
            h = np.zeros(self.dim)
        else:
            h = np.mean([self.vector(w) for w in words], axis=0)
        z = self._weights @ h
        e = np.exp(z - z.max())
        return e / e.sum()

    def _predict(self, texts: Sequence[str]):
        import numpy as np

        return np.stack([self._probs(_TOKEN.findall(t.lower())) for t in texts])

    def word_gradients(self, words: Sequence[str], label: int):
        """d CE(label) / d vector(word) = W^T (p - onehot) / n for each word."""
        import numpy as np

        tokens = [w.lower() for w in words]
        p = self._probs(tokens)
        onehot = np.zeros(2)
        onehot[label] = 1.0
        g = self._weights.T @ (p - onehot) / max(1, len(tokens))
        return np.stack([g for _ in tokens]) if tokens else np.zeros((0, self.dim))

    def word_embeddings(self, words: Sequence[str]):
        """The vector the model uses for each word (any word has one)."""
        return [self.vector(w) for w in words]

    def word_vocabulary(self):
        """(words, vectors): lexicon plus ``vocabulary`` words, with the vectors the model uses."""
        import numpy as np

        return self._vocabulary, np.stack([self.vector(w) for w in self._vocabulary])

    @property
    def name(self) -> str:
        return "toy-bag-of-embeddings"
