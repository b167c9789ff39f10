"""Sentence-encoder similarity between a candidate and a reference text, over a window of words.

Follows Jin et al.'s reference code for TextFooler by default: the compared span is the
``window_size`` words around the changed word (shifted, not shrunk, at the text edges), or the whole
text when it is shorter than the window (TextAttack skips the check for such texts; we do not).

``compare_against`` chooses the reference:

* ``"previous"`` (Jin et al.): the text before this step's edit, around the newly changed word(s).
  Each step is judged on its own increment, so the drift over many steps is not bounded.
* ``"original"`` (stricter): the original text, over the window of *every* changed word, so the final
  example alone satisfies the constraint.

Windows only line up when the candidate and its reference share a word grid
(:meth:`AttackedText.aligned_with`). A rewrite (paraphrase, :meth:`AttackedText.rewrite`) starts a new
grid, so a rewritten candidate is compared *whole* with its reference (the original, or for
``"previous"`` the text it rewrote); word swaps made after a rewrite are compared whole with the
original too, so the bound against the original holds across both.

Both are re-checkable: a result records its edits in order (``AttackResult.edits``), and
``evaluation/recheck.py`` replays them step by step. Texts are encoded in one batch per call and the
encoder caches embeddings by text, so reference windows are encoded once.
"""

from __future__ import annotations

import copy
import math
from typing import Sequence

from ..core.text import AttackedText
from ..errors import UsageError
from ..resources.lazy import load_once, name_and_object
from .base import Constraint

#: Jin et al.'s USE threshold expressed as an angular similarity (TextAttack's reading of their code).
TEXTFOOLER_ANGULAR_THRESHOLD = 0.840845057

METRICS = ("cosine", "angular")
REFERENCES = ("previous", "original")


class SentenceSimilarity(Constraint):
    """similarity(reference window, candidate window) >= ``threshold`` around the changed word(s)."""

    timer = "encoder"
    #: the encoder's numeric precision (resources/encoder.py ``PRECISIONS``): float32, or bfloat16 for
    #: speed on CPUs that have it, at the cost of decisions within ~0.003 of the threshold
    precision: str = "float32"

    def __init__(self, threshold: float = TEXTFOOLER_ANGULAR_THRESHOLD, metric: str = "angular",
                 window_size: int | None = 15, encoder: str | object | None = None,
                 compare_against: str = "original", precision: str = "float32"):
        if metric not in METRICS:
            raise UsageError(f"metric must be one of {METRICS}, got {metric!r}")
        if compare_against not in REFERENCES:
            raise UsageError(f"compare_against must be one of {REFERENCES}, got {compare_against!r}")
        self.compare_against = compare_against
        self.threshold = threshold
        self.metric = metric
        self.window_size = window_size
        self.encoder, self._encoder = name_and_object(encoder)
        self._encoder_given = self._encoder is not None
        if precision != "float32":
            self._set_precision(precision)

    def with_precision(self, precision: str) -> "SentenceSimilarity":
        """A copy of this constraint whose encoder (loaded by name) runs in ``precision``."""
        clone = copy.copy(self)
        clone._set_precision(precision)
        clone._encoder = None  # loaded again, in that precision
        return clone

    def _set_precision(self, precision: str) -> None:
        """An instance attribute only when not float32: every float32 run's repr (its fingerprint)
        stays as it was."""
        from ..resources.encoder import check_precision

        if self._encoder_given:
            raise UsageError("precision applies to an encoder loaded by name; this one was passed as an object")
        if check_precision(precision) == "float32":
            self.__dict__.pop("precision", None)
        else:
            self.precision = precision

    def _model(self):
        from ..resources.encoder import load_sentence_encoder

        return load_once(self, "_encoder", load_sentence_encoder, self.encoder, precision=self.precision)

    def reset(self) -> None:
        """Drop cached embeddings: an embedding computed in another example's batch can differ in the
        last float bits, which would make results depend on example order (and break resume)."""
        if self._encoder is not None and hasattr(self._encoder, "clear_cache"):
            self._encoder.clear_cache()

    def _to_metric(self, cos: float) -> float:
        if self.metric == "cosine":
            return cos
        return 1.0 - math.acos(max(-1.0, min(1.0, cos))) / math.pi

    def similarities(self, candidates: Sequence[AttackedText]) -> list[float]:
        """Per candidate, the smallest similarity over the windows of its (newly) changed words."""
        pairs: list[list[tuple[str, str]]] = []
        texts: dict[str, None] = {}
        for cand in candidates:
            if self.compare_against == "previous":
                reference, indices = cand.previous, sorted(cand.newly_modified)
            else:
                reference, indices = cand.original, sorted(cand.modified_indices)
            indices = indices or [0]
            if not cand.aligned_with(reference):
                windows = {(reference.text, cand.text)}
            else:
                windows = {(reference.window(i, self.window_size), cand.window(i, self.window_size))
                           for i in indices}
            pairs.append(sorted(windows))
            for a, b in windows:
                texts.setdefault(a)
                texts.setdefault(b)
        if not texts:
            return []
        order = list(texts)
        vectors = self._model().encode(order)
        row = {t: i for i, t in enumerate(order)}
        out = []
        for cand_pairs in pairs:
            sims = [float(vectors[row[a]] @ vectors[row[b]]) for a, b in cand_pairs]
            out.append(min(self._to_metric(s) for s in sims))
        return out

    def filter(self, candidates, state=None):
        candidates = list(candidates)
        kept = []
        for cand, sim in zip(candidates, self.similarities(candidates)):
            if state is not None:
                state.similarity[cand.text] = sim
            if sim >= self.threshold:
                kept.append(cand)
        return kept

    def check(self, candidate: AttackedText) -> bool:
        return self.similarities([candidate])[0] >= self.threshold
