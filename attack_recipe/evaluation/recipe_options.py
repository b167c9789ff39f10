"""Recipe options: ``-O NAME=VALUE`` strings into keyword arguments, and a factory called with them.

The CLI's ``-O`` values arrive as strings; :func:`parse_recipe_option` reads them as the Python
values they spell. :func:`build_recipe` checks the names against the factory's signature before
calling it, so a typo is a usage error that lists the options the recipe does take.
"""

from __future__ import annotations

from typing import Any, Callable

from ..errors import UsageError


def parse_recipe_option(spec: str) -> tuple[str, Any]:
    """``"key=value"`` → ``("key", value)``; the value becomes an int, float, bool or None if it reads as one."""
    key, sep, raw = spec.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or not key.isidentifier():
        raise UsageError(f"recipe option {spec!r} is not of the form NAME=VALUE")
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    if lowered in ("none", "null"):
        return key, None
    for cast in (int, float):
        try:
            return key, cast(raw)
        except ValueError:
            pass
    return key, raw


def build_recipe(factory: Callable, name: str, options: dict[str, Any]):
    """Call a recipe factory with ``options``; an option it does not take is a usage error naming those it does."""
    import inspect

    if options:
        params = inspect.signature(factory).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        accepted = [p for p, v in params.items() if v.kind in (v.KEYWORD_ONLY, v.POSITIONAL_OR_KEYWORD) and p != "goal"]
        unknown = sorted(set(options) - set(accepted))
        if unknown and not takes_any:
            raise UsageError(f"recipe {name!r} takes no option {', '.join(map(repr, unknown))}; "
                             f"its options: {', '.join(accepted) or 'none'}")
    return factory(**options)


#: Recipes whose edits the judge reads as something else than word swaps, so a valid-only search is
#: not their default: character edits (typos are judged by their own rules and most survive anyway)
#: and whole-text paraphrases (the word rules reject most rewrites). Tuned from measurements.
_NOT_VALID_ONLY_BY_DEFAULT = frozenset({"deepwordbug", "textbugger", "paraphrase"})


def valid_only_default(recipe_name: str, preset: str | None = None) -> bool:
    """Whether a run of ``recipe_name`` searches for judge-accepted successes only (``--valid-only``)
    unless told otherwise: True for word-swap recipes (plugins included) and under the strict preset,
    False for character-level (deepwordbug, textbugger) and paraphrase-only (paraphrase) recipes."""
    from ..recipes.presets import VALID_ONLY_PRESETS

    return preset in VALID_ONLY_PRESETS or str(recipe_name) not in _NOT_VALID_ONLY_BY_DEFAULT
