"""A model a component takes by name (loaded on first use) or as a ready object.

Constraints and transformations accept their model — word vectors, a sentence encoder, a causal or
masked LM, a paraphrase generator — either as a name, resolved through :mod:`attack_recipe.resources`
the first time it is needed (building a recipe stays cheap, and a recipe that is never run never
loads its models), or as an object, used as is (tests pass tiny ones). These two helpers are that
convention, written once: :func:`name_and_object` at construction, :func:`load_once` on use.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

T = TypeVar("T")


def name_and_object(resource: Any) -> tuple[Any, Any]:
    """``(name, object)`` for a resource given by name or as an object.

    A name (or ``None``, "the default") gives ``(name, None)``: the object is loaded later. An object
    gives ``(its .name or "custom", object)``, so the component's ``repr`` still names what it uses.
    """
    if resource is None or isinstance(resource, str):
        return resource, None
    return getattr(resource, "name", "custom"), resource


def load_once(owner: object, attribute: str, load: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``owner.<attribute>``, set to ``load(*args, **kwargs)`` first if it is still ``None``."""
    value = getattr(owner, attribute)
    if value is None:
        value = load(*args, **kwargs)
        setattr(owner, attribute, value)
    return value
