"""JSON-lines files of adversarial examples: what harden writes per round, what the studio saves,
what ``harden --extra-adversarial`` and ``augment`` read.

One object per line with at least ``text`` (the adversarial text) and ``label`` (a class name, or a
class index); ``original`` (the text it came from) and the rest (``recipe``, ``seconds``, ``history``,
``judgement``, ...) are kept as they are. Reading names the file and line of anything unusable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from ..errors import AttackRecipeError, UsageError


def write_jsonl(path: str | os.PathLike, records: Iterable[dict[str, Any]]) -> Path:
    """Write all records at once, atomically, one JSON object per line."""
    from ..evaluation.records import write_json_lines

    return write_json_lines(path, records)


def read_jsonl(path: str | os.PathLike, *, what: str = "file") -> list[dict[str, Any]]:
    """Every object of a JSON-lines file, each with its line number under ``_line``; blank lines are
    skipped, anything else unreadable is a :class:`UsageError` naming ``what``, the file and the line."""
    from ..evaluation.records import read_json_lines

    try:
        rows = read_json_lines(path)
    except FileNotFoundError:
        raise UsageError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{what} {path} cannot be read: {exc}") from None
    except UsageError as exc:
        raise UsageError(f"{what} {exc}") from None
    return [{**row, "_line": lineno} for lineno, row in rows]


def read_adversarial(path: str | os.PathLike, victim) -> list[dict[str, Any]]:
    """Adversarial examples for training ``victim``: ``text`` non-empty, ``label`` one of its classes.

    Each record gets ``label_index`` (the victim's column); the label itself is kept as written.
    """
    out = []
    for record in read_jsonl(path, what="adversarial-examples file"):
        where = f"adversarial-examples file {path}, line {record['_line']}"
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise UsageError(f"{where}: 'text' must be a non-empty string, got {text!r}")
        try:
            record["label_index"] = victim.label_index(record.get("label"))
        except AttackRecipeError as exc:
            raise UsageError(f"{where}: {exc}") from None
        out.append(record)
    if not out:
        raise UsageError(f"adversarial-examples file {path} holds no examples")
    return out
