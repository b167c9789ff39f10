"""Name → component registry backed by entry points, one group per component kind.

Built-ins register through the same groups as plugins (see setup.cfg). Names are listed from package
metadata without importing anything; only the component that is asked for gets imported. A plugin
that fails to import or breaks the contract is reported by name and skipped by ``describe``, so one
broken plugin does not take the CLI down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from .errors import AttackRecipeError, UnknownNameError

logger = logging.getLogger(__name__)

#: Component kind → entry-point group.
GROUPS = {
    "recipe": "attack_recipe.recipes",
    "transformation": "attack_recipe.transformations",
    "constraint": "attack_recipe.constraints",
    "search": "attack_recipe.search",
    "victim": "attack_recipe.victims",
}


class PluginError(AttackRecipeError):
    """A registered component that could not be imported or does not fit its contract."""


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    target: str  # "module:attr", from metadata
    description: str | None = None
    error: str | None = None


def _entry_points(kind: str) -> dict[str, EntryPoint]:
    if kind not in GROUPS:
        raise UnknownNameError("component kind", kind, GROUPS)
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUPS[kind]):
        found.setdefault(ep.name, ep)  # first wins if two distributions register one name
    return found


def names(kind: str) -> list[str]:
    """Registered names of one kind, from metadata only (nothing is imported)."""
    return sorted(_entry_points(kind))


def load(kind: str, name: str):
    """Import and return the component registered as ``name``; did-you-mean error if unknown."""
    eps = _entry_points(kind)
    if name not in eps:
        raise UnknownNameError(kind, name, eps)
    try:
        obj = eps[name].load()
    except Exception as exc:
        raise PluginError(f"{kind} {name!r} ({eps[name].value}) failed to import: {type(exc).__name__}: {exc}") from exc
    if not callable(obj):
        raise PluginError(f"{kind} {name!r} ({eps[name].value}) is not callable; entry points must name a class or factory")
    return obj


def describe(kind: str) -> list[Entry]:
    """Every registered component of a kind with the first line of its docstring.

    Imports each one to read its docstring; failures are reported in ``Entry.error`` instead of raised.
    """
    out = []
    for name, ep in sorted(_entry_points(kind).items()):
        try:
            obj = load(kind, name)
        except PluginError as exc:
            logger.warning("skipping broken plugin: %s", exc)
            out.append(Entry(kind, name, ep.value, error=str(exc)))
            continue
        doc = (obj.__doc__ or "").strip().splitlines()
        out.append(Entry(kind, name, ep.value, description=doc[0].strip() if doc else ""))
    return out
