"""JSON-lines files of adversarial examples: what harden writes per round, what the studio saves,
what ``harden --extra-adversarial`` and ``augment`` read.

One object per line with at least ``text`` (the adversarial text) and ``label`` (a class name, or a
class index); ``original`` (the text it came from) and the rest (``recipe``, ``seconds``, ``history``,
``judgement``, ...) are kept as they are. Reading names the file and line of anything unusable.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from ..errors import AttackRecipeError, UsageError


def write_jsonl(path: str | os.PathLike, records: Iterable[dict[str, Any]]) -> Path:
    """Write all records at once, atomically (temp file + rename), one JSON object per line."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_jsonl(path: str | os.PathLike, *, what: str = "file") -> list[dict[str, Any]]:
    """Every object of a JSON-lines file; blank lines are skipped, anything else unreadable is an error."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UsageError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{what} {path} cannot be read: {exc}") from None
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{what} {path}, line {number}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise UsageError(f"{what} {path}, line {number}: expected a JSON object, got {type(record).__name__}")
        record["_line"] = number
        out.append(record)
    return out


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
