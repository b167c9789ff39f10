"""From rows of a table (file or hub) to examples: which columns hold the text and the label, and
what a label is.

Labels may be integers (class indices) or strings (class names the victim maps); with string labels
``label_names`` is the sorted set of names. A row whose text is missing, empty or not a string is
kept as a bad row (below): the harness reports it per example with its line, so a user sees which
row was bad instead of silently attacking fewer examples.

The same holds for a row that cannot be read at all (a malformed JSON line, an invalid UTF-8 byte, a
text that is a JSON object): it becomes an :class:`Example` with ``problem`` set, at its position,
and a warning says how many rows were bad. Only when *no* row can be read is the file refused.

Ids: a file's ``id`` column (or ``id_column=``) gives each row its id; ids must be unique (a
:class:`DatasetError` names the duplicate and both rows). Without an id column, and for a row whose
id cannot be read, the id is the position, ``<name>-<split>-00017``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from ...errors import DatasetError
from .examples import Example, LoadedDataset

logger = logging.getLogger(__name__)

TEXT_COLUMNS = ("text", "sentence", "review", "content", "document")
LABEL_COLUMNS = ("label", "labels", "sentiment", "rating", "class", "target")


ID_COLUMN = "id"

_INT_RE = re.compile(r"^[+-]?\d+$")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class RawRow:
    """One record as a reader found it: where it starts ("line 7", "item 3"), its values, or its problem."""

    where: str
    values: Mapping[str, Any]
    problem: str | None = None


def undecodable(text: str, line: int | None = None) -> str | None:
    """What is wrong with ``text`` decoded with ``errors="surrogateescape"``, or None if it is clean.

    "invalid UTF-8 byte 0xff at column 12" (1-based, in characters; "at line 9, column 12" with
    ``line``); a surrogate outside the escape range (a JSON ``\\ud800`` escape) is "a lone surrogate".
    """
    match = _SURROGATE.search(text)
    if match is None:
        return None
    code = ord(match.group())
    at = f"at {'' if line is None else f'line {line}, '}column {match.start() + 1}"
    if 0xDC80 <= code <= 0xDCFF:
        return f"invalid UTF-8 byte 0x{code - 0xDC00:02x} {at}"
    return f"a lone surrogate U+{code:04X} {at}, not text"


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


def rows_to_dataset(name: str, split: str, rows: Iterable[RawRow | Mapping[str, Any]], columns: Sequence[str],
                     text_column: str | None, label_column: str | None, source: str,
                     label_names: tuple[str, ...] | None = None, id_column: str | None = None) -> LoadedDataset:
    """Examples from ``rows`` (plain mappings, or :class:`RawRow` s from a file reader).

    Raises :class:`DatasetError` when the columns are missing, an id repeats, or no row is readable.
    """
    rows = [r if isinstance(r, RawRow) else RawRow(f"row {i + 1}", r) for i, r in enumerate(rows)]
    unread = [f"{r.where}: {r.problem}" for r in rows if r.problem is not None]
    if rows and len(unread) == len(rows):  # before the columns: a file of bad lines has none
        raise _none_readable(source, unread)
    tcol = pick_column(columns, text_column, TEXT_COLUMNS, "text", source)
    lcol = pick_column(columns, label_column, LABEL_COLUMNS, "label", source)
    icol = id_column_of(columns, id_column, source)
    fields: list[tuple[str, str, int | str, str | None]] = []  # (id, text, label, problem) per row
    seen: dict[str, str] = {}
    for i, row in enumerate(rows):
        text, label, row_id, problem = ("", "", None, row.problem) if row.problem is not None else \
            _read_row(row.values, tcol, lcol, icol)
        row_id = f"{name}-{split}-{i:05d}" if row_id is None else row_id
        if row_id in seen:
            raise DatasetError(f"{source}: duplicate id {row_id!r} at {seen[row_id]} and {row.where}; "
                               "ids must be unique (results are matched to examples by id)")
        seen[row_id] = row.where
        fields.append((row_id, text, label, None if problem is None else f"{row.where}: {problem}"))
    problems = [f[3] for f in fields if f[3] is not None]
    if rows and len(problems) == len(rows):
        raise _none_readable(source, problems)
    if problems:
        logger.warning("%s: %d of %d rows cannot be read and are recorded as errors, the others are attacked "
                       "(first: %s)%s", source, len(problems), len(rows), problems[0], _encoding_hint(problems))
    labels, names = _finish_labels([f[2] for f in fields])
    examples = tuple(Example(row_id, text, label, problem)
                     for (row_id, text, _, problem), label in zip(fields, labels))
    return LoadedDataset(name, split, examples, label_names if label_names is not None else names)


def _none_readable(source: str, problems: Sequence[str]) -> DatasetError:
    return DatasetError(f"{source}: none of its {len(problems)} rows could be read (first: {problems[0]})"
                        f"{_encoding_hint(problems)}")


def id_column_of(columns: Sequence[str], wanted: str | None, source: str) -> str | None:
    """The column holding row ids: ``wanted`` (which must exist), else ``id`` in any letter case, else None."""
    if wanted is not None:
        return pick_column(columns, wanted, (), "id", source)
    return next((c for c in columns if str(c).lower() == ID_COLUMN), None)


def _read_row(values: Mapping[str, Any], tcol: str, lcol: str, icol: str | None):
    """``(text, label, id, problem)`` of one row; ``problem`` names the first field that cannot be used."""
    text = values.get(tcol)
    label = values.get(lcol)
    row_id = values.get(icol) if icol is not None else None
    for role, column, value in (("text", tcol, text), ("label", lcol, label), ("id", icol, row_id)):
        if isinstance(value, (dict, list)):
            return "", "", None, f"{role} ({column!r}) is a JSON {'object' if isinstance(value, dict) else 'list'}, " \
                                 "expected a string or a number"
        if isinstance(value, str) and (bad := undecodable(value)):
            return "", "", None, f"{role} ({column!r}) holds {bad}"
    if icol is not None:
        row_id = "" if row_id is None else str(row_id).strip()
        if not row_id:
            return "", "", None, f"no id in column {icol!r}"
    if text is None:  # a bad text keeps the row's own id: the error result is found by it
        return "", "", row_id, f"no text (no field {tcol!r})"
    if not isinstance(text, str):  # JSON gave a number or a boolean: "5" was not written as a text
        return "", "", row_id, f"text ({tcol!r}) is the JSON {type(text).__name__} {text!r:.40}, expected a string"
    if not text.strip():
        return text, "", row_id, f"text ({tcol!r}) is empty"
    return text, _normalise_label(label), row_id, None


def _encoding_hint(problems: Sequence[str]) -> str:
    if any("invalid UTF-8" in p for p in problems):
        return "; if the file is not UTF-8, re-save it as UTF-8"
    return ""
