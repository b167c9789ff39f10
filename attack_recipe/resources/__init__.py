"""Offline-first resolution of encoders, word vectors, WordNet, stopwords and datasets."""
