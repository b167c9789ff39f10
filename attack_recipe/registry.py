"""Name → component registry backed by entry points, one group per component kind.

Built-ins register through the same groups as plugins (see setup.cfg). Names are listed from package
metadata without importing anything; only the component that is asked for gets imported, and it is
checked against its kind's contract (``contracts.py``) before it is handed out. A plugin that fails
to import or breaks its contract raises :class:`PluginError` naming the plugin (name, ``module:attr``,
distribution) and the broken rule; ``describe`` and ``available`` report it and go on, so one broken
plugin does not take ``attack-recipe list`` down, and a run never loads a recipe it was not asked for.

What a factory builds is checked too: a recipe is built once with its defaults when it is loaded, and
the factory handed out checks every Attack it builds; a victim factory checks what it returns when
it is called (building a victim loads a model, so not at load time).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, replace
from importlib.metadata import EntryPoint, entry_points

from . import contracts
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

#: Kinds whose entry point names a factory; the registry wraps it to check what it builds.
FACTORY_KINDS = ("recipe", "victim")


class PluginError(AttackRecipeError):
    """A registered component that could not be imported or does not fit its contract."""

    def __init__(self, entry: "Entry", problem: str):
        self.entry = entry
        self.problem = problem
        super().__init__(f"{entry.label} {problem}")


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    target: str  # "module:attr", from metadata
    description: str | None = None
    error: str | None = None
    distribution: str | None = None  # "name version" of the package that registers it

    @property
    def label(self) -> str:
        """How errors name the plugin: ``recipe 'x' (pkg.mod:factory, from pkg 1.0)``."""
        source = f", from {self.distribution}" if self.distribution else ""
        return f"{self.kind} {self.name!r} ({self.target}{source})"


def _entry_points(kind: str) -> dict[str, EntryPoint]:
    if kind not in GROUPS:
        raise UnknownNameError("component kind", kind, GROUPS)
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUPS[kind]):
        if ep.name in found and found[ep.name].value != ep.value:
            logger.warning("%s %r is registered twice (%s, %s); using the first", kind, ep.name,
                           found[ep.name].value, ep.value)
        found.setdefault(ep.name, ep)  # first on sys.path wins
    return found


def _entry(kind: str, ep: EntryPoint, **fields) -> Entry:
    """Metadata of an entry point, with the distribution that registers it (read only for errors)."""
    dist = getattr(ep, "dist", None)
    try:
        distribution = f"{dist.name} {dist.version}" if dist is not None and dist.name else None
    except Exception:  # unreadable METADATA must not hide the real problem
        distribution = None
    return Entry(kind, ep.name, ep.value, distribution=distribution, **fields)


def names(kind: str) -> list[str]:
    """Registered names of one kind, from metadata only (nothing is imported)."""
    return sorted(_entry_points(kind))


def entry(kind: str, name: str) -> Entry:
    """Metadata of one registered component (nothing is imported); did-you-mean error if unknown."""
    eps = _entry_points(kind)
    name = canonical_name(kind, name)
    ep = eps[name]
    return Entry(kind, ep.name, ep.value)


def canonical_name(kind: str, name: str) -> str:
    """The registered spelling of ``name``: names match regardless of letter case ("PWWS" is pwws);
    an unknown name raises :class:`UnknownNameError` with a did-you-mean."""
    eps = _entry_points(kind)
    if name in eps:
        return name
    folded = [n for n in eps if n.lower() == str(name).lower()]
    if len(folded) == 1:
        return folded[0]
    raise UnknownNameError(kind, name, eps)


def load(kind: str, name: str):
    """Import the component registered as ``name``, check it against its contract, and return it.

    Classes are returned as they are; factories (recipes, victims) come back wrapped, with their
    signature, name and docstring, so that what they build is checked as well.
    """
    eps = _entry_points(kind)
    name = canonical_name(kind, name)
    ep = eps[name]
    try:
        obj = ep.load()
    except Exception as exc:
        raise PluginError(_entry(kind, ep), f"failed to import: {type(exc).__name__}: {exc}") from exc
    broken = contracts.violation(kind, obj)
    if broken:
        raise PluginError(_entry(kind, ep), f"{broken} ({contracts.SUMMARY[kind]})")
    if kind not in FACTORY_KINDS:
        return obj
    factory = _checked_factory(kind, ep, obj)
    if kind == "recipe":
        try:
            factory()
        except PluginError:
            raise
        except Exception as exc:
            raise PluginError(_entry(kind, ep), f"could not be built with its defaults: {type(exc).__name__}: "
                                                f"{exc} ({contracts.SUMMARY[kind]})") from exc
    return factory


def _checked_factory(kind: str, ep: EntryPoint, factory):
    @functools.wraps(factory)
    def checked(*args, **options):
        built = factory(*args, **options)
        broken = contracts.result_violation(kind, built)
        if broken:
            raise PluginError(_entry(kind, ep), f"{broken} ({contracts.SUMMARY[kind]})")
        return built

    return checked


def available(kind: str) -> list[tuple[str, object]]:
    """``(name, component)`` for every registered component of a kind that loads and keeps its
    contract; broken ones are logged and left out."""
    out = []
    for name in names(kind):
        try:
            out.append((name, load(kind, name)))
        except PluginError as exc:
            logger.warning("skipping broken plugin: %s", exc)
    return out


def summary_line(doc: str | None) -> str:
    """A docstring's first sentence as plain text: its first paragraph joined into one line, cut at the
    first full stop that ends a sentence, ``code`` markup dropped (``list`` shows it in a terminal)."""
    import re

    paragraph = " ".join(line.strip() for line in (doc or "").strip().split("\n\n")[0].splitlines())
    plain = re.sub(r"``([^`]*)``|`([^`]*)`", lambda m: m.group(1) if m.group(1) is not None else m.group(2), paragraph)
    end = re.search(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bet al)(?<!\bvs)\.(\s|$)", plain)
    return plain[: end.start() + 1] if end else plain


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
            out.append(replace(exc.entry, error=str(exc)))
            continue
        out.append(Entry(kind, name, ep.value, description=summary_line(obj.__doc__)))
    return out
