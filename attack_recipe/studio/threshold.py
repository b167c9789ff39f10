"""The threshold file ``calibrate`` writes, read for the studio: ``threshold`` and ``unsafe_class``.

``attack-recipe calibrate`` (the high-stakes loop) writes a JSON object whose top-level ``threshold``
is a float on P(unsafe class) and ``unsafe_class`` a class name (it also holds the ``curve`` it was
chosen from, which the studio does not need). A text is *flagged* when P(unsafe) >= threshold. Only
those two keys are read, and checked, so a hand-written file works too.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError


@dataclass(frozen=True)
class ThresholdSpec:
    """A filter threshold on P(``unsafe_class``), and the file it came from."""

    threshold: float
    unsafe_class: str
    source: str


def load_threshold_file(path: str | Path) -> ThresholdSpec:
    """Read ``threshold`` (a number in (0, 1]) and ``unsafe_class`` (a class name) from ``path``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"threshold file {path} does not exist (write one with `attack-recipe calibrate`)") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"threshold file {path} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"threshold file {path} must hold a JSON object with 'threshold' and 'unsafe_class', "
                         f"got {type(data).__name__}")
    missing = [k for k in ("threshold", "unsafe_class") if k not in data]
    if missing:
        raise UsageError(f"threshold file {path} lacks {', '.join(repr(k) for k in missing)} "
                         f"(it has: {', '.join(sorted(map(str, data))) or 'nothing'})")
    value, unsafe = data["threshold"], data["unsafe_class"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0.0 < float(value) <= 1.0:
        raise UsageError(f"threshold file {path}: 'threshold' must be a probability in (0, 1], got {value!r}")
    if not isinstance(unsafe, str) or not unsafe.strip():
        raise UsageError(f"threshold file {path}: 'unsafe_class' must be a class name, got {unsafe!r}")
    return ThresholdSpec(float(value), unsafe.strip(), str(path))
