"""The threshold file ``calibrate`` writes and ``estimate``, ``harden`` and the studio read.

JSON with, at the top level: ``threshold`` (flag when P(unsafe) >= it), ``unsafe_class`` (the class
name), ``unsafe_index`` (its column), ``labels`` (the victim's classes when calibrated), ``curve``
(see :class:`~attack_recipe.highstakes.calibration.Calibration`), the rule and its target, counts,
the model and data it was calibrated on, and versions. Reading checks what a user's hand edit or a
truncated copy can break, and names the file and the key.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError

FORMAT = "attack-recipe-threshold/1"


@dataclass(frozen=True)
class ThresholdSpec:
    """What the other commands need from a threshold file."""

    threshold: float
    unsafe_class: str
    path: Path | None = None
    unsafe_index: int | None = None
    labels: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """The file it came from, for messages."""
        return str(self.path)

    def index_for(self, victim) -> int:
        """The unsafe class's column in ``victim``, by name (a retrained victim may order classes anew)."""
        names = [str(n).lower() for n in getattr(victim, "labels", ())]
        if self.unsafe_class.lower() in names:
            return names.index(self.unsafe_class.lower())
        raise UsageError(f"threshold file {self.path}: unsafe class {self.unsafe_class!r} is not a class of "
                         f"{victim.name} (its classes: {list(getattr(victim, 'labels', ()))})")


def write_threshold_file(path: str | os.PathLike, calibration, *, unsafe_class: str, unsafe_index: int,
                         labels, model: str, data: dict[str, Any]) -> dict[str, Any]:
    """Write ``calibration`` to ``path``; returns what was written."""
    from .. import __version__
    from ..evaluation.records import write_summary

    body = {"format": FORMAT, "threshold": calibration.threshold, "unsafe_class": unsafe_class,
            "unsafe_index": unsafe_index, "labels": list(labels), "model": model, "data": data,
            **{k: v for k, v in calibration.to_dict().items() if k != "threshold"},
            "package_version": __version__, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    write_summary(path, body)  # atomic: a reader never sees half a file
    return body


def read_threshold_file(path: str | os.PathLike) -> ThresholdSpec:
    """Load and check a threshold file; :class:`UsageError` naming the file and what is wrong."""
    path = Path(path)
    where = f"threshold file {path}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{where} does not exist (write one with `attack-recipe calibrate --out {path}`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where} cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where} is not valid JSON (line {exc.lineno}: {exc.msg}); write it anew with "
                         "`attack-recipe calibrate`") from None
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a JSON object with 'threshold' and 'unsafe_class', got {type(data).__name__}")
    missing = [k for k in ("threshold", "unsafe_class") if k not in data]
    if missing:
        raise UsageError(f"{where} lacks {', '.join(repr(k) for k in missing)} "
                         f"(it has: {', '.join(sorted(map(str, data))) or 'nothing'})")
    threshold = data.get("threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold) \
            or not 0.0 < threshold <= 1.0:
        raise UsageError(f"{where}: 'threshold' must be a probability in (0, 1], got {threshold!r}")
    unsafe = data.get("unsafe_class")
    if not isinstance(unsafe, str) or not unsafe.strip():
        raise UsageError(f"{where}: 'unsafe_class' must be a class name, got {unsafe!r}")
    index = data.get("unsafe_index")
    labels = data.get("labels") or ()
    return ThresholdSpec(float(threshold), unsafe.strip(), path, index if isinstance(index, int) else None,
                         tuple(str(x) for x in labels) if isinstance(labels, list) else ())
