"""Re-check a finished result against its recipe's constraints, independently of the search.

Each result records its edits in the order the search made them (``AttackResult.edits``). Replaying
them from the original rebuilds every intermediate text with its true predecessor, so each
constraint can be asked again about every step — constraints that compare with the original and
constraints that compare a step with the previous one (Jin et al.'s similarity check) alike. Used by
tests and benchmarks to show that every reported success is one its constraints allow.

A rewrite step (a paraphrase, ``((REWRITE, new_text),)``) is replayed with
:meth:`~attack_recipe.core.text.AttackedText.rewrite`, so the rebuilt text has the same word grid
and the same true original as during the search; post-transformation constraints are re-checked on it
like on any step. Pre-transformation constraints (which word positions may change) are not asked
about a rewrite step: it changes no word position of its parent, it replaces the text.
"""

from __future__ import annotations

from ..attacks.results import AttackResult, Status
from ..core.text import AttackedText, is_rewrite_step


def replay(result: AttackResult) -> list[AttackedText]:
    """The texts the search went through, original excluded, rebuilt from ``result.edits``."""
    text = AttackedText(result.original_text)
    steps = []
    for step in result.edits:
        text = text.rewrite(step[0][1]) if is_rewrite_step(step) else text.replace_words(dict(step))
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
    for n, text in enumerate(steps, start=1):
        broken += [f"step {n}: {c!r}" for c in attack.constraints if not c.check(text)]
        for pre in () if text.is_rewrite else attack.pre_constraints:
            allowed = pre.modifiable(text.previous)
            if not text.newly_modified <= allowed:
                broken.append(f"step {n}: {pre!r}")
    if sorted(steps[-1].changed_indices) != list(result.changed_indices):
        broken.append("changed_indices do not match the edits")
    return broken
