"""The queue of starting examples: texts of the unsafe class that the victim flags.

A person starts from an example that really is unsafe (its dataset label is the unsafe class) and that
the filter catches (flagged: :meth:`~.engine.Studio.is_flagged`), and edits it until the filter lets it
through. When the dataset's labels cannot be matched to the victim's classes, every flagged example is
queued (the page shows the dataset label as given). Rows the loader could not read, and texts longer
than the page accepts, are left out.
"""

from __future__ import annotations

from typing import Any, Sequence


def dataset_label(example, label_names: Sequence[str] | None) -> str:
    """The example's label as a class name where the dataset names its classes, else as given."""
    label = example.label
    if isinstance(label, int) and not isinstance(label, bool) and label_names and 0 <= label < len(label_names):
        return str(label_names[label])
    return str(label)


def flagged_queue(studio, examples, label_names: Sequence[str] | None, max_chars: int) -> list[dict[str, Any]]:
    """``[{id, text, label, score, flagged}]`` in dataset order: the examples to start from."""
    usable = [e for e in examples if not getattr(e, "problem", None) and e.text.strip() and len(e.text) <= max_chars]
    # integer labels of a dataset that names no classes are column indices, as in a run
    labels = [dataset_label(e, label_names or studio.labels) for e in usable]
    known = {n.lower() for n in studio.labels}
    by_label = bool(labels) and all(label.lower() in known for label in labels)
    rows = studio.probabilities([e.text for e in usable])
    queue = []
    for example, label, probs in zip(usable, labels, rows):
        if not studio.is_flagged(probs):
            continue
        if by_label and label.lower() != studio.unsafe_class.lower():
            continue
        queue.append({"id": str(example.id), "text": example.text, "label": label,
                      "score": probs[studio.unsafe_index], "flagged": True})
    return queue
