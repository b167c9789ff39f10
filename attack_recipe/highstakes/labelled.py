"""A labelled dataset as a victim sees it: texts, label columns, and P(unsafe) for each text.

Labels are matched to the victim's classes the way ``attack-recipe run`` matches them (by name when
the dataset names its classes, see :func:`attack_recipe.evaluation.runner.align_labels`). Rows the
reader could not read, and rows whose label is not one of the victim's classes, are left out and
counted, with a warning naming the first few: a calibration must not silently rest on fewer rows
than the user thinks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

from ..errors import AttackRecipeError, UsageError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LabelledSet:
    """Rows of one dataset split, labels as the victim's column indices."""

    name: str
    split: str | None
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    labels: tuple[int, ...]
    left_out: int = 0  # unreadable rows and labels the victim does not know

    def __len__(self) -> int:
        return len(self.texts)

    def where(self, keep: Sequence[bool]) -> "LabelledSet":
        rows = [i for i, k in enumerate(keep) if k]
        return LabelledSet(self.name, self.split, tuple(self.ids[i] for i in rows),
                           tuple(self.texts[i] for i in rows), tuple(self.labels[i] for i in rows), self.left_out)

    def describe(self) -> str:
        return f"{self.name}" + (f" ({self.split})" if self.split else "")


def unsafe_index(victim, unsafe_class: int | str | None) -> int:
    """The victim's column of the unsafe class, given as a name or an index.

    None is allowed only for a victim with a class named "negative" (the built-in filter reading):
    every other victim must say which of its classes is the unsafe one.
    """
    labels = list(getattr(victim, "labels", ()))
    if unsafe_class is None or (isinstance(unsafe_class, str) and not unsafe_class.strip()):
        lowered = [str(n).lower() for n in labels]
        if "negative" in lowered:
            return lowered.index("negative")
        raise UsageError(f"name the unsafe class with --unsafe-class (one of {labels})")
    if isinstance(unsafe_class, str) and unsafe_class.strip().lstrip("-").isdigit() \
            and unsafe_class.strip().lower() not in [str(n).lower() for n in labels]:
        unsafe_class = int(unsafe_class)
    try:
        return victim.label_index(unsafe_class)
    except AttackRecipeError:
        raise UsageError(f"--unsafe-class {unsafe_class!r} is not a class of {victim.name}: its classes are {labels}") from None


def load_labelled(victim, dataset: str, split: str | None = None, *, num_examples: int | None = None,
                  offset: int = 0, text_column: str | None = None, label_column: str | None = None,
                  id_column: str | None = None) -> LabelledSet:
    """Read ``dataset`` (any spec ``attack-recipe run`` accepts) and map its labels to ``victim``'s classes."""
    from ..evaluation.runner import align_labels
    from ..resources.datasets import empty_reason, load_dataset_examples

    loaded = load_dataset_examples(dataset, split, text_column=text_column, label_column=label_column,
                                   num_examples=num_examples, offset=offset, id_column=id_column)
    ids, texts, labels, problems = [], [], [], []
    for e in align_labels(loaded.examples, getattr(loaded, "label_names", None), victim):
        if e.problem:
            problems.append(f"{e.id}: {e.problem}")
            continue
        try:
            label = victim.label_index(e.label)
        except AttackRecipeError as exc:
            problems.append(f"{e.id}: {exc}")
            continue
        ids.append(str(e.id))
        texts.append(e.text)
        labels.append(label)
    if problems:
        logger.warning("%s: %d row(s) left out (%s%s)", dataset, len(problems), "; ".join(problems[:3]),
                       "; ..." if len(problems) > 3 else "")
    if not texts:
        reason = empty_reason(loaded, offset) if not loaded.examples else f"none of its {len(problems)} rows is usable"
        raise UsageError(f"dataset {dataset!r}{f' split {loaded.split!r}' if loaded.split else ''}: {reason}")
    return LabelledSet(loaded.name, loaded.split, tuple(ids), tuple(texts), tuple(labels), len(problems))


def scores(victim, texts: Sequence[str], index: int) -> Any:
    """P(class ``index``) for each text as a float64 array (the victim batches internally)."""
    import numpy as np

    if not texts:
        return np.zeros(0)
    probs = victim(list(texts))
    return np.asarray(probs[:, index], dtype=np.float64)


def accuracy(victim, data: LabelledSet) -> float:
    """Argmax accuracy of ``victim`` on ``data`` (clean accuracy, apart from any threshold)."""
    import numpy as np

    probs = victim(list(data.texts))
    return float((probs.argmax(axis=1) == np.asarray(data.labels)).mean())
