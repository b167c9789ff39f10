"""Perturbed copies of a dataset, label kept, judged valid: training data outside the rounds.

What TextAttack's ``Augmenter`` does, with our recipes' transformations and constraints and our
validity judge: for each example, up to ``copies`` variants, each built by changing about
``pct_words`` of its modifiable words one at a time (positions in a seeded random order; at each
position one candidate that passes every constraint is drawn at random). No victim is involved, so
only recipes whose transformation needs nothing but the text qualify (word swaps, character edits);
gradient swaps need a victim and paraphrases a generator. A variant is kept only when the judge
accepts it for the example's label, so a "copy" that flips the sentiment word never becomes
training data with the old label.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import UsageError

logger = logging.getLogger(__name__)


@dataclass
class AugmentStats:
    examples: int = 0
    proposed: int = 0  # distinct variants built
    kept: int = 0  # of them, judged valid (or all, without the judge)
    rejected: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"examples": self.examples, "proposed": self.proposed, "kept": self.kept,
                "rejected_by_rule": self.rejected or {}}


def _needs_context(transformation) -> bool:
    """True if the transformation asks the search context for a victim or a generator."""
    from ..attacks.transformations.base import Composite, Transformation

    if isinstance(transformation, Composite):
        return any(_needs_context(t) for t in transformation.transformations)
    return type(transformation).propose is not Transformation.propose


def augmenter(recipe: str):
    """The recipe's attack, checked to be usable without a victim."""
    from .. import registry
    from ..evaluation.recipe_options import build_recipe

    attack = build_recipe(registry.load("recipe", recipe), recipe, {})
    if attack.needs_gradients or _needs_context(attack.transformation):
        raise UsageError(f"recipe {recipe!r} cannot augment without a victim or a generator (its "
                         f"transformation {type(attack.transformation).__name__} asks for one); use a word-swap or "
                         "character-edit recipe (textfooler, pwws, deepwordbug, textbugger, a2t, genetic, pso)")
    return attack


def variants(attack, text: str, *, copies: int, pct_words: float, rng, max_tries: int = 4) -> list[str]:
    """Up to ``copies`` distinct perturbed texts of ``text`` (see the module docstring)."""
    from ..core.text import AttackedText

    original = AttackedText(text)
    allowed = set(range(len(original.words)))
    for pre in attack.pre_constraints:
        allowed &= set(pre.modifiable(original))
    if not allowed:
        return []
    per_copy = max(1, math.ceil(pct_words * len(original.words)))
    found: list[str] = []
    for _ in range(copies * max_tries):
        if len(found) >= copies:
            break
        current = original
        positions = list(allowed)
        rng.shuffle(positions)
        changed = 0
        for index in positions:
            if changed >= per_copy:
                break
            candidates = attack.transformation(current, [index], rng)
            for c in attack.constraints:
                if not candidates:
                    break
                candidates = c.filter(candidates)
            if candidates:
                current = candidates[int(rng.integers(len(candidates)))]
                changed += 1
        if changed and current.text != text and current.text not in found:
            found.append(current.text)
    return found


def augment(recipe: str, examples, *, label_names, copies: int = 2, pct_words: float = 0.1, seed: int = 0,
            judge: bool = True, on_example: Callable[[int], None] | None = None) -> tuple[list[dict[str, Any]], AugmentStats]:
    """Records ``{id, original, text, label, recipe, judgement}`` for every kept variant of ``examples``
    (objects with ``id``, ``text``, ``label``), and the counts."""
    from ..attacks.attack import example_rng

    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        raise UsageError(f"--copies must be an integer >= 1, got {copies!r}")
    if not 0.0 < pct_words <= 1.0:
        raise UsageError(f"--pct-words must be in (0, 1], got {pct_words}")
    attack = augmenter(recipe)
    the_judge = _judge(label_names) if judge else None
    stats = AugmentStats(rejected={})
    records: list[dict[str, Any]] = []
    for n, e in enumerate(examples):
        if getattr(e, "problem", None):
            continue
        stats.examples += 1
        for c in attack.constraints:
            c.reset()  # constraints that remember an example (e.g. a similarity cache) start afresh
        texts = variants(attack, e.text, copies=copies, pct_words=pct_words, rng=example_rng(seed, e.id))
        stats.proposed += len(texts)
        label = _label_index(e.label, label_names)
        verdicts = the_judge.judge_many([(e.text, t, label) for t in texts]) if the_judge and texts else [None] * len(texts)
        for t, verdict in zip(texts, verdicts):
            if verdict is not None and not verdict.valid:
                for reason in verdict.reasons:
                    key = str(reason).split(":")[0]
                    stats.rejected[key] = stats.rejected.get(key, 0) + 1
                continue
            records.append({"id": f"{e.id}-aug{len(records)}", "source_id": str(e.id), "original": e.text, "text": t,
                            "label": e.label, "recipe": recipe,
                            "judgement": None if verdict is None else {"valid": True, "reasons": list(verdict.reasons)}})
            stats.kept += 1
        if on_example:
            on_example(n)
    return records, stats


def _label_index(label, label_names):
    if isinstance(label, str) and label_names:
        lowered = [str(n).lower() for n in label_names]
        if label.lower() in lowered:
            return lowered.index(label.lower())
    return label


def _judge(label_names):
    from ..evaluation.runner import label_polarity, new_judge

    return new_judge(label_polarity=label_polarity(label_names))
