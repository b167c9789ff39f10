"""How well the validity judge agrees with people: pure functions over (human verdict, judge verdict).

Definitions (docs/judge.md): pairs a person rated ``borderline`` are left out of agreement, precision
and recall. *Agreement* is the share of the remaining pairs where the judge's valid/invalid equals the
person's. *Precision of valid* is the share of the pairs the judge calls valid that the person rated
valid (the figure that matters when judged-valid successes are counted as real adversarial examples);
*recall of valid* the share of the person's valid pairs the judge also calls valid.
"""

from __future__ import annotations

import dataclasses
from typing import Sequence

HUMAN_VERDICTS = ("valid", "invalid", "borderline")


@dataclasses.dataclass(frozen=True)
class Agreement:
    n: int                 # pairs compared (borderline excluded)
    borderline: int
    agreement: float | None
    precision_valid: float | None
    recall_valid: float | None
    confusion: dict        # {human verdict: {"valid": count, "invalid": count}}

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _ratio(a: int, b: int) -> float | None:
    return None if b == 0 else a / b


def agreement(human: Sequence[str], judge_valid: Sequence[bool]) -> Agreement:
    """Agreement figures for parallel sequences of human verdicts and the judge's ``valid`` flags."""
    if len(human) != len(judge_valid):
        raise ValueError(f"expected as many judge verdicts as human ones, got {len(judge_valid)} and {len(human)}")
    confusion = {h: {"valid": 0, "invalid": 0} for h in HUMAN_VERDICTS}
    for h, j in zip(human, judge_valid):
        if h not in confusion:
            raise ValueError(f"unknown human verdict {h!r}; expected one of {', '.join(HUMAN_VERDICTS)}")
        confusion[h]["valid" if j else "invalid"] += 1
    tp = confusion["valid"]["valid"]
    tn = confusion["invalid"]["invalid"]
    n = sum(confusion["valid"].values()) + sum(confusion["invalid"].values())
    judged_valid = tp + confusion["invalid"]["valid"]
    return Agreement(n=n, borderline=sum(confusion["borderline"].values()), agreement=_ratio(tp + tn, n),
                     precision_valid=_ratio(tp, judged_valid),
                     recall_valid=_ratio(tp, sum(confusion["valid"].values())), confusion=confusion)
