"""The save file: one JSON object per line for every example a person saved, and the effort it shows.

A line (``docs/studio.md`` documents every key)::

    {"schema": "attack-recipe.studio/1", "example_id": "tweets-test-00017", "original": "...",
     "text": "...", "label": "negative", "unsafe_class": "negative", "still_unsafe": true,
     "adversarial": true, "model": "sentiment-minilm", "threshold": null, "boundary": "...",
     "scores": {"original": {...}, "final": {...}}, "verdict": {"valid": true, "reasons": []},
     "history": [...], "seconds": 412.3, "saved_at": "2026-12-02T10:11:12Z"}

``text`` is the final text and ``label`` the person's judgement of it (a class name: still unsafe, or
not) — what ``harden --extra-adversarial FILE`` and ``augment`` train on. ``adversarial`` is true when
the person says it is still unsafe *and* the victim lets it through: the examples the effort metric
counts. Scores are computed by the server, never taken from the page. Lines are appended and fsynced,
so a crash loses at most the line being written; a line that does not parse is skipped with a warning
when the effort is read back, and the next line starts after it.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

logger = logging.getLogger(__name__)

SCHEMA = "attack-recipe.studio/1"


def make_record(studio, *, example_id: str | None, original: str, text: str, label: str,
                history: Iterable[dict], seconds: float) -> dict[str, Any]:
    """The line to save: the person's ``label`` (a class name), the server's scores and verdict."""
    from ..errors import InputError

    if label not in studio.labels:
        raise InputError(f"label {label!r} is not one of the victim's classes {list(studio.labels)}")
    before, after = (studio.assess(row) for row in studio.probabilities([original, text]))
    verdict = studio.verdicts(original, [text])[0]
    still_unsafe = label == studio.unsafe_class
    return {
        "schema": SCHEMA, "example_id": example_id, "original": original, "text": text, "label": label,
        "unsafe_class": studio.unsafe_class, "still_unsafe": still_unsafe,
        "adversarial": still_unsafe and not after["flagged"],
        "model": studio.model_name, "threshold": studio.threshold.threshold if studio.threshold else None,
        "boundary": studio.boundary, "scores": {"original": before, "final": after},
        "verdict": {"valid": bool(verdict.valid), "reasons": list(verdict.reasons)},
        "history": list(history), "seconds": round(float(seconds), 1),
        "saved_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def append_record(path: str | Path, record: dict[str, Any]) -> None:
    """Append ``record`` as one line and fsync it (the folder is created if needed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a last line without its newline (a write cut short, a hand edit) stays as it is, on its own line:
    # it is skipped when read back, and nothing that was there is lost
    unfinished = path.exists() and path.stat().st_size > 0 and not path.read_bytes().endswith(b"\n")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(("\n" if unfinished else "") + json.dumps(record, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """The studio lines of ``path`` ([] when it does not exist); unreadable lines are skipped, said once."""
    path = Path(path)
    if not path.exists():
        return []
    records, bad = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            bad.append(number)
            continue
        if isinstance(record, dict) and record.get("schema") == SCHEMA:
            records.append(record)
        else:
            bad.append(number)
    if bad:
        logger.warning("%s: %d line(s) are not studio records and are left out of the effort (lines %s)",
                       path, len(bad), ", ".join(map(str, bad[:10])))
    return records


def effort(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Saved examples, adversarial ones, and minutes of the person's time per adversarial example
    (all saved examples' time, adversarial or not, over the adversarial ones: the seed's effort metric)."""
    records = list(records)
    seconds = sum(float(r.get("seconds") or 0.0) for r in records)
    adversarial = sum(1 for r in records if r.get("adversarial"))
    return {"saved": len(records), "adversarial": adversarial, "minutes": round(seconds / 60, 2),
            "minutes_per_adversarial": round(seconds / 60 / adversarial, 2) if adversarial else None}
