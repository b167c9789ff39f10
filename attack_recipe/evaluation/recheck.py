"""Re-check a finished result against its recipe's constraints, independently of the search.

Each result records its edits in the order the search made them (``AttackResult.edits``). Replaying
them from the original rebuilds every intermediate text with its true predecessor, so each
constraint can be asked again about every step — constraints that compare with the original and
constraints that compare a step with the previous one (Jin et al.'s similarity check) alike. Used by
tests and benchmarks to show that every reported success is one its constraints allow.

Each step replays itself (:meth:`~attack_recipe.core.steps.EditStep.apply`): a word edit replaces
words in place, a rewrite (paraphrase) starts a new word grid that keeps the true original, exactly as
during the search, and post-transformation constraints are re-checked on every step alike.
Pre-transformation constraints (which word positions may change) judge the positions a step replaced
in place (:attr:`~attack_recipe.core.steps.EditStep.replaced_positions`); a rewrite replaces none —
it replaces the text — so they have nothing to judge there.
"""

from __future__ import annotations

from ..attacks.results import AttackResult, Status
from ..core.text import AttackedText


def replay(result: AttackResult) -> list[AttackedText]:
    """The texts the search went through, original excluded, rebuilt from ``result.edits``."""
    text = AttackedText(result.original_text)
    steps = []
    for step in result.edits:
        text = step.apply(text)
        steps.append(text)
    return steps


def violated_constraints(attack, result: AttackResult) -> list[str]:
    """Descriptions of the constraints the result breaks (empty when it satisfies all of them)."""
    if result.status is not Status.SUCCEEDED or result.perturbed_text is None:
        return []
    steps = replay(result)
    if not steps or steps[-1].text != result.perturbed_text:
        return ["edits do not reproduce the perturbed text"]
    broken: list[str] = []
    for n, (step, text) in enumerate(zip(result.edits, steps), start=1):
        broken += [f"step {n}: {c!r}" for c in attack.constraints if not c.check(text)]
        replaced = step.replaced_positions
        for pre in attack.pre_constraints if replaced else ():
            if not replaced <= pre.modifiable(text.previous):
                broken.append(f"step {n}: {pre!r}")
    if sorted(steps[-1].changed_indices) != list(result.changed_indices):
        broken.append("changed_indices do not match the edits")
    return broken
