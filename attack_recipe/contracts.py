"""What a plugin of each kind must be, checked by the registry when it loads one (pluggy-style).

A broken plugin should fail where it is loaded, with its name and the rule it breaks, not three
calls later inside a search with an ``AttributeError``. The rules, per kind (``registry.GROUPS``):

* ``recipe``: a callable ``(**options) -> Attack`` whose every parameter has a default (the CLI and
  ``attack-recipe list`` build it with none); what it builds is an ``Attack`` whose transformation is
  a ``Transformation`` and whose search is a ``SearchMethod``.
* ``transformation``: a concrete subclass of ``Transformation``.
* ``constraint``: a concrete subclass of ``Constraint`` or ``PreConstraint``.
* ``search``: a concrete subclass of ``SearchMethod``.
* ``victim``: a callable (a ``Victim`` subclass or a factory) that returns a ``Victim``; what it
  returns is checked when it is called (building a victim loads a model).

The base classes are named as ``module:attr``, the way entry points name plugins, and imported only
when a plugin is checked: the registry sits below every package whose types it checks
(``models.loading`` resolves victims through it), so importing them here would tie the registry to
the whole engine and keep ``import attack_recipe`` from staying light. tests/test_plugins.py
resolves every name.

Each check returns the first broken rule as a sentence ("has parameters without a default: x"),
or ``None``; the registry turns it into a :class:`~attack_recipe.registry.PluginError`.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

#: The types the contracts refer to, imported on first check.
TYPES = {
    "Attack": "attack_recipe.attacks.attack:Attack",
    "Transformation": "attack_recipe.attacks.transformations.base:Transformation",
    "SearchMethod": "attack_recipe.attacks.search.base:SearchMethod",
    "Constraint": "attack_recipe.constraints.base:Constraint",
    "PreConstraint": "attack_recipe.constraints.base:PreConstraint",
    "Victim": "attack_recipe.models.base:Victim",
}

#: Kind -> the base classes an entry point of that kind must subclass (component kinds only).
COMPONENT_BASES = {
    "transformation": ("Transformation",),
    "constraint": ("Constraint", "PreConstraint"),
    "search": ("SearchMethod",),
}

#: Kind -> one line that states the contract, quoted in every error.
SUMMARY = {
    "recipe": "a recipe is a factory (**options) -> Attack whose every parameter has a default",
    "transformation": "a transformation is a concrete subclass of Transformation",
    "constraint": "a constraint is a concrete subclass of Constraint or PreConstraint",
    "search": "a search method is a concrete subclass of SearchMethod",
    "victim": "a victim is a Victim subclass or a factory returning a Victim",
}


def resolve(type_name: str) -> type:
    module, _, attr = TYPES[type_name].partition(":")
    return getattr(importlib.import_module(module), attr)


def violation(kind: str, obj: Any) -> str | None:
    """The first rule of ``kind``'s contract that ``obj`` (what an entry point names) breaks, or None."""
    if kind in COMPONENT_BASES:
        return _component_violation(obj, COMPONENT_BASES[kind])
    if not callable(obj):
        return f"is a {type(obj).__name__}, which cannot be called"
    if kind == "recipe":
        return _parameters_without_default(obj)
    if kind == "victim" and inspect.isclass(obj) and not issubclass(obj, resolve("Victim")):
        return f"is the class {obj.__name__}, which does not subclass attack_recipe's Victim"
    return None


def result_violation(kind: str, result: Any) -> str | None:
    """For the factory kinds (recipe, victim): the first rule that what a call returned breaks, or None."""
    if kind == "victim":
        if not isinstance(result, resolve("Victim")):
            return f"returned a {type(result).__name__}, not an attack_recipe Victim"
        return None
    if kind != "recipe":
        raise ValueError(f"{kind} plugins are classes, not factories")
    if not isinstance(result, resolve("Attack")):
        return f"returned a {type(result).__name__}, not an attack_recipe Attack"
    for part, type_name in (("transformation", "Transformation"), ("search", "SearchMethod")):
        value = getattr(result, part, None)
        if not isinstance(value, resolve(type_name)):
            return f"built an Attack whose {part} is a {type(value).__name__}, not a {type_name}"
    return None


def _component_violation(obj: Any, bases: tuple[str, ...]) -> str | None:
    wanted = " or ".join(bases)
    if not inspect.isclass(obj):
        return f"is a {type(obj).__name__}, not a class (expected a subclass of {wanted})"
    if not issubclass(obj, tuple(resolve(b) for b in bases)):
        return f"is the class {obj.__name__}, which does not subclass {wanted}"
    if inspect.isabstract(obj):
        missing = sorted(getattr(obj, "__abstractmethods__", ()))
        return f"is the class {obj.__name__}, which leaves abstract methods unimplemented: {', '.join(missing)}"
    return None


def _parameters_without_default(factory: Any) -> str | None:
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return None  # a builtin or C callable without a signature: the build with no arguments decides
    required = [p.name for p in params
                if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if required:
        return f"has parameters without a default: {', '.join(required)}"
    return None
