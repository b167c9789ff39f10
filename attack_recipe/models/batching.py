"""How texts are split into forward passes: one size check and one slicer for every victim path.

Every wrapper sends at most ``batch_size`` texts per call to its model, and the run state sends a
victim at most its ``batch_size`` new texts per call (so the victim timer sees one forward pass per
batch); both use :func:`batches`, and every wrapper validates its ``batch_size`` with
:func:`check_batch_size`.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence, TypeVar

from ..errors import UsageError

T = TypeVar("T")


def check_batch_size(batch_size: Any) -> int:
    """``batch_size`` if it is an integer >= 1 (bools are not), else a :class:`UsageError`."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise UsageError(f"expected batch_size >= 1, got {batch_size!r}")
    return batch_size


def batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of ``items`` of ``size`` (the last one shorter), in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
