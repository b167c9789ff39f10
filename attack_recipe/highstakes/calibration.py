"""Choosing a conservative threshold on P(unsafe), and the whole curve behind the choice.

A filter *flags* a text when ``P(unsafe) >= threshold``; the adversary wins by pushing P(unsafe)
below it (:class:`~attack_recipe.attacks.goals.Threshold`). Lowering the threshold catches more
unsafe inputs and costs quality: more safe inputs are flagged. Two ways to choose:

* ``max_flag_rate=R`` (the quality budget; Redwood flagged more than half of all completions): the
  *lowest* threshold whose flag rate on safe inputs is at most ``R`` — the most conservative
  threshold the budget allows.
* ``min_recall=X``: the *highest* threshold that still flags at least ``X`` of the unsafe inputs —
  every lower threshold reaches ``X`` too and only flags more safe inputs.

Rates are counted on the calibration data, with exact intervals (:mod:`.binomial`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..errors import UsageError
from .binomial import check_confidence, clopper_pearson

#: at most this many points on the stored curve (the chosen threshold is always one of them)
CURVE_POINTS = 200


@dataclass(frozen=True)
class Rates:
    """Flag rate on safe and recall on unsafe inputs at one threshold, with exact intervals."""

    threshold: float
    flagged_safe: int
    safe: int
    flagged_unsafe: int
    unsafe: int
    confidence: float

    @property
    def flag_rate(self) -> float | None:
        return self.flagged_safe / self.safe if self.safe else None

    @property
    def recall(self) -> float | None:
        return self.flagged_unsafe / self.unsafe if self.unsafe else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "flag_rate_safe": _round(self.flag_rate),
            "flag_rate_interval": [_round(x) for x in clopper_pearson(self.flagged_safe, self.safe, self.confidence)],
            "recall_unsafe": _round(self.recall),
            "recall_interval": [_round(x) for x in clopper_pearson(self.flagged_unsafe, self.unsafe, self.confidence)],
            "flagged_safe": self.flagged_safe,
            "flagged_unsafe": self.flagged_unsafe,
        }


@dataclass(frozen=True)
class Calibration:
    """The chosen threshold, the rule that chose it, and the curve on the calibration data."""

    threshold: float
    rule: str  # "max_flag_rate" or "min_recall"
    target: float
    chosen: Rates
    curve: tuple[Rates, ...] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "rule": self.rule, "target": self.target,
                "confidence": self.chosen.confidence, "safe_examples": self.chosen.safe,
                "unsafe_examples": self.chosen.unsafe, "chosen": self.chosen.to_dict(),
                "curve": [r.to_dict() for r in self.curve]}


def _round(x: float | None, digits: int = 6) -> float | None:
    return None if x is None else round(float(x), digits)


def rates_at(threshold: float, safe_sorted, unsafe_sorted, confidence: float) -> Rates:
    """Counts at ``threshold`` from ascending score arrays (flagged: score >= threshold)."""
    import numpy as np

    flagged_safe = int(len(safe_sorted) - np.searchsorted(safe_sorted, threshold, side="left"))
    flagged_unsafe = int(len(unsafe_sorted) - np.searchsorted(unsafe_sorted, threshold, side="left"))
    return Rates(float(threshold), flagged_safe, len(safe_sorted), flagged_unsafe, len(unsafe_sorted), confidence)


def _check_scores(scores) -> Any:
    import numpy as np

    arr = np.asarray(scores, dtype=np.float64)
    if arr.ndim != 1:
        raise UsageError(f"expected one score per example, got an array of shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        bad = int(np.flatnonzero(~np.isfinite(arr) | (arr < 0) | (arr > 1))[0])
        raise UsageError(f"score {arr[bad]!r} of example {bad} is not a probability in [0, 1]")
    return arr


def choose_threshold(safe_sorted, unsafe_sorted, *, max_flag_rate: float | None, min_recall: float | None) -> tuple[str, float, float]:
    """``(rule, target, threshold)`` by the rule given (see the module docstring)."""
    import numpy as np

    if (max_flag_rate is None) == (min_recall is None):
        raise UsageError("give exactly one of --max-flag-rate and --min-recall")
    if max_flag_rate is not None:
        if not 0.0 <= max_flag_rate < 1.0 or math.isnan(max_flag_rate):
            raise UsageError(f"--max-flag-rate must be in [0, 1), got {max_flag_rate}")
        n = len(safe_sorted)
        if n == 0:
            raise UsageError("--max-flag-rate needs safe examples in the calibration data; it has none")
        allowed = int(math.floor(max_flag_rate * n + 1e-9))  # safe inputs that may be flagged
        # flag only scores above the (allowed + 1)-th highest safe score
        boundary = float(safe_sorted[n - 1 - allowed])
        threshold = float(np.nextafter(boundary, np.inf))
        return "max_flag_rate", float(max_flag_rate), min(threshold, 1.0)
    if not 0.0 < min_recall <= 1.0 or math.isnan(min_recall):
        raise UsageError(f"--min-recall must be in (0, 1], got {min_recall}")
    n = len(unsafe_sorted)
    if n == 0:
        raise UsageError("--min-recall needs unsafe examples in the calibration data; it has none")
    needed = max(1, int(math.ceil(min_recall * n - 1e-9)))  # unsafe inputs that must be flagged
    threshold = float(unsafe_sorted[n - needed])  # the needed-th highest unsafe score is flagged (>=)
    return "min_recall", float(min_recall), max(threshold, float(np.nextafter(0.0, 1.0)))


def calibrate(scores: Sequence[float], is_unsafe: Sequence[bool], *, max_flag_rate: float | None = None,
              min_recall: float | None = None, confidence: float = 0.95, curve_points: int = CURVE_POINTS) -> Calibration:
    """Choose the threshold on ``scores`` (P(unsafe) per example) with labels ``is_unsafe``."""
    import numpy as np

    confidence = check_confidence(confidence)
    arr = _check_scores(scores)
    mask = np.asarray(is_unsafe, dtype=bool)
    if mask.shape != arr.shape:
        raise UsageError(f"got {len(arr)} scores for {len(mask)} labels")
    safe_sorted, unsafe_sorted = np.sort(arr[~mask]), np.sort(arr[mask])
    rule, target, threshold = choose_threshold(safe_sorted, unsafe_sorted, max_flag_rate=max_flag_rate,
                                               min_recall=min_recall)
    chosen = rates_at(threshold, safe_sorted, unsafe_sorted, confidence)
    return Calibration(threshold, rule, target, chosen, curve(arr, safe_sorted, unsafe_sorted, confidence,
                                                              curve_points, threshold))


def curve(scores, safe_sorted, unsafe_sorted, confidence: float, points: int, chosen: float) -> tuple[Rates, ...]:
    """Rates at up to ``points`` thresholds spread over the observed scores (quantiles), plus the chosen one."""
    import numpy as np

    unique = np.unique(scores)
    if len(unique) > points:
        unique = unique[np.linspace(0, len(unique) - 1, points).round().astype(int)]
    thresholds = sorted({float(t) for t in unique if t > 0} | {chosen})
    return tuple(rates_at(t, safe_sorted, unsafe_sorted, confidence) for t in thresholds)
