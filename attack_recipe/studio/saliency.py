"""Which words the victim leans on, per word of the text, for the page's shading.

Two methods, after what the victim allows:

* ``gradient`` (white-box victims, :class:`~attack_recipe.models.base.GradientVictim`): the L2 norm of
  the loss gradient for the unsafe class with respect to each word's input embedding (sub-word rows
  summed), as Wallace et al. (2019, AllenNLP Interpret) and Redwood's tool did; the same quantity as
  the "gradient" word ranking of the greedy search. One backward pass, no queries. Unsigned: it says how
  much the word matters, not in which direction.
* ``leave-one-out`` (any victim): P(unsafe | text) - P(unsafe | text without the word), one batched
  victim call through the studio's scoring path. Signed: positive words push towards the unsafe class.

``weight`` is the raw number; the page scales the shading by the largest absolute weight of the text.
Words are the engine's (:class:`~attack_recipe.core.text.AttackedText`: URLs and @mentions are not
words), so ``word_index`` means the same word here and in ``/api/suggest``.
"""

from __future__ import annotations

from typing import Any

from ..attacks.capabilities import is_white_box, require_white_box
from ..core.text import AttackedText, word_spans
from ..errors import UnknownNameError

METHODS = ("auto", "gradient", "leave-one-out")


def saliency(studio, text: str, method: str = "auto") -> dict[str, Any]:
    """``/api/saliency``: ``{"method", "words": [{word, start, end, weight}], "score"}``."""
    if method not in METHODS:
        raise UnknownNameError("saliency method", method, METHODS)
    if method == "auto":
        method = "gradient" if is_white_box(studio.victim) else "leave-one-out"
    at = AttackedText(text)
    words = list(at.words)
    score = studio.probabilities([text])[0][studio.unsafe_index]
    if not words:
        weights: list[float] = []
    elif method == "gradient":
        import numpy as np

        require_white_box(studio.victim, "gradient saliency")
        with studio.lock:
            grads = np.asarray(studio.victim.word_gradients(words, studio.unsafe_index), dtype=float)
        weights = [float(x) for x in np.linalg.norm(grads, axis=1)]
    else:
        rows = studio.probabilities([at.without_word(i) for i in range(len(words))])
        weights = [score - row[studio.unsafe_index] for row in rows]
    spans = word_spans(at)
    return {"method": method, "score": score,
            "words": [{"word": w, "start": s, "end": e, "weight": x} for w, (s, e), x in zip(words, spans, weights)]}
