"""Result files: ``results.jsonl`` (one :class:`AttackResult` per line) and ``summary.json``.

Each result line is flushed and fsynced as soon as it is written, so a run that is interrupted or
killed keeps every example it finished. A kill in the middle of a write can leave a truncated last
line; :func:`read_results` ignores it with a warning. A broken line anywhere else is an error that
names the file and the line number.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from ..attacks.results import AttackResult
from ..errors import AttackRecipeError

logger = logging.getLogger(__name__)


class ResultsFileError(AttackRecipeError):
    """A results file that cannot be read back (broken line, unsupported schema version)."""


class ResultsWriter:
    """Append results to a JSON-lines file, one durable line per result.

    ``overwrite=True`` starts the file afresh; the default appends to what is there.
    Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike, *, overwrite: bool = False):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "w" if overwrite else "a", encoding="utf-8")
        self.count = 0

    def write(self, result: AttackResult) -> None:
        if self._file.closed:
            raise ValueError(f"results file {self.path} is closed")
        self._file.write(result.to_json_line() + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self.count += 1

    def write_all(self, results: Iterable[AttackResult]) -> None:
        for result in results:
            self.write(result)

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def __enter__(self) -> "ResultsWriter":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ResultsWriter({str(self.path)!r}, written={self.count})"


def read_results(path: str | os.PathLike) -> list[AttackResult]:
    """Read a ``results.jsonl`` file back into results.

    A last line that was cut off (no trailing newline and not valid JSON, as left by a killed run) is
    skipped with a warning. Any other unreadable line raises :class:`ResultsFileError` naming the line.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsFileError(f"results file {path} does not exist") from None
    lines = raw.split("\n")
    truncated_tail = not raw.endswith("\n")
    last = len(lines)  # 1-based number of the last line (may be empty when the file ends in "\n")
    results: list[AttackResult] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == last and truncated_tail:
                logger.warning(
                    "%s: line %d is truncated (the run was probably killed while writing it); ignoring it",
                    path, number,
                )
                continue
            raise ResultsFileError(f"{path}: line {number} is not valid JSON: {exc.msg} (column {exc.colno})") from exc
        if not isinstance(data, dict):
            raise ResultsFileError(f"{path}: line {number} is a JSON {type(data).__name__}, expected an object")
        try:
            results.append(AttackResult.from_json_dict(data))
        except (ValueError, TypeError, KeyError) as exc:
            raise ResultsFileError(f"{path}: line {number} is not a valid result: {type(exc).__name__}: {exc}") from exc
    return results


def drop_partial_tail(path: str | os.PathLike) -> int:
    """Cut a last line that has no newline (a write interrupted by a kill); returns bytes removed.

    Every complete line ends in a newline because :class:`ResultsWriter` writes line and newline
    together, so whatever follows the last newline is a fragment that must go before appending.
    """
    path = Path(path)
    with open(path, "rb+") as fh:
        data = fh.read()
        keep = data.rfind(b"\n") + 1
        if keep == len(data):
            return 0
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    logger.warning("%s: dropped a truncated last line (%d bytes) left by an interrupted run", path, len(data) - keep)
    return len(data) - keep


def write_summary(path: str | os.PathLike, summary: dict[str, Any]) -> Path:
    """Write ``summary`` as indented, key-sorted JSON, atomically (temp file + ``os.replace``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=2, sort_keys=True, ensure_ascii=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; the other result files follow the umask
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def read_summary(path: str | os.PathLike) -> dict[str, Any]:
    """Read a ``summary.json`` written by :func:`write_summary`."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def read_json_lines(path: str | os.PathLike) -> list[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for every non-blank line of a JSON-lines file of objects.

    Raises :class:`~attack_recipe.errors.UsageError` naming the file and line of a line that is not
    a JSON object; :class:`OSError` / :class:`UnicodeDecodeError` when the file cannot be read."""
    from ..errors import UsageError

    rows: list[tuple[int, dict[str, Any]]] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"{path}, line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from None
            if not isinstance(row, dict):
                raise UsageError(f"{path}, line {lineno}: expected a JSON object, got {type(row).__name__}")
            rows.append((lineno, row))
    return rows


def write_json_lines(path: str | os.PathLike, rows: Iterable[dict[str, Any]]) -> Path:
    """Write ``rows`` as JSON lines all at once, atomically (temp file + ``os.replace``), mode per umask."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
