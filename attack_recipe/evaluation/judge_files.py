"""The validity judge's files: pairs in (JSON lines), judged pairs out, and a summary of the verdicts.

Input: one JSON object per line with string fields ``original`` and ``perturbed`` and an optional ``label``;
other fields (a human ``verdict``, a ``note``, the recipe) are kept as they are. Blank lines are
skipped. A file with a malformed line is rejected as a whole, naming the line, rather than judged in
part: a judged file then always has one output row per input pair, in order.

Output (:func:`write_judged`): the input object with ``valid`` (bool), ``reasons`` (list of strings)
and ``signals`` added, one line per pair in input order, next to the input as ``NAME.judged.jsonl``
unless told otherwise; the input file itself is never overwritten.
"""

from __future__ import annotations

import collections
import json
import os
import pathlib
from typing import Sequence

from ..errors import UsageError


def read_pairs(path: str | os.PathLike) -> list[dict]:
    """The pairs in ``path``, in order. Raises :class:`UsageError` naming the first bad line, or when
    the file holds no pair; :class:`OSError` when it cannot be read."""
    from .records import read_json_lines

    rows: list[dict] = []
    for lineno, row in read_json_lines(path):
        for field in ("original", "perturbed"):
            if not isinstance(row.get(field), str):
                got = "missing" if field not in row else type(row[field]).__name__
                raise UsageError(f"{path}, line {lineno}: field {field!r} must be a string ({got})")
        rows.append(row)
    if not rows:
        raise UsageError(f"{path} holds no pairs: expected one JSON object per line with "
                         "'original' and 'perturbed' (and optionally 'label')")
    return rows


def judged_path(pairs_path: str | os.PathLike, out: str | os.PathLike | None = None) -> pathlib.Path:
    """Where judged pairs go: ``out``, else ``PAIRS.judged.jsonl`` beside the input. Never the input."""
    src = pathlib.Path(pairs_path)
    if out is not None:
        dest = pathlib.Path(out)
    else:
        stem = src.name[: -len(".jsonl")] if src.name.endswith(".jsonl") else src.name
        dest = src.with_name(stem + ".judged.jsonl")
    if dest.exists() and src.exists() and dest.resolve() == src.resolve():
        raise UsageError(f"refusing to overwrite the input {src} with judged pairs; pick another --out")
    return dest


def write_judged(path: str | os.PathLike, rows: Sequence[dict], verdicts: Sequence) -> None:
    """One line per pair: the input row plus ``valid``, ``reasons`` and ``signals``, in order."""
    if len(rows) != len(verdicts):
        raise ValueError(f"expected one verdict per row, got {len(verdicts)} for {len(rows)}")
    with open(path, "w", encoding="utf-8") as fh:
        for row, verdict in zip(rows, verdicts):
            fh.write(json.dumps({**row, "valid": verdict.valid, "reasons": list(verdict.reasons),
                                 "signals": verdict.signals}, ensure_ascii=False) + "\n")


def reason_kind(reason: str) -> str:
    """The rule behind a reason string: ``"antonym: good -> bad"`` -> ``"antonym"``."""
    return reason.split(":", 1)[0].strip()


def summarize_verdicts(verdicts: Sequence, top: int = 8) -> dict:
    """Counts of pairs, valid and invalid, and the most common rules that rejected pairs (each rule
    counted once per pair), with one example reason each."""
    kinds: collections.Counter = collections.Counter()
    example: dict[str, str] = {}
    for v in verdicts:
        for reason in dict.fromkeys(v.reasons):
            k = reason_kind(reason)
            example.setdefault(k, reason)
        kinds.update({reason_kind(r) for r in v.reasons})
    valid = sum(v.valid for v in verdicts)
    return {"pairs": len(verdicts), "valid": valid, "invalid": len(verdicts) - valid,
            "reasons": [(k, n, example[k]) for k, n in kinds.most_common(top)]}
