"""Re-check a finished result against its recipe's constraints, independently of the search path.

Every post-transformation constraint compares a candidate with the *original* text, so the final
adversarial text can be judged on its own: rebuild it as an edit of the original and ask each
constraint (and the stopword rule) again. Used by tests and benchmarks to prove that what a recipe
reports as a success is one its constraints allow.
"""

from __future__ import annotations

from ..attacks.results import AttackResult, Status
from ..attacks.text import AttackedText


def violated_constraints(attack, result: AttackResult) -> list[str]:
    """Names of the constraints the result breaks (empty when it satisfies all of them)."""
    if result.status is not Status.SUCCEEDED or result.perturbed_text is None:
        return []
    original = AttackedText(result.original_text)
    perturbed = AttackedText(result.perturbed_text)
    if perturbed.num_words != original.num_words:
        return ["word count changed"]
    candidate = original.replace_words(
        {i: w for i, (w, o) in enumerate(zip(perturbed.words, original.words)) if w != o}
    )
    broken = [repr(c) for c in attack.constraints if not c.check(candidate)]
    for pre in attack.pre_constraints:
        # a pre-constraint judged on the original says which words could ever be changed
        if type(pre).__name__ != "RepeatModification" and not candidate.modified_indices <= pre.modifiable(original):
            broken.append(repr(pre))
    return broken
