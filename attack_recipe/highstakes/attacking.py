"""Attack recipes at a threshold: push P(unsafe) of flagged unsafe inputs under it, judged valid.

Each recipe runs through the harness (:func:`~attack_recipe.evaluation.harness.run_dataset`) into a
folder of its own, so a killed ``estimate`` or ``harden`` resumes where it stopped, and each folder
is a normal run folder (``attack-recipe report`` works on it). Only inputs the filter flags are
worth attacking (the others are failures already): callers pass those. The validity judge
(:func:`~attack_recipe.evaluation.runner.run_judge`) decides which successes are still what the
filter should catch; with the recipe's default, word-swap searches keep looking past rejected ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple, Sequence

from ..errors import UsageError

logger = logging.getLogger(__name__)


class Target(NamedTuple):
    """One unsafe input to attack (what the harness calls an example)."""

    id: str
    text: str
    label: int


@dataclass
class RecipeRun:
    recipe: str
    results: list
    summary: dict[str, Any]
    out_dir: Path
    judged: bool


def parse_recipes(spec: str | Sequence[str]) -> list[str]:
    """``"textfooler,paraphrase+swap"`` -> canonical registered names; unknown ones fail with suggestions."""
    from .. import registry

    names = [s.strip() for s in (spec.split(",") if isinstance(spec, str) else spec) if s and s.strip()]
    if len(set(names)) != len(names):
        raise UsageError(f"a recipe is named twice in {','.join(names)!r}")
    out = []
    for name in names:
        registry.load("recipe", name)  # raises UnknownNameError with a did-you-mean
        out.append(registry.canonical_name("recipe", name))
    return out


class ThresholdAttacker:
    """Runs recipes against one victim at one threshold, sharing one validity judge across them."""

    def __init__(self, victim, threshold: float, unsafe_index: int, *, judge: bool = True, seed: int = 0,
                 query_budget: int | None = None, time_limit: float | None = None, command: str = "harden"):
        self.victim, self.threshold, self.unsafe_index = victim, float(threshold), int(unsafe_index)
        self.seed, self.query_budget, self.time_limit, self.command = seed, query_budget, time_limit, command
        self._use_judge = judge
        self._judge = None

    @property
    def judge(self):
        if self._use_judge and self._judge is None:
            from ..evaluation.runner import run_judge

            self._judge = run_judge(self.victim)
        return self._judge

    def attack(self, recipe: str, targets: Sequence[Target], out_dir: Path, *, run_info: dict[str, Any] | None = None,
               on_result: Callable | None = None, overwrite: bool = False,
               options: dict[str, Any] | None = None) -> RecipeRun:
        """Run ``recipe`` (factory ``options``, as ``-O``) on ``targets`` into ``out_dir``."""
        from .. import registry
        from ..attacks.goals import Threshold
        from ..evaluation.harness import run_dataset
        from ..evaluation.recipe_options import build_recipe, valid_only_default

        attack = build_recipe(registry.load("recipe", recipe), recipe, dict(options or {}))
        attack = attack.with_goal(Threshold(class_index=self.unsafe_index, threshold=self.threshold))
        if self.judge is not None:
            attack = attack.with_judge(self.judge, require_valid=valid_only_default(recipe, None))
        info = {"recipe": recipe, "model": self.victim.name, "threshold": self.threshold,
                "unsafe_class": self.victim.labels[self.unsafe_index], **(run_info or {})}
        outcome = run_dataset(attack, self.victim, list(targets), seed=self.seed, query_budget=self.query_budget,
                              out_dir=out_dir, run_info=info, on_result=on_result, time_limit=self.time_limit,
                              command=self.command, overwrite=overwrite)
        return RecipeRun(recipe, outcome.results, outcome.summary, Path(out_dir), self.judge is not None)


def flagged_targets(victim, data, unsafe_index: int, threshold: float, *, limit: int, seed: int) -> list[Target]:
    """Up to ``limit`` unsafe rows of ``data`` that the filter flags, in the order of a permutation
    seeded by ``seed`` (each hardening round passes its own seed, so it attacks other inputs)."""
    import numpy as np

    from .labelled import scores

    unsafe_rows = [i for i, y in enumerate(data.labels) if y == unsafe_index]
    order = np.random.default_rng(seed).permutation(len(unsafe_rows))
    rows = [unsafe_rows[i] for i in order]
    out: list[Target] = []
    for start in range(0, len(rows), 256):  # score in chunks until enough flagged ones are found
        chunk = rows[start:start + 256]
        p = scores(victim, [data.texts[i] for i in chunk], unsafe_index)
        out += [Target(data.ids[i], data.texts[i], unsafe_index) for i, s in zip(chunk, p) if s >= threshold]
        if len(out) >= limit:
            break
    return out[:limit]


def valid_successes(run: RecipeRun, label_names: Sequence[str]) -> list[dict[str, Any]]:
    """The adversarial examples a run found that count: successes the judge accepts (all successes
    without a judge), as records for ``adversarial.jsonl`` (``label``: the class name, as the studio
    writes it)."""
    from ..attacks.results import Status

    out = []
    for r in run.results:
        if Status(r.status) is not Status.SUCCEEDED:
            continue
        if run.judged and not r.valid:
            continue
        out.append({"id": r.example_id, "original": r.original_text, "text": r.perturbed_text,
                    "label": label_names[r.label], "recipe": run.recipe, "queries": r.queries,
                    "seconds": round(r.seconds.total, 3), "judgement": r.judgement})
    return out
