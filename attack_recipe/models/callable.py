"""Black-box victims from plain callables and scikit-learn estimators.

``CallableVictim`` wraps any ``fn(list[str]) -> (n, k) array`` (probabilities, or logits with
``apply_softmax=True``); ``SklearnVictim`` wraps a fitted pipeline or classifier with ``predict_proba``.
Both send texts in chunks of ``batch_size``; the base class validates what comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Sequence

from ..errors import UsageError, VictimError
from .base import Victim, softmax
from .batching import batches, check_batch_size

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


def _stack(chunks: list[Any], name: str) -> "np.ndarray":
    import numpy as np

    try:
        arrays = [np.asarray(c, dtype=np.float64) for c in chunks]
    except (TypeError, ValueError) as exc:
        raise VictimError(f"{name} returned something that is not a numeric array: {exc}") from exc
    if len(arrays) == 1:
        return arrays[0]
    if any(a.ndim != 2 for a in arrays) or len({a.shape[1] for a in arrays}) != 1:
        shapes = sorted({a.shape for a in arrays})
        raise VictimError(f"{name} returned inconsistent shapes across batches: {shapes}")
    return np.concatenate(arrays, axis=0)


class CallableVictim(Victim):
    """Any function from a list of texts to an (n, k) probability (or logit) table.

    Args:
        fn: called with a ``list[str]`` of at most ``batch_size`` texts.
        labels: class names in output-column order (required: a function cannot tell us).
        apply_softmax: set when ``fn`` returns logits.
        batch_size: texts per call to ``fn``.
        name: shown in reprs and results; default ``fn.__name__``.
    """

    def __init__(
        self,
        fn: Callable[[list[str]], Any],
        labels: Sequence[str],
        *,
        apply_softmax: bool = False,
        batch_size: int = 64,
        name: str | None = None,
    ):
        if not callable(fn):
            raise UsageError(f"expected a callable list[str] -> probabilities, got {type(fn).__name__}")
        if labels is None or isinstance(labels, str) or len(labels) < 2:
            raise UsageError(f"expected at least 2 label names in output-column order, got {labels!r}")
        self.fn = fn
        self.labels = tuple(str(label) for label in labels)
        self.apply_softmax = bool(apply_softmax)
        self.batch_size = check_batch_size(batch_size)
        self._name = name or getattr(fn, "__name__", None) or type(fn).__name__

    @property
    def name(self) -> str:
        return self._name

    def _predict(self, texts: Sequence[str]):
        texts = list(texts)
        chunks = [self.fn(chunk) for chunk in batches(texts, self.batch_size)]
        out = _stack(chunks, self.name)
        return softmax(out) if self.apply_softmax else out

    def __repr__(self) -> str:
        return (
            f"CallableVictim(name={self._name!r}, labels={list(self.labels)}, "
            f"apply_softmax={self.apply_softmax}, batch_size={self.batch_size})"
        )


class SklearnVictim(Victim):
    """A fitted scikit-learn pipeline or classifier that takes raw texts and has ``predict_proba``.

    Args:
        estimator: e.g. ``make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, y)``.
        labels: class names in ``classes_`` order; default ``str(c) for c in estimator.classes_``.
        batch_size: texts per ``predict_proba`` call (vectorised, so large).
        name: default the estimator's class name (the last step's for a pipeline).
    """

    def __init__(self, estimator: Any, labels: Sequence[str] | None = None, *, batch_size: int = 1024, name: str | None = None):
        classes, labels = fitted_classes(estimator, labels, what=type(estimator).__name__)
        self.estimator = estimator
        self.classes = classes
        self.labels = labels
        self.batch_size = check_batch_size(batch_size)
        steps = getattr(estimator, "steps", None)
        self._name = name or (type(steps[-1][1]).__name__ if steps else type(estimator).__name__)

    @property
    def name(self) -> str:
        return self._name

    def _predict(self, texts: Sequence[str]):
        texts = list(texts)
        chunks = [self.estimator.predict_proba(chunk) for chunk in batches(texts, self.batch_size)]
        return _stack(chunks, self.name)

    def __repr__(self) -> str:
        return f"SklearnVictim(name={self._name!r}, labels={list(self.labels)}, batch_size={self.batch_size})"


def fitted_classes(estimator, labels=None, *, what: str = "the estimator") -> tuple[tuple, tuple[str, ...]]:
    """(classes_, label names) of a fitted sklearn-style classifier; clear errors if it cannot serve.

    ``labels`` (optional) renames the classes in ``classes_`` order.
    """
    if not hasattr(estimator, "predict_proba"):
        raise UsageError(
            f"{what} has no predict_proba; wrap it (e.g. CalibratedClassifierCV) "
            "or use CallableVictim with your own probability function"
        )
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        raise UsageError(f"{what} is not fitted (it has no classes_); call .fit(texts, labels) first")
    classes = [c.item() if hasattr(c, "item") else c for c in classes]
    if labels is None:
        labels = [str(c) for c in classes]
    elif isinstance(labels, str) or len(labels) != len(classes):
        raise UsageError(f"expected {len(classes)} label names for classes_ {classes}, got {labels!r}")
    return tuple(classes), tuple(str(label) for label in labels)
