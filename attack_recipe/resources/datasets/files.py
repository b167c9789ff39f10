"""Local dataset files: ``.csv`` / ``.tsv`` / ``.jsonl`` / ``.json`` (JSON lines or a list of objects).

Read with the standard library (csv / json) rather than the ``datasets`` library: the data are
small, and it saves importing pandas + datasets (~0.7 s) on every CLI run. Errors name the file,
the line and what was expected.
"""

from __future__ import annotations

import csv
import json
import pathlib
from typing import Any

from ...errors import DatasetError
from .columns import rows_to_dataset
from .examples import LoadedDataset

LOCAL_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json")


def _read_delimited(path: pathlib.Path, delimiter: str) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=delimiter)
            rows = list(reader)
            columns = list(reader.fieldnames or [])
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 text ({exc}); re-save it as UTF-8") from None
    except csv.Error as exc:
        raise DatasetError(f"{path}: cannot parse as {'TSV' if delimiter == chr(9) else 'CSV'}: {exc}") from None
    if not columns:
        raise DatasetError(f"{path}: empty file; expected a header row with a text and a label column")
    return rows, columns


def _read_json(path: pathlib.Path) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 text ({exc})") from None
    rows: list[dict[str, Any]] = []
    stripped = content.lstrip()
    if path.suffix == ".json" and stripped.startswith("["):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        for i, item in enumerate(data):
            if not isinstance(item, dict):
                raise DatasetError(f"{path}: item {i} is a {type(item).__name__}, expected an object "
                                   "with a text and a label field")
            rows.append(item)
    else:  # JSON lines (also accepted under .json)
        for lineno, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}, line {lineno}: invalid JSON ({exc.msg}, column {exc.colno}); "
                                   "expected one JSON object per line") from None
            if not isinstance(item, dict):
                raise DatasetError(f"{path}, line {lineno}: a {type(item).__name__}, expected a JSON object "
                                   "with a text and a label field")
            rows.append(item)
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    if not rows:
        raise DatasetError(f"{path}: no records; expected JSON objects with a text and a label field")
    return rows, list(columns)


def load_local(path: pathlib.Path, split: str | None, text_column: str | None,
                label_column: str | None) -> LoadedDataset:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, columns = _read_delimited(path, ",")
    elif suffix == ".tsv":
        rows, columns = _read_delimited(path, "\t")
    elif suffix in (".jsonl", ".json"):
        rows, columns = _read_json(path)
    else:
        raise DatasetError(f"{path}: unsupported file type {suffix!r}; expected one of {', '.join(LOCAL_SUFFIXES)}")
    return rows_to_dataset(path.stem, split or "all", rows, columns, text_column, label_column, str(path))
