"""Ranked replacements for one word: the project's transformations propose, the victim ranks, the judge rules.

Candidates come from the same word swaps the recipes use (:func:`default_sources`): counter-fitted
embedding neighbours (TextFooler's), WordNet synonyms in the word's contextual sense (PWWS's), and a
language model's contextual candidates (BAE's: a masked LM when ``--mlm`` names one, else the packaged
causal LM's fallback, :mod:`attack_recipe.resources.mlm`). Each candidate text is scored through
:meth:`~.engine.Studio.probabilities` — the path ``/api/score`` takes — ranked by how much it lowers
P(unsafe), and judged by the validity judge against the text the person started from (is it still the
same, still unsafe, readable text?). The page gets the ``max_suggestions`` most score-lowering ones and
every valid one besides (on the built-in victim about 1 listed replacement in 50 is valid, and most
valid ones barely move the score, so they would otherwise fall off the list).
"""

from __future__ import annotations

from typing import Any

from ..core.text import AttackedText, word_spans
from ..errors import InputError

#: suggestion sources :func:`default_sources` knows, in the order the page lists them
SOURCE_NAMES = ("embedding", "wordnet", "lm")


def default_sources(names=SOURCE_NAMES, *, mlm: str | None = None, max_candidates: int = 15) -> dict[str, Any]:
    """``{name: transformation}`` for the sources in ``names``; every replacement is put into the
    replaced word's form and case (``inflect``), so "loved" gets "adored", not "adore"."""
    from ..attacks.transformations.embedding_swap import WordSwapEmbedding
    from ..attacks.transformations.masked_lm import WordSwapMaskedLM
    from ..attacks.transformations.wordnet_swap import WordSwapWordNet
    from ..errors import UnknownNameError

    unknown = [n for n in names if n not in SOURCE_NAMES]
    if unknown:
        raise UnknownNameError("suggestion source", unknown[0], SOURCE_NAMES)
    build = {
        "embedding": lambda: WordSwapEmbedding(max_candidates=max_candidates, inflect=True),
        "wordnet": lambda: WordSwapWordNet(max_candidates=max_candidates, senses="contextual", inflect=True),
        "lm": lambda: WordSwapMaskedLM(method="bae", max_candidates=max_candidates, mlm=mlm),
    }
    return {name: build[name]() for name in SOURCE_NAMES if name in names}


def suggest(studio, text: str, word_index: int, original: str | None = None) -> dict[str, Any]:
    """``/api/suggest``: replacements of word ``word_index`` of ``text``, most score-lowering first.

    Each: ``replacement``, the resulting ``text``, its ``score`` (P(unsafe)) and ``delta`` against
    ``text``'s, its ``probabilities``, top ``label`` and ``flagged``, the judge's ``valid`` and
    ``reasons`` (against ``original``, default ``text``), and the ``sources`` that proposed it.
    """
    at = AttackedText(text)
    if not 0 <= word_index < at.num_words:
        raise InputError(f"word_index {word_index} is out of range: the text has {at.num_words} words "
                         f"(0 to {at.num_words - 1})")
    start, end = word_spans(at)[word_index]
    proposed: dict[str, dict[str, Any]] = {}
    with studio.lock:
        for name, source in studio.sources.items():
            for candidate in source(at, [word_index]):
                entry = proposed.setdefault(candidate.text, {"replacement": candidate.words[word_index],
                                                             "text": candidate.text, "sources": []})
                if name not in entry["sources"]:
                    entry["sources"].append(name)
        proposed.pop(text, None)
        rows = studio.probabilities([text, *proposed])
        base = rows[0][studio.unsafe_index]
        verdicts = studio.verdicts(original or text, list(proposed)) if proposed else []
    ranked = sorted(zip(proposed.values(), rows[1:], verdicts), key=lambda item: item[1][studio.unsafe_index])
    # the most score-lowering ones, and every valid one however little it moves the score: valid
    # replacements are rare on a robust victim, and a person looks for them
    shown = [item for rank, item in enumerate(ranked) if rank < studio.max_suggestions or item[2].valid]
    suggestions = []
    for entry, probs, verdict in shown:
        assessed = studio.assess(probs)
        suggestions.append({**entry, "score": assessed["score"], "delta": assessed["score"] - base,
                            "probabilities": assessed["probabilities"], "label": assessed["label"],
                            "flagged": assessed["flagged"], "valid": bool(verdict.valid),
                            "reasons": list(verdict.reasons)})
    return {"word": at.words[word_index], "word_index": word_index, "start": start, "end": end,
            "score": base, "sources": list(studio.sources), "suggestions": suggestions}
