""""Finish it for me": a registered recipe attacks the person's current text, within a time limit and a
query budget, and the page shows what it changed as a word diff.

The recipe is built as a run builds it (:func:`~attack_recipe.evaluation.recipe_options.build_recipe`,
options the studio was started with, e.g. ``mlm``, passed to recipes that take them), given the studio's
goal (P(unsafe) under the threshold, or a flip of the top class) and the run's validity judge, with a
valid-only search where a run would use one (:func:`~attack_recipe.evaluation.recipe_options.valid_only_default`).
Only names from the registry are accepted; the page lists those the victim can run (gradient recipes
need a white-box victim).
"""

from __future__ import annotations

import inspect
from typing import Any

from ..attacks.capabilities import check_capabilities, is_white_box
from ..evaluation.text_diff import diff_segments


def recipe_names(victim) -> list[str]:
    """Registered recipes that run on ``victim`` (building a recipe loads nothing)."""
    from .. import registry

    white_box = is_white_box(victim)
    return [name for name, factory in registry.available("recipe") if white_box or not factory().needs_gradients]


def build_attack(studio, recipe: str):
    """The recipe ``recipe`` aimed at the studio's goal, with its judge; raises UnknownNameError /
    WhiteBoxRequiredError (usage errors) for a name the registry lacks or the victim cannot serve."""
    from .. import registry
    from ..evaluation.recipe_options import build_recipe, valid_only_default

    name = registry.canonical_name("recipe", recipe)
    factory = registry.load("recipe", name)
    params = inspect.signature(factory).parameters
    options = {k: v for k, v in studio.recipe_options.items() if k in params}
    attack = build_recipe(factory, name, options).with_goal(studio.goal())
    check_capabilities(attack, studio.victim, needed_by=f"recipe {name!r}")
    return name, attack.with_judge(studio.judge, require_valid=valid_only_default(name, None))


def finish(studio, text: str, recipe: str, original: str | None = None) -> dict[str, Any]:
    """``/api/finish``: run ``recipe`` from ``text``; the result text (None when it found none), its
    word diff against ``text``, its score, and the judge's verdict against ``original`` (default ``text``)."""
    with studio.lock:
        name, attack = build_attack(studio, recipe)
        result = attack.run(studio.victim, text, studio.unsafe_index, example_id="studio", seed=0,
                            query_budget=studio.finish_query_budget, time_limit=studio.finish_time_limit)
        found = result.perturbed_text if result.status.value == "succeeded" else None
        out: dict[str, Any] = {"recipe": name, "status": result.status.value, "reason": result.reason,
                               "queries": result.queries, "seconds": round(result.seconds.total, 2),
                               "time_limit": studio.finish_time_limit, "query_budget": studio.finish_query_budget,
                               "text": found, "diff": None, "score": None, "valid": None, "reasons": []}
        if found is not None:
            verdict = studio.verdicts(original or text, [found])[0]
            out.update(diff=diff_segments(text, found), score=studio.score(found), valid=bool(verdict.valid),
                       reasons=list(verdict.reasons))
    return out
