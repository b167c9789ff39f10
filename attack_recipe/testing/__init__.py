"""Tiny deterministic victims and data for our tests and for plugin authors' tests."""

from .data import SENTIMENT_EXAMPLES
from .victims import BagOfEmbeddingsVictim, KeywordSentimentVictim, keyword_sentiment_victim

__all__ = ["SENTIMENT_EXAMPLES", "BagOfEmbeddingsVictim", "KeywordSentimentVictim", "keyword_sentiment_victim"]
