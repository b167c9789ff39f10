"""Shared pieces of the population searches (genetic algorithm, particle swarm).

Why a member is rebuilt from the original: crossover and "turning" (PSO) produce a text whose words
come from two parents, so neither parent's edit path leads to it. A result must carry a path of
edits that every constraint accepts step by step (``evaluation/recheck.py`` replays it), so a mixed
text is rebuilt as single-word edits from the original, in ascending word order, and each step is
checked with the pre-constraints and the post-constraints. An edit whose step is rejected (e.g. it
would exceed the perturbed-words cap, or a language-model window check fails in that context) is
dropped, so the member becomes the closest text the constraints allow along that path. All
children's steps are checked in lockstep: one batched ``ctx.filter`` call per step depth.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from ..state import Scored
from ...core.text import AttackedText
from ...core.draws import draw_below
from .base import SearchContext

Genome = Mapping[int, str]


def genome(text: AttackedText) -> dict[int, str]:
    """The words of ``text`` that differ from its original, by index."""
    return {i: text.words[i] for i in sorted(text.modified_indices)}


def evaluate_distinct(ctx: SearchContext, texts: Iterable[AttackedText]) -> tuple[list[Scored], bool]:
    """Score each distinct text of ``texts`` (first occurrence kept, order kept) in one ``ctx.evaluate``.

    Returns the results and whether the call was complete (False when the query budget cut it short).
    """
    batch: dict[str, AttackedText] = {}
    for text in texts:
        batch.setdefault(text.text, text)
    results = ctx.evaluate(list(batch.values()))
    return results, len(results) == len(batch)


def rebuild(ctx: SearchContext, original: AttackedText, genomes: Sequence[Genome]) -> list[AttackedText]:
    """For each genome, a text reached from ``original`` by constraint-checked single-word edits.

    Edits are applied in ascending index order; a step that a pre-constraint forbids or a
    post-constraint rejects is skipped. Steps of all genomes at the same depth are filtered in one
    ``ctx.filter`` call, so model-backed constraints see one batch per depth.
    """
    current = [original] * len(genomes)
    pending = [sorted((i, w) for i, w in g.items() if original.words[i] != w) for g in genomes]
    depth = 0
    while True:
        proposals: list[tuple[int, AttackedText]] = []
        for k, edits in enumerate(pending):
            if depth < len(edits):
                index, word = edits[depth]
                if current[k].words[index] == word:
                    continue
                if not ctx.modifiable(current[k], [index]):
                    continue
                proposals.append((k, current[k].replace_word(index, word)))
        if not proposals and all(depth >= len(e) for e in pending):
            break
        if proposals:
            kept = {id(t) for t in ctx.filter([t for _, t in proposals])}
            for k, text in proposals:
                if id(text) in kept:
                    current[k] = text
        depth += 1
    return current


def best_of(results: Sequence[Scored], current: Scored) -> Scored:
    """The highest-scoring of ``results`` and ``current`` (``current`` wins ties)."""
    best = current
    for r in results:
        if r.score > best.score:
            best = r
    return best


def group_by_index(texts: Sequence[AttackedText]) -> dict[int, list[AttackedText]]:
    """Single-word neighbours grouped by the position they change (neighbour order kept)."""
    groups: dict[int, list[AttackedText]] = {}
    for t in texts:
        for i in sorted(t.newly_modified):
            groups.setdefault(i, []).append(t)
            break
    return groups


def sample(rng, weights) -> int:
    """An index drawn with probability proportional to ``weights`` (uniform if they are all zero)."""
    import numpy as np

    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    total = w.sum()
    if total <= 0:
        return draw_below(rng, len(w))
    return int(rng.choice(len(w), p=w / total))
