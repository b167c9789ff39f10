"""Goal functions: what counts as success, and how close a text is to it.

A goal is stateless configuration. Given the victim's probabilities for a text and the example's
label it says whether the attack succeeded and gives a score that the search maximises.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

from ..errors import UsageError


class Goal(abc.ABC):
    """Base class: ``score`` is higher the closer a text is to success."""

    @abc.abstractmethod
    def is_success(self, probs, label: int) -> bool: ...

    @abc.abstractmethod
    def score(self, probs, label: int) -> float: ...

    def validate(self, num_labels: int) -> None:
        """Raise :class:`UsageError` if the goal cannot apply to a victim with ``num_labels`` classes."""

    def target(self) -> int | None:
        return None


@dataclass(frozen=True)
class Untargeted(Goal):
    """Succeed when the victim's top class is no longer the true label.

    ``min_confidence`` > 0 additionally requires the true label's probability to drop below
    ``1 - min_confidence`` (TextAttack's ``target_max_score`` analogue); 0 means any flip.
    """

    min_confidence: float = 0.0

    def is_success(self, probs, label: int) -> bool:
        top = int(probs.argmax())
        if top == label:
            return False
        return self.min_confidence <= 0 or float(probs[top]) - float(probs[label]) >= self.min_confidence

    def score(self, probs, label: int) -> float:
        return 1.0 - float(probs[label])


@dataclass(frozen=True)
class Targeted(Goal):
    """Succeed when the victim predicts ``target_class``."""

    target_class: int

    def is_success(self, probs, label: int) -> bool:
        return int(probs.argmax()) == self.target_class

    def score(self, probs, label: int) -> float:
        return float(probs[self.target_class])

    def validate(self, num_labels: int) -> None:
        if not 0 <= self.target_class < num_labels:
            raise UsageError(f"target class {self.target_class} is out of range for a {num_labels}-class victim")

    def target(self) -> int | None:
        return self.target_class


@dataclass(frozen=True)
class Threshold(Goal):
    """Succeed when the probability of ``class_index`` falls below ``threshold``.

    The high-stakes filter case: a safety filter flags a text when P(unsafe) >= a conservative
    threshold (say 0.1); the adversary wins by pushing P(unsafe) under it, whatever the argmax says.
    """

    class_index: int
    threshold: float

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise UsageError(f"threshold must be in (0, 1], got {self.threshold}")

    def is_success(self, probs, label: int) -> bool:
        return float(probs[self.class_index]) < self.threshold

    def score(self, probs, label: int) -> float:
        return 1.0 - float(probs[self.class_index])

    def validate(self, num_labels: int) -> None:
        if not 0 <= self.class_index < num_labels:
            raise UsageError(f"class index {self.class_index} is out of range for a {num_labels}-class victim")

    def target(self) -> int | None:
        return self.class_index
