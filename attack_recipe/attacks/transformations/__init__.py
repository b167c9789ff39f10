"""Transformations propose candidate texts: word swaps (embedding, WordNet) and character edits."""
