"""Greedy search that ranks sentences first, then the words inside each (TextBugger's black-box order)."""

from __future__ import annotations

import re

from ..state import Scored
from ...core.text import AttackedText
from .base import SearchContext
from .greedy_wir import GreedyWordSwapWIR
from .ranking import rank_words

#: A separator between two words that ends a sentence: terminal punctuation (plus closing quotes or
#: brackets) followed by whitespace ("3.5" is no boundary), or a line break.
_SENTENCE_END = re.compile(r"[.!?]+['\"’”)\]]*\s|\n")


def sentence_spans(text: AttackedText) -> list[tuple[int, int]]:
    """``(first, last)`` word index of each sentence, in text order (one span for a one-sentence text)."""
    spans = []
    start = 0
    for i in range(text.num_words - 1):
        if _SENTENCE_END.search(text.separators[i + 1]):
            spans.append((start, i))
            start = i + 1
    if text.num_words:
        spans.append((start, text.num_words - 1))
    return spans


def sentence_text(text: AttackedText, first: int, last: int) -> AttackedText:
    """Sentence ``first..last`` on its own: its words, the separators between them, its end punctuation."""
    lead = text.separators[first]
    if first > 0:  # the separator before a later sentence starts with the previous sentence's end
        match = _SENTENCE_END.search(lead)
        lead = lead[match.end():].lstrip() if match else ""
    trail = text.separators[last + 1]
    if last < text.num_words - 1:
        match = _SENTENCE_END.search(trail)
        trail = trail[: match.end()].rstrip() if match else ""
    seps = [lead, *text.separators[first + 1 : last + 1], trail]
    return AttackedText(text.words[first : last + 1], seps)


class SentenceWordImportanceGreedy(GreedyWordSwapWIR):
    """TextBugger's black-box search: sentences by importance, then words within each sentence by
    deletion importance, then a greedy walk that keeps the most damaging allowed bug of each word.

    Sentence importance is the goal score of the sentence alone (lowest first = the sentence the victim
    most confidently assigns to the true class); sentences that already meet the goal on their own (for
    the untargeted goal: predicted ≠ y, the paper's rule) are dropped. Word importance is the goal
    score of the sentence with the word deleted. A text with one sentence is ranked as a whole
    (identical ranking, no extra query). All probes go through the run state, so they are counted and
    stop cleanly at the query budget.
    """

    def __init__(self, rank_sentences: bool = True):
        super().__init__(wir_method="delete")
        self.rank_sentences = rank_sentences

    def rank(self, ctx: SearchContext, initial: Scored) -> tuple[list[int], bool]:
        """Word indices in attack order, and False if the budget ran out while ranking."""
        text = initial.text
        spans = sentence_spans(text)
        if not self.rank_sentences or len(spans) <= 1:
            return rank_words(ctx, initial, "delete")
        import numpy as np

        allowed = set(ctx.modifiable(text))
        spans = [s for s in spans if allowed.intersection(range(s[0], s[1] + 1))]
        sentences = [sentence_text(text, a, b) for a, b in spans]
        scored = ctx.score(sentences)
        if len(scored) < len(sentences):
            return [], False
        kept = [k for k in np.argsort([r.score for r in scored], kind="stable") if not scored[k].success]
        probes, owners = [], []
        for k in kept:
            a, b = spans[k]
            for i in range(a, b + 1):
                if i in allowed:
                    probes.append(AttackedText(sentences[k].without_word(i - a)))
                    owners.append((k, i))
        results = ctx.score(probes)
        if len(results) < len(probes):
            return [], False
        order: list[int] = []
        for k in kept:
            mine = [(r.score, i) for r, (owner, i) in zip(results, owners) if owner == k]
            ranked = np.argsort([-s for s, _ in mine], kind="stable")
            order.extend(int(mine[j][1]) for j in ranked)
        return order, True
