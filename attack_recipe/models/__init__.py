"""Victim wrappers (Hugging Face, sentence-transformers + head, sklearn, callables) and built-in victims."""
