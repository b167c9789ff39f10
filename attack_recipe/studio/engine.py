"""The studio's loaded state: the victim, which class is "unsafe", the filter's threshold, and the one
scoring path every endpoint goes through.

Why one path: the page promises that a suggestion's score is what ``/api/score`` says about the text it
produces. Both ask :meth:`Studio.probabilities`, which sends texts to the victim in one batch and keeps
the answers by text, so the same text always gets the same numbers (a transformer's output can move in
the last digits with the batch it was padded in; a cached text cannot).

Flagged: with a threshold file, a text is flagged when P(unsafe) >= threshold (the calibrated filter of
the high-stakes loop); without one, when the victim's top class is the unsafe class (the decision
boundary, drawn at 0.5 for a two-class victim). The unsafe class is the file's ``unsafe_class``, else
``--unsafe-class``, else the victim's class named "negative" if it has one, else class 1.

The victim, the judge and the transformations are not known to be thread-safe and the CPU is small:
one re-entrant lock (:attr:`Studio.lock`) serialises every model call; the page is for one person.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any, Mapping, Sequence

from ..errors import UsageError
from ..highstakes.threshold_file import ThresholdSpec

logger = logging.getLogger(__name__)

#: the class a sentiment victim's filter is taken to flag when nothing says otherwise
DEFAULT_UNSAFE_NAME = "negative"


def resolve_unsafe_class(labels: Sequence[str], threshold: ThresholdSpec | None, unsafe_class: str | None) -> int:
    """The column index of the unsafe class (see the module docstring for the order)."""
    lowered = [str(n).lower() for n in labels]

    def index_of(name: str, where: str) -> int:
        if name.lower() in lowered:
            return lowered.index(name.lower())
        if name.strip().isdigit() and int(name) < len(labels):
            return int(name)
        raise UsageError(f"{where} names the unsafe class {name!r}, which is not one of the victim's classes "
                         f"{list(labels)}")

    if len(labels) < 2:
        raise UsageError(f"the studio needs a victim with at least two classes, got {list(labels)}")
    if threshold is not None:
        index = index_of(threshold.unsafe_class, f"threshold file {threshold.source}")
        if unsafe_class is not None and index_of(unsafe_class, "--unsafe-class") != index:
            raise UsageError(f"--unsafe-class {unsafe_class!r} contradicts the threshold file {threshold.source}, "
                             f"which is calibrated on {threshold.unsafe_class!r}; drop one of them")
        return index
    if unsafe_class is not None:
        return index_of(unsafe_class, "--unsafe-class")
    return lowered.index(DEFAULT_UNSAFE_NAME) if DEFAULT_UNSAFE_NAME in lowered else 1


class Studio:
    """What the page works with. Build it with :func:`attack_recipe.studio.server.build_studio` (from CLI
    options) or directly (tests pass a tiny victim, a tiny judge and stand-in suggestion sources).

    ``judge``: anything with ``judge_many([(original, perturbed, label), ...])`` (None: the run's
    :class:`~attack_recipe.evaluation.judge.ValidityJudge`, loaded on first use). ``sources``: name ->
    :class:`~attack_recipe.attacks.transformations.base.Transformation` proposing replacements
    (None: :func:`~.suggestions.default_sources`). ``recipe_options``: keyword arguments for "finish it
    for me" recipes that accept them (e.g. ``{"mlm": ...}``).
    """

    def __init__(self, victim, *, model_name: str | None = None, threshold: ThresholdSpec | None = None,
                 unsafe_class: str | None = None, judge: Any = None, sources: Mapping[str, Any] | None = None,
                 recipe_options: Mapping[str, Any] | None = None, finish_time_limit: float = 60.0,
                 finish_query_budget: int | None = 2000, max_suggestions: int = 30, cache_size: int = 20_000):
        self.victim = victim
        self.labels: tuple[str, ...] = tuple(str(n) for n in victim.labels)
        self.model_name = model_name or str(getattr(victim, "name", type(victim).__name__))
        self.threshold = threshold
        self.unsafe_index = resolve_unsafe_class(self.labels, threshold, unsafe_class)
        self._judge = judge
        self._sources = dict(sources) if sources is not None else None
        self.recipe_options = dict(recipe_options or {})
        self.finish_time_limit = finish_time_limit
        self.finish_query_budget = finish_query_budget
        self.max_suggestions = max_suggestions
        self.lock = threading.RLock()
        self._cache: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._cache_size = cache_size

    # -- the filter ----------------------------------------------------------------------------
    @property
    def unsafe_class(self) -> str:
        return self.labels[self.unsafe_index]

    @property
    def threshold_line(self) -> float | None:
        """Where the page draws the filter on P(unsafe): the calibrated threshold, 0.5 for a two-class
        victim's decision boundary, None for a boundary that is no single number (3+ classes)."""
        if self.threshold is not None:
            return self.threshold.threshold
        return 0.5 if len(self.labels) == 2 else None

    @property
    def boundary(self) -> str:
        """One sentence for the page: what "flagged" means here and where it comes from."""
        if self.threshold is not None:
            return (f"flagged when P({self.unsafe_class}) >= {self.threshold.threshold:g} "
                    f"(threshold from {self.threshold.source})")
        return (f"flagged when the victim's top class is {self.unsafe_class!r} (the decision boundary: no "
                f"threshold file given; --threshold FILE from `attack-recipe calibrate` sets one)")

    def is_flagged(self, probs) -> bool:
        if self.threshold is not None:
            return float(probs[self.unsafe_index]) >= self.threshold.threshold
        return int(max(range(len(probs)), key=lambda i: probs[i])) == self.unsafe_index

    def goal(self):
        """What "finish it for me" pursues: P(unsafe) under the threshold, or a flip of the top class."""
        from ..attacks.goals import Threshold, Untargeted

        if self.threshold is not None:
            return Threshold(self.unsafe_index, self.threshold.threshold)
        return Untargeted()

    # -- scoring: the one path -------------------------------------------------------------------
    def probabilities(self, texts: Sequence[str]) -> list[tuple[float, ...]]:
        """The victim's probabilities for each text, one batch for those not seen before."""
        texts = list(texts)
        with self.lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if todo:
                for text, row in zip(todo, self.victim(todo)):
                    self._cache[text] = tuple(float(p) for p in row)
            out = []
            for t in texts:
                self._cache.move_to_end(t)
                out.append(self._cache[t])
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return out

    def assess(self, probs: Sequence[float]) -> dict[str, Any]:
        """What the page shows for one probability row: every class's probability, the top class,
        P(unsafe) (``score``) and whether the filter flags it."""
        top = max(range(len(probs)), key=lambda i: probs[i])
        return {"probabilities": dict(zip(self.labels, probs)), "label": self.labels[top],
                "score": probs[self.unsafe_index], "flagged": self.is_flagged(probs)}

    def score(self, text: str) -> dict[str, Any]:
        """``/api/score``: :meth:`assess` of ``text`` plus the threshold line and the unsafe class."""
        return {**self.assess(self.probabilities([text])[0]), "threshold": self.threshold_line,
                "unsafe_class": self.unsafe_class}

    # -- the judge -------------------------------------------------------------------------------
    @property
    def judge(self):
        """The validity judge (the same one a run builds: runner.run_judge, label polarity from the
        victim's class names), loaded on first use."""
        with self.lock:
            if self._judge is None:
                from ..evaluation.runner import run_judge

                self._judge = run_judge(self.victim)
            return self._judge

    def verdicts(self, original: str, texts: Sequence[str]) -> list:
        """The judge's verdict on each text as a stand-in for ``original``, still of the unsafe class."""
        with self.lock:
            return self.judge.judge_many([(original, t, self.unsafe_index) for t in texts])

    @property
    def sources(self) -> dict[str, Any]:
        if self._sources is None:
            from .suggestions import default_sources

            self._sources = default_sources()
        return self._sources

    def warm_up(self) -> None:
        """Load the judge's and the suggestion sources' resources now, so the first click is quick."""
        from ..core.text import AttackedText

        probe = AttackedText("This is a quick probe of the tools.")
        with self.lock:
            self.verdicts(probe.text, [probe.replace_word(4, "fast").text])
            for name, source in list(self.sources.items()):
                try:
                    source(probe, [4])
                except Exception as exc:  # noqa: BLE001 - a broken source is reported by name and skipped
                    logger.warning("suggestion source %s does not work and is left out: %s: %s",
                                   name, type(exc).__name__, exc)
                    self._sources.pop(name)
