"""The dataset types every loader returns: labeled examples and a loaded split."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """One labeled text. ``label`` is a class index (int) or a class name (str) the victim maps.

    ``problem`` is set for a row the loader could not read ("line 7: not valid JSON: ..."): the row
    keeps its place and id, and the harness records it as an ``error`` result without asking the
    victim, so one bad line costs one example, not the dataset.
    """

    id: str
    text: str
    label: int | str
    problem: str | None = None


@dataclass(frozen=True)
class LoadedDataset:
    """Examples of one split, with class names when the source defines them (index -> name)."""

    name: str
    split: str
    examples: tuple[Example, ...]
    label_names: tuple[str, ...] | None
    #: examples in the split before an offset / num_examples slice (None: not sliced)
    total: int | None = None

    def __len__(self) -> int:
        return len(self.examples)

    def to_hf(self):
        """The examples as a Hugging Face ``datasets.Dataset`` (columns id, text, label; ClassLabel if named).

        Built-in and local data are read with the standard library (importing ``datasets`` costs
        more than reading these files); this gives them the ``datasets`` interface when you want it.
        """
        import datasets

        features = datasets.Features({
            "id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=list(self.label_names))
            if self.label_names and all(isinstance(e.label, int) for e in self.examples)
            else datasets.Value("string" if any(isinstance(e.label, str) for e in self.examples) else "int64"),
        })
        return datasets.Dataset.from_dict(
            {"id": [e.id for e in self.examples], "text": [e.text for e in self.examples],
             "label": [e.label for e in self.examples]},
            features=features, split=self.split,
        )
