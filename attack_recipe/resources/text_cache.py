"""A bounded, thread-safe cache of per-text model outputs (least recently used dropped first).

Why one class: the sentence encoder, the causal LM and the independent encoder are each asked about
the same texts many times within one example — the original with every candidate, a candidate the
judge scored and the validity scorer measures again, a one-swap text that is the candidate itself —
and each should run its model on a text once. Owners clear it between examples (``clear``), so a
value never comes from another example's batch (a batch of other texts can move a model's output in
the last float bits, which would make results depend on example order and break resume).
"""

from __future__ import annotations

import collections
import threading
from typing import Any, Callable, Generic, Iterable, Sequence, TypeVar

V = TypeVar("V")


class TextCache(Generic[V]):
    """text -> value, at most ``size`` texts; :meth:`compute` runs a model only on the texts it lacks."""

    def __init__(self, size: int):
        if size < 0:
            raise ValueError(f"cache size must be >= 0, got {size}")
        self.size = size
        self._items: collections.OrderedDict[str, V] = collections.OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, text: object) -> bool:
        return text in self._items

    def compute(self, texts: Sequence[str], run: Callable[[list[str]], Iterable[V]]) -> list[V]:
        """The value of each of ``texts``, in order: cached ones as they are, the others (each once,
        in first-seen order) from one call ``run(missing)``, which must return one value per text."""
        found: dict[str, Any] = {}
        with self._lock:
            for text in texts:
                if text not in found and text in self._items:
                    self._items.move_to_end(text)
                    found[text] = self._items[text]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = list(run(missing))
            if len(fresh) != len(missing):
                raise ValueError(f"the model returned {len(fresh)} values for {len(missing)} texts")
            found.update(zip(missing, fresh))
            self.put(zip(missing, fresh))
        return [found[t] for t in texts]

    def put(self, items: Iterable[tuple[str, V]]) -> None:
        if self.size == 0:
            return
        with self._lock:
            for text, value in items:
                self._items[text] = value
                self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def clear_model_caches(*models: object) -> None:
    """``clear_cache()`` on each of ``models`` that has one (None, a model not loaded yet, is skipped)."""
    for model in models:
        clear = getattr(model, "clear_cache", None)
        if callable(clear):
            clear()
