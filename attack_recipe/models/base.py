"""The victim contract: texts in, a probability table out.

Every wrapper subclasses :class:`Victim` and writes one hook, ``_predict``. The final ``__call__``
validates what the hook returns (shape, NaN, rows summing to one) so that a faulty model is reported
with the reason instead of silently corrupting an attack. White-box victims also implement
:class:`GradientVictim` (``word_gradients`` and ``word_vocabulary``) so gradient-based ranking and
swaps can use them.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Protocol, Sequence, runtime_checkable

from ..errors import VictimError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


class Victim(abc.ABC):
    """A classifier under attack. ``labels`` names the classes in output-column order."""

    #: Names of the output classes, in column order of the probability table.
    labels: tuple[str, ...]
    #: How many texts to send per forward pass.
    batch_size: int = 32

    @abc.abstractmethod
    def _predict(self, texts: Sequence[str]):
        """Return an array-like of shape (len(texts), len(self.labels)) with class probabilities."""

    @property
    def num_labels(self) -> int:
        return len(self.labels)

    @property
    def name(self) -> str:
        return type(self).__name__

    def __call__(self, texts: Sequence[str]):
        """Probabilities for ``texts`` as a float64 numpy array; raises :class:`VictimError` if invalid."""
        import numpy as np

        texts = list(texts)
        if not texts:
            return np.zeros((0, self.num_labels))
        try:
            out = self._predict(texts)
        except VictimError:
            raise
        except (Exception, SystemExit) as exc:  # the model itself failed (even by sys.exit): say so, keep the cause
            raise VictimError(f"victim {self.name} raised {type(exc).__name__}: {exc}") from exc
        return validate_probabilities(out, len(texts), self.num_labels, self.name)

    def label_index(self, label: int | str) -> int:
        """Map a label (index or class name, case-insensitive) to a column index, or raise."""
        from ..errors import InputError

        if label is None or (isinstance(label, str) and not label.strip()):
            raise InputError(f"the label is missing (empty); the model's classes are {list(self.labels)}")
        if isinstance(label, str):
            lowered = [name.lower() for name in self.labels]
            if label.lower() in lowered:
                return lowered.index(label.lower())
            if label.strip().lstrip("-").isdigit():
                label = int(label)
            else:
                raise InputError(f"label {label!r} is not one of the model's classes {list(self.labels)}")
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < self.num_labels:
            raise InputError(
                f"label {label!r} is out of range: the model has {self.num_labels} classes {list(self.labels)}"
            )
        return label

    def __repr__(self) -> str:
        return f"{self.name}(labels={list(self.labels)})"


def validate_probabilities(out, n: int, k: int, name: str = "victim", atol: float = 1e-3):
    """Check a probability table; raise :class:`VictimError` saying exactly what is wrong."""
    import numpy as np

    try:
        arr = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise VictimError(f"{name} returned {type(out).__name__}, which is not a numeric array: {exc}") from exc
    if arr.shape != (n, k):
        raise VictimError(f"{name} returned shape {arr.shape}; expected ({n}, {k}) for {n} texts and {k} classes")
    if arr.size and not _plausible(arr, atol):
        sums = arr.sum(axis=1)
        if not np.all(np.isfinite(arr)):
            bad = int(np.argwhere(~np.isfinite(arr))[0][0])
            raise VictimError(f"{name} returned NaN or infinite probabilities (first at row {bad})")
        if np.any(arr < -atol) or np.any(arr > 1 + atol):
            raise VictimError(f"{name} returned values outside [0, 1]; expected probabilities, not logits")
        bad = int(np.argmax(np.abs(sums - 1.0)))
        raise VictimError(f"{name} returned rows that do not sum to 1 (row {bad} sums to {sums[bad]:.4f})")
    return arr


def _plausible(arr, atol: float) -> bool:
    """True when every value lies in [-atol, 1 + atol] and every row sums to 1 within ``atol``.

    This runs on every victim call, and a search's calls are mostly a handful of texts: for a small
    table, Python floats (one ``tolist``) cost half as much as three numpy reductions. NaN fails: a NaN or
    infinite value makes its row's sum fail the comparison, whatever ``min``/``max`` made of it.
    """
    if arr.size <= _SMALL_TABLE:
        rows = arr.tolist()
        return (min(map(min, rows)) >= -atol and max(map(max, rows)) <= 1 + atol
                and all(abs(sum(row) - 1.0) <= atol for row in rows))
    import numpy as np

    # three reductions (no np.allclose); NaN fails every comparison
    return bool(arr.min() >= -atol and arr.max() <= 1 + atol and np.abs(arr.sum(axis=1) - 1.0).max() <= atol)


#: up to this many probabilities, :func:`_plausible` checks in Python rather than numpy
_SMALL_TABLE = 32  # measured: 3 µs against 6 µs for 4 texts x 3 classes, even at 10-12 texts


def softmax(logits) -> "np.ndarray":
    """Row-wise softmax in float64, stable for large logits (victims that compute logits use it).

    Anything but a 2-d table comes back unchanged (as an array), so that validation reports its shape.
    """
    import numpy as np

    arr = np.asarray(logits, dtype=np.float64)
    if arr.ndim != 2:
        return arr
    arr = arr - arr.max(axis=1, keepdims=True)
    exp = np.exp(arr)
    return exp / exp.sum(axis=1, keepdims=True)


@runtime_checkable
class GradientVictim(Protocol):
    """A white-box victim: exposes loss gradients with respect to its input word embeddings."""

    def word_gradients(self, words: Sequence[str], label: int):
        """Gradient of the loss for ``label`` w.r.t. each word's input embedding.

        Returns an array of shape (len(words), embedding_dim); sub-word token gradients of a word are
        summed. Words the tokenizer drops get a zero row.
        """
        ...

    def word_vocabulary(self):
        """``(words, vectors)``: the whole words the model reads as one input token, and their rows.

        ``words`` is a tuple of lower-case alphabetic words; ``vectors`` a float array of shape
        (len(words), embedding_dim) in the same space as :meth:`word_gradients`. Gradient swaps
        (HotFlip) pick replacements from it by the first-order estimate ``(e_w - e_i) . grad_i``.
        Computed once and cached by the victim; callers must not modify it.
        """
        ...
