"""What an attack needs from its victim, checked once, against the victim protocol, when it starts.

An attack declares what it needs through its components (``needs_gradients`` on a search method or a
transformation, read back by :attr:`Attack.needs_gradients`); a victim offers gradients by
implementing :class:`~attack_recipe.models.base.GradientVictim` (``word_gradients`` and
``word_vocabulary``). The rule lives here and nowhere else, so :meth:`Attack.run` and the run
preparation (``evaluation/config.py``) reject a black-box victim the same way, before the first
query, instead of a search failing halfway through an example. :class:`~.search.base.SearchContext`
applies :func:`require_white_box` as a guard for callers that build a context by hand.
"""

from __future__ import annotations

from ..errors import WhiteBoxRequiredError
from ..models.base import GradientVictim


def is_white_box(victim) -> bool:
    """True if ``victim`` implements the :class:`GradientVictim` protocol."""
    return isinstance(victim, GradientVictim)


def victim_name(victim) -> str:
    return str(getattr(victim, "name", None) or type(victim).__name__)


def require_white_box(victim, needed_by: str) -> None:
    """Raise :class:`WhiteBoxRequiredError` unless ``victim`` is a :class:`GradientVictim`."""
    if not is_white_box(victim):
        raise WhiteBoxRequiredError(
            f"{needed_by} needs gradients from a white-box victim (word_gradients and word_vocabulary, "
            f"see attack_recipe.models.base.GradientVictim); {victim_name(victim)} is black-box"
        )


def check_capabilities(attack, victim, needed_by: str | None = None) -> None:
    """Raise if ``victim`` lacks a capability ``attack`` needs (today: gradients).

    ``needed_by`` names the attack in the message (default: the attack's name).
    """
    if attack.needs_gradients:
        require_white_box(victim, needed_by or str(attack.name))
