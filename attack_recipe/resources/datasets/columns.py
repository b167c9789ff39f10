"""From rows of a table (file or hub) to examples: which columns hold the text and the label, and
what a label is.

Labels may be integers (class indices) or strings (class names the victim maps); with string labels
``label_names`` is the sorted set of names. A row whose text is empty is kept: the harness reports
it per example, so a user sees which row was bad instead of silently attacking fewer examples.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from ...errors import DatasetError
from .examples import Example, LoadedDataset

TEXT_COLUMNS = ("text", "sentence", "review", "content", "document")
LABEL_COLUMNS = ("label", "labels", "sentiment", "rating", "class", "target")


_INT_RE = re.compile(r"^[+-]?\d+$")


def _normalise_label(value: Any) -> int | str:
    """int for class indices (ints, integral floats, digit strings, bools), str for class names."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value:  # NaN: a missing label
            return ""
        return int(value) if value.is_integer() else str(value)
    text = str(value).strip()
    return int(text) if _INT_RE.match(text) else text


def _finish_labels(labels: list[int | str]) -> tuple[list[int | str], tuple[str, ...] | None]:
    """If any label is a name, all become names; class names are the sorted distinct non-empty ones."""
    if any(isinstance(v, str) and v != "" for v in labels):
        labels = [v if isinstance(v, str) else str(v) for v in labels]
        return labels, tuple(sorted({v for v in labels if v != ""}))
    return labels, None


def pick_column(columns: Sequence[str], wanted: str | None, candidates: Sequence[str], role: str,
                 source: str) -> str:
    if wanted is not None:
        if wanted in columns:
            return wanted
        raise DatasetError(
            f"{source}: no {role} column {wanted!r}; columns present: {', '.join(map(repr, columns)) or '(none)'}"
        )
    lowered = {c.lower(): c for c in reversed(list(columns))}
    for cand in candidates:
        if cand in columns:
            return cand
        if cand in lowered:
            return lowered[cand]
    raise DatasetError(
        f"{source}: found no {role} column; expected one of {', '.join(map(repr, candidates))} "
        f"(or pass --{role}-column / {role}_column=); columns present: "
        f"{', '.join(map(repr, columns)) or '(none)'}"
    )


def rows_to_dataset(name: str, split: str, rows: Iterable[dict[str, Any]], columns: Sequence[str],
                     text_column: str | None, label_column: str | None, source: str,
                     label_names: tuple[str, ...] | None = None) -> LoadedDataset:
    tcol = pick_column(columns, text_column, TEXT_COLUMNS, "text", source)
    lcol = pick_column(columns, label_column, LABEL_COLUMNS, "label", source)
    texts: list[str] = []
    labels: list[int | str] = []
    for row in rows:
        text = row.get(tcol)
        texts.append("" if text is None else str(text))
        labels.append(_normalise_label(row.get(lcol)))
    labels, names = _finish_labels(labels)
    examples = tuple(Example(f"{name}-{split}-{i:05d}", t, l) for i, (t, l) in enumerate(zip(texts, labels)))
    return LoadedDataset(name, split, examples, label_names if label_names is not None else names)
