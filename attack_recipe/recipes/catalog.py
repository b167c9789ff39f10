"""What each registered recipe is made of, read from the recipe itself (for docs and ``list``).

The recipe table in docs/recipes.md is generated from these cards by
``benchmarks/recipes_builtin.py --write-docs``, so the documented transformation, constraints and
thresholds are always the ones the code runs. The paper is read from the first line of the recipe
module's docstring ("Name — Authors (year).") and its first URL.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

from .. import registry
from ..core.config_repr import config_repr

_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class RecipeCard:
    name: str
    paper: str  # "Jin, Jin, Zhou & Szolovits (2020)"
    url: str | None
    transformation: str
    constraints: tuple[str, ...]
    search: str
    white_box: bool


def short_repr(component) -> str:
    """``config_repr`` without attributes left at ``None`` (unset optional resources)."""
    fields = {k: v for k, v in vars(component).items() if not k.startswith("_") and v is not None}
    inner = ", ".join(f"{k}={_short_value(v)}" for k, v in fields.items())
    return f"{type(component).__name__}({inner})"


def _short_value(value) -> str:
    """Nested components (a composite's parts) in short form too; anything else as its repr."""
    if isinstance(value, (list, tuple)) and value and all(_is_component(v) for v in value):
        return "[" + ", ".join(short_repr(v) for v in value) + "]"
    return repr(value)


def _is_component(value) -> bool:
    return repr(value) == config_repr(value)


def recipe_card(name: str) -> RecipeCard:
    factory = registry.load("recipe", name)
    attack = factory()
    module = importlib.import_module(factory.__module__)
    doc = (module.__doc__ or "").strip()
    first = doc.splitlines()[0] if doc else ""
    paper = first.split("—", 1)[1].strip().rstrip(".") if "—" in first else first.rstrip(".")
    url = _URL.search(doc)
    constraints = [short_repr(c) for c in (*attack.pre_constraints, *attack.constraints)]
    return RecipeCard(
        name=name,
        paper=paper,
        url=url.group(0).rstrip(".,)") if url else None,
        transformation=short_repr(attack.transformation),
        constraints=tuple(constraints),
        search=short_repr(attack.search),
        white_box=attack.needs_gradients,
    )


def recipe_cards() -> list[RecipeCard]:
    return [recipe_card(name) for name in registry.names("recipe")]
