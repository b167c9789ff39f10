"""Swap a word for what a language model predicts in its place (BAE's and BERT-Attack's candidates).

Two ways of asking a masked LM, after the two papers:

* ``method="bae"`` (Garg & Ramakrishnan 2020): replace the word by one mask token and take the
  ``max_candidates`` most likely tokens there; sub-word pieces and non-words are dropped afterwards.
* ``method="bert-attack"`` (Li et al. 2020): feed the text *unmasked* once and read the predictions at
  the word's own sub-word positions. A word of one piece takes the top ``max_candidates`` tokens. A word
  of n pieces would have ``K**n`` combinations; instead each position keeps its ``subword_top_k`` best
  pieces (4, as in the authors' code) and a beam of width ``subword_beam`` (default ``max_candidates``)
  walks the positions, keeping the best partial combinations by summed log-probability. The score is
  additive, so the beam returns exactly the ``subword_beam`` best of the ``subword_top_k**n``
  combinations, at a cost of at most ``n * subword_beam * subword_top_k`` partial scores
  (:func:`top_combinations`). Combinations that do not spell one whole word are dropped.

Without a masked LM (offline: none ships), both methods use the causal-LM fallback of
:mod:`attack_recipe.resources.mlm` and say so in their ``repr`` (``source=...``).

Only words with a letter are replaced (numbers keep their value). Candidates are whole words: alphabetic, and in ``vocabulary`` (GloVe's 65k words by default, as Garg &
Ramakrishnan filter with the GloVe vocabulary); ``vocabulary=None`` only requires alphabetic words.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ...errors import UsageError
from ...core.config_repr import config_repr
from ...core.text import AttackedText, word_spans
from ...resources.lazy import load_once
from .base import WordSwap, match_case

METHODS = ("bae", "bert-attack")


def top_combinations(options: Sequence[Sequence[tuple[int, float]]], beam_width: int) -> tuple[list, int]:
    """The ``beam_width`` best sequences picking one ``(id, log-prob)`` per position, by summed score.

    Returns ``(combinations, scored)`` where combinations are ``(ids, score)`` best first and
    ``scored`` counts the partial combinations scored (at most ``positions * beam_width * per_position``).
    Exact for additive scores: a prefix of a top-``beam_width`` sequence is a top-``beam_width`` prefix.
    """
    if beam_width < 1:
        raise UsageError(f"beam_width must be >= 1, got {beam_width}")
    beam: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
    scored = 0
    for position in options:
        expanded = [(ids + (tok,), score + lp) for ids, score in beam for tok, lp in position]
        scored += len(expanded)
        expanded.sort(key=lambda p: -p[1])  # stable: ties keep the order of the inputs
        beam = expanded[:beam_width]
        if not beam:
            break
    return (beam if options else []), scored


class WordSwapMaskedLM(WordSwap):
    """Replace a word by the whole words a (masked) language model predicts in its context.

    ``mlm``: a Hugging Face masked-LM id or folder (resolution and offline fallback in
    :mod:`attack_recipe.resources.mlm`). A folder that does not exist raises at construction.
    Its time in a search (model load included) is charged to the "lm" timer (``timer``).
    """

    timer = "lm"

    def __init__(self, method: str = "bae", max_candidates: int = 50, mlm: str | None = None,
                 vocabulary: str | None = "glove-6b-50d", subword_top_k: int = 4,
                 subword_beam: int | None = None, fallback_proposals: int | None = None):
        from ...resources.mlm import DEFAULT_MLM, check_spec

        if method not in METHODS:
            raise UsageError(f"unknown masked-LM method {method!r}; valid: {', '.join(METHODS)}")
        for name, value in (("max_candidates", max_candidates), ("subword_top_k", subword_top_k),
                            ("subword_beam", subword_beam), ("fallback_proposals", fallback_proposals)):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise UsageError(f"{name} must be an integer >= 1, got {value!r}")
        check_spec(mlm)
        self.method = method
        self.max_candidates = max_candidates
        self.mlm = mlm or DEFAULT_MLM
        self.vocabulary = vocabulary
        self.subword_top_k = subword_top_k
        self.subword_beam = subword_beam or max_candidates
        self.fallback_proposals = fallback_proposals or 2 * max_candidates
        self._source = None
        self._backend = None
        self._allowed: dict[int, str] | None = None

    # -- where candidates come from ------------------------------------------------------------
    @property
    def source(self):
        """The resolved :class:`~attack_recipe.resources.mlm.MLMSource` (cheap, memoised)."""
        if self._source is None:
            from ...resources.mlm import resolve_masked_lm

            self._source = resolve_masked_lm(self.mlm)
        return self._source

    def _model(self):
        return load_once(self, "_backend", self._load_backend)

    def _load_backend(self):
        from ...resources import mlm as res

        source = self.source
        if source.is_fallback:
            res.warn_fallback_once(source)
            return res.load_causal_proposer(self.vocabulary)
        model = res.load_masked_lm(source)
        ids, words, _ = res.word_tokens(model.tokenizer, res.load_vocabulary(self.vocabulary))
        self._allowed = dict(zip(ids, words))
        return model

    def __repr__(self) -> str:
        return f"{config_repr(self)[:-1]}, source={self.source.describe()!r})"

    # -- candidates ----------------------------------------------------------------------------
    def replacements(self, word: str, index: int, text: AttackedText, rng=None) -> Sequence[str]:
        return self.candidate_words(text, [index])[0]

    def __call__(self, text: AttackedText, indices: Iterable[int], rng=None) -> list[AttackedText]:
        indices = list(indices)
        out: list[AttackedText] = []
        for index, words in zip(indices, self.candidate_words(text, indices)):
            for new in words:
                out.append(text.replace_word(index, new))
        return out

    def candidate_words(self, text: AttackedText, indices: Sequence[int]) -> list[list[str]]:
        """Per index, up to ``max_candidates`` whole words (case matched, original excluded), best first.
        All indices are answered with one batched pass of the model."""
        # numbers and other letterless "words" ("11", "2015") get no candidates: a word in their place
        # changes the facts the text states, not its phrasing
        wordlike = [i for i in indices if any(ch.isalpha() for ch in text.words[i])]
        if len(wordlike) < len(indices):
            found = dict(zip(wordlike, self.candidate_words(text, wordlike)))
            return [found.get(i, []) for i in indices]
        if not indices:
            return []
        backend = self._model()
        if self.source.is_fallback:
            raw = self._from_causal(backend, text, indices)
        elif self.method == "bae":
            raw = self._bae(backend, text, indices)
        else:
            raw = self._bert_attack(backend, text, indices)
        out = []
        for index, words in zip(indices, raw):
            original = text.words[index]
            seen = {original.lower()}
            kept = []
            for w in words:
                if w.lower() not in seen:
                    seen.add(w.lower())
                    kept.append(match_case(original, w.lower()))
            out.append(kept[: self.max_candidates])
        return out

    def _from_causal(self, proposer, text, indices):
        spans, full = word_spans(text), text.text
        requests = [(full[: spans[i][0]], full[spans[i][1]:]) for i in indices]
        ranked = proposer.propose(requests, self.max_candidates, self.fallback_proposals)
        return [[w for w, _ in r] for r in ranked]

    def _bae(self, mlm, text, indices):
        import torch

        masked = [text.replace_word(i, mlm.mask_token).text for i in indices]
        mask_id = mlm.tokenizer.mask_token_id
        out = []
        for lp, _, ids in mlm.log_probs(masked):
            where = (ids == mask_id).nonzero()
            if len(where) == 0:  # the word lies beyond the model's max length
                out.append([])
                continue
            top = torch.topk(lp[int(where[0])], min(self.max_candidates, lp.shape[-1])).indices.tolist()
            out.append([self._allowed[t] for t in top if t in self._allowed])
        return out

    def _bert_attack(self, mlm, text, indices):
        import torch

        from ...resources.mlm import is_whole_word, load_vocabulary

        lp, offsets, _ = mlm.log_probs([text.text])[0]
        spans = word_spans(text)
        vocab = load_vocabulary(self.vocabulary)
        out = []
        for i in indices:
            start, end = spans[i]
            positions = [p for p, (s, e) in enumerate(offsets.tolist()) if e > s and s >= start and e <= end]
            if not positions:
                out.append([])
            elif len(positions) == 1:
                top = torch.topk(lp[positions[0]], min(self.max_candidates, lp.shape[-1])).indices.tolist()
                out.append([self._allowed[t] for t in top if t in self._allowed])
            else:
                options = []
                for p in positions:
                    values, ids = torch.topk(lp[p], self.subword_top_k)
                    options.append(list(zip(ids.tolist(), values.tolist())))
                combos, _ = top_combinations(options, self.subword_beam)
                words = []
                for ids, _ in combos:
                    word = mlm.tokenizer.convert_tokens_to_string(mlm.tokenizer.convert_ids_to_tokens(list(ids)))
                    word = word.strip()
                    if is_whole_word(word, vocab):
                        words.append(word.lower())
                out.append(words)
        return out
