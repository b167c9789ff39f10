"""Local dataset files: ``.csv`` / ``.tsv`` / ``.jsonl`` / ``.json`` (JSON lines or a list of objects).

Read with the standard library (csv / json) rather than the ``datasets`` library: the data are
small, and it saves importing pandas + datasets (~0.7 s) on every CLI run.

One bad row costs that row, not the file: a JSON line that does not parse, a line with an invalid
UTF-8 byte, a CSV record the parser rejects become rows with a ``problem`` ("line 7: not valid JSON:
...", "line 9: invalid UTF-8 byte 0xff at column 12"), which the harness records as errors while the
other rows are attacked (see :mod:`.columns`). The file is refused as a whole only when its shape is
wrong: no header, no text or label column, a ``.json`` list that does not parse, no readable row.

Bytes are decoded with ``errors="surrogateescape"``, so an invalid byte survives decoding as one
marker character and the reader can say on which line and column it sits. Lines are split on
``\\n`` / ``\\r\\n`` / ``\\r`` only (JSON lines on ``\\n``), never on the other characters
``str.splitlines`` treats as line ends (U+2028, U+0085, \\x1c, ...), which may sit inside a text.
"""

from __future__ import annotations

import csv
import io
import json
import pathlib
from typing import Any

from ...errors import DatasetError
from .columns import RawRow, rows_to_dataset, undecodable
from .examples import LoadedDataset

LOCAL_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json")


def _decode(path: pathlib.Path) -> str:
    """The file as text; an invalid UTF-8 byte becomes a marker :func:`undecodable` finds. A BOM is dropped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    text = data.decode("utf-8", errors="surrogateescape")
    return text[1:] if text.startswith("\ufeff") else text


def _bad_lines(lines: list[str], first: int, last: int) -> str | None:
    """The first invalid byte on physical lines ``first..last`` (1-based) of a record starting on ``first``."""
    for number in range(first, min(last, len(lines)) + 1):
        problem = undecodable(lines[number - 1], line=None if number == first else number)
        if problem:
            return problem
    return None


def _read_delimited(path: pathlib.Path, delimiter: str) -> tuple[list[RawRow], list[str]]:
    kind = "TSV" if delimiter == "\t" else "CSV"
    # newline="": the same line ends the csv module recognises, so line numbers agree with it
    lines = io.StringIO(_decode(path), newline="").readlines()
    reader = csv.reader(iter(lines), delimiter=delimiter)
    columns: list[str] | None = None
    rows: list[RawRow] = []
    ended = 0  # the physical line the previous record ended on
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field over the csv module's size limit; the reader goes on after it
            if columns is None:
                raise DatasetError(f"{path}: cannot parse the header as {kind}: {exc}") from None
            rows.append(RawRow(f"line {ended + 1}", {}, f"cannot parse as {kind}: {exc}"))
            ended = reader.line_num
            continue
        start, ended = ended + 1, reader.line_num
        if not record:  # a blank line
            continue
        where = f"line {start}"
        bad = _bad_lines(lines, start, ended)
        if columns is None:
            if bad:
                raise DatasetError(f"{path}: the header ({where}) holds an {bad}; re-save the file as UTF-8")
            columns = record
            continue
        rows.append(RawRow(where, {}, bad) if bad else RawRow(where, dict(zip(columns, record))))
    if not columns:
        raise DatasetError(f"{path}: empty file; expected a header row with a text and a label column")
    return rows, columns


def _read_json(path: pathlib.Path) -> tuple[list[RawRow], list[str]]:
    content = _decode(path)
    if path.suffix.lower() == ".json" and content.lstrip().startswith("["):
        rows = _json_list(path, content)
    else:  # JSON lines (also accepted under .json)
        rows = []
        for lineno, line in enumerate(content.split("\n"), start=1):
            if not line.strip():
                continue
            rows.append(_json_line(f"line {lineno}", line))
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row.values))
    if not rows:
        raise DatasetError(f"{path}: no records; expected JSON objects with a text and a label field")
    return rows, list(columns)


def _json_line(where: str, line: str) -> RawRow:
    bad = undecodable(line)
    if bad:
        return RawRow(where, {}, bad)
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return RawRow(where, {}, f"not valid JSON: {exc.msg} (column {exc.colno}); expected one JSON object per line")
    except (ValueError, RecursionError) as exc:  # e.g. an integer of 5,000 digits, or nesting 10,000 deep
        return RawRow(where, {}, f"not valid JSON: {type(exc).__name__}: {str(exc)[:120]}")
    return _object(where, item)


def _json_list(path: pathlib.Path, content: str) -> list[RawRow]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise DatasetError(f"{path}: invalid JSON: {type(exc).__name__}: {str(exc)[:120]}") from None
    if not isinstance(data, list):  # "[1] [2]" is caught above; this is for safety
        raise DatasetError(f"{path}: expected a JSON list of objects")
    return [_object(f"item {i}", item) for i, item in enumerate(data)]


def _object(where: str, item: Any) -> RawRow:
    if not isinstance(item, dict):
        return RawRow(where, {}, f"a JSON {_json_type(item)}, expected an object with a text and a label field")
    return RawRow(where, item)


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def load_local(path: pathlib.Path, split: str | None, text_column: str | None,
                label_column: str | None, id_column: str | None = None) -> LoadedDataset:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, columns = _read_delimited(path, ",")
    elif suffix == ".tsv":
        rows, columns = _read_delimited(path, "\t")
    elif suffix in (".jsonl", ".json"):
        rows, columns = _read_json(path)
    else:
        raise DatasetError(f"{path}: unsupported file type {suffix!r}; expected one of {', '.join(LOCAL_SUFFIXES)}")
    return rows_to_dataset(path.stem, split or "all", rows, columns, text_column, label_column, str(path),
                           id_column=id_column)
