"""A frozen sentence encoder plus a fitted scikit-learn head (e.g. logistic regression) as a victim.

Texts are encoded in batches, L2-normalised (the same way at fit and predict time) and passed to the
head's ``predict_proba``. ``SentenceTransformerHeadVictim.fit`` trains a logistic head in one call.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import UsageError
from .base import Victim
from .batching import batches, check_batch_size
from .callable import fitted_classes

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)


def _load_encoder(encoder: Any, device: str | None) -> Any:
    """A ready encoder: objects with ``encode`` pass through; a name/path/None goes to resources."""
    if encoder is not None and not isinstance(encoder, str) and hasattr(encoder, "encode"):
        return encoder
    if encoder is not None and not isinstance(encoder, str):
        import os

        if isinstance(encoder, os.PathLike):
            encoder = os.fspath(encoder)
        else:
            raise UsageError(
                f"expected a sentence encoder (an object with .encode), a model name/path or None, got {type(encoder).__name__}"
            )
    from ..resources.encoder import load_sentence_encoder

    return load_sentence_encoder(encoder, device=device)


def _encoder_name(encoder: Any) -> str:
    for attr in ("name", "name_or_path", "model_name_or_path"):
        value = getattr(encoder, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(encoder).__name__


class SentenceTransformerHeadVictim(Victim):
    """Sentence embeddings from ``encoder`` classified by ``head.predict_proba``.

    Args:
        encoder: a ``SentenceTransformer``, any object with ``encode(list[str])``, a model name/path,
            or ``None`` for the packaged all-MiniLM-L6-v2 (resolved by ``attack_recipe.resources``).
        head: a fitted classifier with ``predict_proba`` and ``classes_``, trained on normalised embeddings.
        labels: class names in ``head.classes_`` order; default: ``label_names[c]`` when classes are the
            integers ``0..k-1`` and ``label_names`` is given, else ``str(c)``.
        batch_size: texts per encoder call.
        device: only used when the encoder is loaded here.
    """

    def __init__(
        self,
        encoder: Any,
        head: Any,
        *,
        labels: Sequence[str] | None = None,
        batch_size: int = 64,
        device: str | None = None,
        name: str | None = None,
    ):
        check_batch_size(batch_size)
        classes, labels = fitted_classes(head, labels, what=f"the head {type(head).__name__}")
        self.encoder = _load_encoder(encoder, device)
        self.head = head
        self.classes = classes
        self.labels = labels
        self.batch_size = batch_size
        self._name = name or f"{_encoder_name(self.encoder)}+{type(head).__name__}"

    @classmethod
    def fit(
        cls,
        encoder: Any,
        texts: Sequence[str],
        labels: Sequence[Any],
        *,
        label_names: Sequence[str] | None = None,
        C: float = 1.0,
        max_iter: int = 1000,
        class_weight: Any = None,
        seed: int = 0,
        batch_size: int = 64,
        device: str | None = None,
    ) -> "SentenceTransformerHeadVictim":
        """Encode ``texts`` and fit a ``LogisticRegression`` head on them (seeded)."""
        from sklearn.linear_model import LogisticRegression

        texts = list(texts)
        labels = list(labels)
        if len(texts) != len(labels) or not texts:
            raise UsageError(f"expected as many labels as texts (and at least one), got {len(texts)} texts, {len(labels)} labels")
        if len(set(labels)) < 2:
            raise UsageError(f"need examples of at least 2 classes to fit a head, got only {sorted(set(labels))}")
        enc = _load_encoder(encoder, device)
        x = _encode(enc, texts, batch_size)
        head = LogisticRegression(C=C, max_iter=max_iter, class_weight=class_weight, random_state=seed).fit(x, labels)
        names = None
        if label_names is not None:
            classes = [c.item() if hasattr(c, "item") else c for c in head.classes_]
            if all(isinstance(c, int) and 0 <= c < len(label_names) for c in classes):
                names = [label_names[int(c)] for c in classes]
            elif len(label_names) == len(classes):
                names = list(label_names)
            else:
                raise UsageError(f"expected label_names for classes {classes}, got {list(label_names)}")
        logger.debug("fitted a logistic head on %d texts, %d classes", len(texts), len(head.classes_))
        return cls(enc, head, labels=names, batch_size=batch_size)

    @property
    def name(self) -> str:
        return self._name

    def embed(self, texts: Sequence[str]) -> "np.ndarray":
        """Normalised sentence embeddings the head sees, shape (len(texts), dim)."""
        return _encode(self.encoder, list(texts), self.batch_size)

    def _predict(self, texts: Sequence[str]):
        return self.head.predict_proba(self.embed(texts))

    def __repr__(self) -> str:
        return f"SentenceTransformerHeadVictim(name={self._name!r}, labels={list(self.labels)}, batch_size={self.batch_size})"


def _encode(encoder: Any, texts: list[str], batch_size: int) -> "np.ndarray":
    import numpy as np

    chunks = []
    is_st = type(encoder).__name__ == "SentenceTransformer"
    for chunk in batches(texts, batch_size):
        if is_st:
            emb = encoder.encode(chunk, batch_size=len(chunk), convert_to_numpy=True, show_progress_bar=False)
        else:
            emb = encoder.encode(chunk)
        chunks.append(np.asarray(emb, dtype=np.float64))
    x = np.concatenate(chunks, axis=0) if chunks else np.zeros((0, 0))
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)
