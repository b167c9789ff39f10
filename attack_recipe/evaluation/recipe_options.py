"""Recipe options: ``-O NAME=VALUE`` strings into keyword arguments, and a factory called with them.

The CLI's ``-O`` values arrive as strings; :func:`parse_recipe_option` reads them as the Python
values they spell. :func:`build_recipe` checks them against the factory before calling it — the
name against its signature (a typo lists the options the recipe does take), the value against the
parameter's type annotation and against :data:`OPTION_RANGES` — so a bad value is a usage error
naming the option, the value and what is allowed, instead of an exception in every example.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Range:
    """Allowed numeric values: ``low <= v`` (``low < v`` when ``low_open``) and ``v <= high``."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False

    def allows(self, value: float) -> bool:
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return False
        return self.high is None or value <= self.high

    def __str__(self) -> str:
        low = "" if self.low is None else f"{'>' if self.low_open else '>='} {self.low:g}"
        high = "" if self.high is None else f"<= {self.high:g}"
        return " and ".join(x for x in (low, high) if x)


_COUNT, _SIZE, _UNIT, _COSINE = Range(0), Range(1), Range(0, 1), Range(-1, 1)
#: Allowed values of numeric recipe options, by name. Recipes share option names and each name means
#: the same thing in every recipe (a count of candidates, a cosine, a rate), so its range lives here
#: once. A factory may add or override entries with an ``option_ranges`` attribute (plugins).
OPTION_RANGES: dict[str, Range] = {
    **dict.fromkeys(("max_candidates", "beam_width", "max_iters", "max_new_tokens", "max_rounds", "max_words",
                     "num_candidates", "pop_size", "lm_top_k", "lm_window", "subword_top_k", "subword_beam",
                     "top_n", "window_size", "prerank"), _SIZE),
    **dict.fromkeys(("max_edit_distance", "min_word_length", "min_words"), _COUNT),
    **dict.fromkeys(("min_word_cos", "sim_threshold"), _COSINE),
    **dict.fromkeys(("max_perturb_rate", "max_rate", "c_min", "c_max", "omega_min", "omega_max"), _UNIT),
    "top_p": Range(0, 1, low_open=True),
    "temperature": Range(0, low_open=True),
    "v_max": Range(0, low_open=True),
    "lm_max_drop": Range(0),
    "max_sq_distance": Range(0, 4),
}


def check_recipe_option(factory: Callable, name: str, option: str, value: Any) -> Any:
    """``value`` checked against ``factory``'s annotation for ``option`` and its range; returns the
    value to pass (a number given for a ``str`` option as its text). Raises :class:`UsageError`."""
    try:
        hints = typing.get_type_hints(factory)
    except Exception:  # a plugin with annotations that do not resolve: no type to check against
        hints = {}
    value = _check_type(name, option, value, hints.get(option, Any))
    ranges = {**OPTION_RANGES, **getattr(factory, "option_ranges", {})}
    allowed = ranges.get(option)
    if allowed is not None and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and not allowed.allows(value):
        raise UsageError(f"recipe {name!r}: option {option}={value!r} is out of range; allowed: {allowed}")
    return value


def _accepted_types(annotation) -> tuple[set, bool]:
    """The plain types an annotation accepts, and whether it accepts anything (``object``, ``Any``)."""
    if annotation is Any or annotation is object:
        return set(), True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        accepted, anything = set(), False
        for arg in typing.get_args(annotation):
            sub, sub_any = _accepted_types(arg)
            accepted |= sub
            anything = anything or sub_any
        return accepted, anything
    if annotation is None or annotation is type(None):
        return {type(None)}, False
    if isinstance(annotation, type):
        return {annotation}, annotation is object
    return set(), True  # Callable, protocols, generics: not checked here


def _check_type(name: str, option: str, value: Any, annotation) -> Any:
    accepted, anything = _accepted_types(annotation)
    if anything:
        return value
    if isinstance(value, float) and not math.isfinite(value) and accepted & {int, float}:
        raise UsageError(f"recipe {name!r}: option {option}={value!r} must be a finite number")
    if value is None:
        if type(None) in accepted:
            return value
    elif isinstance(value, bool):
        if bool in accepted:
            return value
    elif isinstance(value, int):
        if accepted & {int, float}:
            return value
        if str in accepted:
            return str(value)
    elif isinstance(value, float):
        if float in accepted:
            return value
        if str in accepted:
            return str(value)
    elif isinstance(value, str):
        if str in accepted:
            return value
    elif any(isinstance(value, t) for t in accepted):
        return value
    names = {int: "an integer", float: "a number", bool: "true or false", str: "text", type(None): "none"}
    wanted = " or ".join(names.get(t, t.__name__) for t in sorted(accepted, key=lambda t: t.__name__))
    raise UsageError(f"recipe {name!r}: option {option}={value!r} must be {wanted}")


def build_recipe(factory: Callable, name: str, options: dict[str, Any]):
    """Call a recipe factory with ``options``; an option it does not take, a value of the wrong type or
    out of range, or a value the factory itself rejects is a usage error naming the option."""
    import inspect

    if options:
        params = inspect.signature(factory).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        accepted = [p for p, v in params.items() if v.kind in (v.KEYWORD_ONLY, v.POSITIONAL_OR_KEYWORD) and p != "goal"]
        unknown = sorted(set(options) - set(accepted))
        if unknown and not takes_any:
            raise UsageError(f"recipe {name!r} takes no option {', '.join(map(repr, unknown))}; "
                             f"its options: {', '.join(accepted) or 'none'}")
        options = {k: check_recipe_option(factory, name, k, v) for k, v in options.items()}
    try:
        return factory(**options)
    except (TypeError, ValueError, OverflowError) as exc:
        if not options:
            raise
        shown = ", ".join(f"{k}={v!r}" for k, v in options.items())
        raise UsageError(f"recipe {name!r} rejected its options ({shown}): {exc}") from exc


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
