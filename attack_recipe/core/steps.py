"""Edit steps: the values a search path is made of, each able to replay itself.

A result records how its perturbed text was reached as a tuple of steps, oldest first
(``AttackResult.edits``, built by :meth:`AttackedText.edits`). There are two kinds:

* :class:`WordEdit` — word replacements in place, ``((index, new word), ...)``, on the current word
  grid (positions stay stable; see :mod:`attack_recipe.core.text`).
* :class:`Rewrite` — the whole text replaced by a new one (a paraphrase), which starts a new word grid.

What differs between the two lives here, not in every caller: :meth:`EditStep.apply` replays a step
(``evaluation/recheck.py`` is ``step.apply(text)`` in a loop), :attr:`EditStep.replaced_positions`
says which positions of the text it is applied to were replaced in place (what pre-transformation
constraints judge; a rewrite replaces none, it starts a new grid), and :meth:`EditStep.to_json` /
:func:`step_from_json` give the on-disk form.

On disk (one ``results.jsonl`` line) a word edit is ``[[index, word], ...]`` and a rewrite is
``[[-1, new_text]]``, exactly as before these types existed: files stay byte-identical, a run folder
written by an older version resumes, and an older reader still reads new files. The ``-1`` is known
to this module only.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Mapping

if TYPE_CHECKING:
    from .text import AttackedText

#: The on-disk word index of a rewrite step, ``[[-1, new_text]]``; real word indices are never negative.
_REWRITE_INDEX = -1


class EditStep(abc.ABC):
    """One step of a search path: how a text was derived from its parent."""

    #: True when the step starts a new word grid (its result shares no word positions with its parent).
    starts_grid: ClassVar[bool] = False

    @abc.abstractmethod
    def apply(self, text: "AttackedText") -> "AttackedText":
        """The text this step makes from ``text`` (its parent), with the same bookkeeping as in the search."""

    @property
    @abc.abstractmethod
    def replaced_positions(self) -> frozenset[int]:
        """Word positions of the parent that this step replaces in place (empty for a rewrite)."""

    @abc.abstractmethod
    def to_json(self) -> list[list[Any]]:
        """The step's form in a results line (see the module docstring)."""


@dataclass(frozen=True)
class WordEdit(EditStep):
    """Replace word ``index`` by ``word`` for each pair, in place; pairs are kept sorted by index.

    ``WordEdit({3: "fine"})`` and ``WordEdit(((3, "fine"),))`` are the same step.
    """

    replacements: tuple[tuple[int, str], ...]

    def __post_init__(self) -> None:
        pairs = self.replacements.items() if isinstance(self.replacements, Mapping) else self.replacements
        normal = dict(_pair(p) for p in pairs)
        object.__setattr__(self, "replacements", tuple(sorted(normal.items())))

    def apply(self, text: "AttackedText") -> "AttackedText":
        return text.replace_words(dict(self.replacements))

    @property
    def replaced_positions(self) -> frozenset[int]:
        return frozenset(i for i, _ in self.replacements)

    def to_json(self) -> list[list[Any]]:
        return [[i, w] for i, w in self.replacements]


@dataclass(frozen=True)
class Rewrite(EditStep):
    """Replace the whole text by ``text`` (a paraphrase): a new word grid that still knows the original."""

    text: str
    starts_grid: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"Rewrite.text must be a string, got {type(self.text).__name__}")

    def apply(self, text: "AttackedText") -> "AttackedText":
        return text.rewrite(self.text)

    @property
    def replaced_positions(self) -> frozenset[int]:
        return frozenset()

    def to_json(self) -> list[list[Any]]:
        return [[_REWRITE_INDEX, self.text]]


def _pair(pair: Iterable[Any]) -> tuple[int, str]:
    index, word = pair
    if isinstance(index, bool) or int(index) != index or int(index) < 0:
        raise ValueError(f"a word edit needs a word index >= 0, got {index!r}")
    return int(index), str(word)


def step_from_json(raw: Any) -> EditStep:
    """Read one step of a results line: ``[[-1, text]]`` is a :class:`Rewrite`, anything else a :class:`WordEdit`."""
    pairs = [tuple(p) for p in raw]
    if any(len(p) != 2 for p in pairs):
        raise ValueError(f"an edit step is a list of [index, word] pairs, got {raw!r}")
    if len(pairs) == 1 and not isinstance(pairs[0][0], bool) and pairs[0][0] == _REWRITE_INDEX:
        return Rewrite(str(pairs[0][1]))
    return WordEdit(tuple(pairs))
