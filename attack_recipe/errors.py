"""One small hierarchy of errors, so callers can catch ``AttackRecipeError`` and nothing else.

Messages say what was expected, what was received, and what to do about it.
"""

from __future__ import annotations

import difflib
from typing import Iterable


class AttackRecipeError(Exception):
    """Base class of every error this package raises on purpose."""


class UsageError(AttackRecipeError):
    """The caller asked for something that cannot work (bad option, bad argument)."""


class UnknownNameError(UsageError, KeyError):
    """A name (recipe, component, dataset, victim) that is not registered."""

    def __init__(self, kind: str, name: str, valid: Iterable[str]):
        self.kind = kind
        self.name = name
        self.valid = sorted(valid)
        lowered = {v.lower(): v for v in self.valid}
        close = [lowered[c] for c in difflib.get_close_matches(str(name).lower(), list(lowered), n=3, cutoff=0.5)]
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(
            f"unknown {kind} {name!r}.{hint} Valid {kind}s: {', '.join(self.valid) or '(none)'}."
        )

    def __str__(self) -> str:  # KeyError would repr() the message otherwise
        return str(self.args[0])


class ResourceNotFoundError(AttackRecipeError):
    """A model, embedding, corpus or dataset could not be located.

    Names the resource, every place that was tried, and the command that installs it.
    """

    def __init__(self, resource: str, tried: Iterable[str], install: str):
        self.resource = resource
        self.tried = list(tried)
        self.install = install
        lines = [f"{resource} could not be found. Tried:"]
        lines += [f"  - {t}" for t in self.tried]
        lines.append(f"To install it: {install}")
        super().__init__("\n".join(lines))


class ModelLoadError(AttackRecipeError):
    """A model that is there but cannot be loaded (weights refused as unsafe, corrupt files)."""


class InputError(AttackRecipeError):
    """An example (text or label) that cannot be attacked as given."""


class DatasetError(AttackRecipeError):
    """A dataset file or name that cannot be read into (text, label) examples."""


class VictimError(AttackRecipeError):
    """The victim model raised, or returned something that is not a probability table."""


class WhiteBoxRequiredError(UsageError):
    """A component needs gradients but the victim is black-box."""
