"""A validity judge that sees one changed word: readable rules over word-level and whole-text signals.

Why: a perplexity ratio and a sentence-embedding cosine (:mod:`attack_recipe.evaluation.validity`)
barely move when one word changes, yet "he is so excellent" -> "he is so lacking" is a different
tweet. A careful reader looks at the changed words: is the substitute a synonym in this sense, the
same part of speech, of the same polarity? Is a name, a number or an addressee changed? Is it a typo
that still reads as the word, or garbage? The judge asks exactly those questions, one signal each
(:mod:`attack_recipe.evaluation.word_signals`), and combines them with a few thresholds
(:class:`JudgeThresholds`); every rejection says why, e.g. ``"antonym: excellent -> lacking"``.

How a pair is read (``judge_many``):

1. Align the two texts token by token (:mod:`attack_recipe.evaluation.text_diff`); case-only changes
   are no change.
2. Classify each replacement: *typo* (the substitute is no dictionary word and within 1-2 character
   edits; or a dictionary word one slip away from a word of 4+ letters that does not turn the
   meaning around, "made" -> "mad"; or a slip that breaks the word's case pattern, "LAS" -> "LAbS"),
   *garbled* (no dictionary word, further away), *inflection* (same base form: "cool" -> "cooler")
   or *swap* (another word). Insertions and deletions are their own kind.
3. Word rules. Protected tokens (@mentions, URLs, numbers, hashtags, named entities / proper nouns)
   may only get a readable typo. A swap is accepted only with positive evidence of synonymy — a
   WordNet relation in the word's contextual sense (a shared synset, a similar adjective or verb
   group, a direct hypernym; never a hyponym) *and* word vectors that agree, or a spelling variant
   (1-2 character edits, close vectors) — and none of: antonym, negation added/removed, polarity
   flipped/removed/added (VADER), part of speech or verb/noun form changed (spaCy, in context).
4. Text rules: share of words changed, fluency (perplexity ratio under the causal LM) and meaning
   (cosine under the independent E5 encoder), both measured on the text with typos put back, so
   they judge the word swaps (a typo always raises perplexity; typos have their own rules).
5. In context (``judge_many`` only): each accepted word swap put alone into the original, scored by the
   causal LM over the whole text; a synonym in the wrong sense for this sentence makes it much less
   likely ("call her back" -> "name her back").

A pair is valid when no rule fires. Thresholds were set on the development pairs in
``../shared/validity`` and by reading pairs (docs/judge.md). Models load on first use, each once;
work is batched over all pairs (one tagger pass, one LM pass, one encoder pass).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
import re
from typing import Any, Iterable, Mapping, Sequence

from ..resources.text_cache import clear_model_caches
from ..resources.pos import overlapping_tokens
from . import word_signals as ws
from .text_diff import Change, Token, diff_tokens, restore, tokenize

log = logging.getLogger(__name__)

#: texts whose spaCy tokens the judge keeps (oldest dropped first)
_TAG_CACHE = 20_000

_PROTECTED_NAMES = {"mention": "mention", "url": "url", "email": "e-mail", "number": "number",
                    "hashtag": "hashtag", "entity": "entity"}


@dataclasses.dataclass(frozen=True)
class JudgeThresholds:
    """The judge's few numbers. Cosine thresholds are for the word-vector space in use (GloVe 6B-50d by
    default, where unrelated words often reach 0.7): recalibrate them for another space."""

    #: the word vectors must agree at least this much for a WordNet relation to count, per relation in
    #: the word's contextual sense: a shared synset, an adjective's similar words / a verb group, a
    #: direct hypernym (a more general word: "flight" -> "trip"). A hyponym (a more specific word:
    #: "machine" -> "motor", "football" -> "soccer") never counts: it says something else.
    min_cosine_synonym: float = 0.4
    min_cosine_similar: float = 0.5
    min_cosine_hypernym: float = 0.6
    #: the relation must hold in one of the original word's first this-many senses of its contextual
    #: part of speech (WordNet orders senses by frequency): "take" -> "remove" (sense 17) does not count
    max_senses: int = 3
    #: without a WordNet relation only a spelling variant counts ("cancelled" -> "canceled", "theater"
    #: -> "theatre"): at most this many character edits (and at most a quarter of the word: "love" ->
    #: "like" is no variant) and vectors this close. Close vectors alone are no
    #: evidence ("second" -> "third" is 0.98 in GloVe).
    max_variant_edits: int = 2
    min_cosine_variant: float = 0.7
    #: |VADER score| below this is no sentiment; removing or adding one needs at least ``polarity_strong``
    polarity_neutral: float = 0.5
    polarity_strong: float = 1.0
    #: with a label polarity given: a swap may not move the score against the label by this much
    max_polarity_drop: float = 2.0
    #: words swapped (not typos) and words changed in any way, as a share of the original's tokens;
    #: one change is always allowed
    max_swap_share: float = 0.25
    max_change_share: float = 0.5
    #: perplexity(swapped) / perplexity(original) under the causal LM
    max_perplexity_ratio: float = 2.0
    #: a word swap in its sentence: log p(original with only this swap) - log p(original), whole text
    #: under the causal LM (natural log), may not fall below minus this. A synonym in the wrong sense
    #: ("never confirmed" -> "never sustained", "call her back" -> "name her back") is one the sentence
    #: makes unlikely, on both sides of it; the mean over the text (the perplexity ratio) dilutes it.
    max_context_logprob_drop: float = 10.0
    #: cosine(original, swapped) under the independent encoder (multilingual-e5; its band is 0.7-1.0)
    min_similarity: float = 0.9


@dataclasses.dataclass(frozen=True)
class Verdict:
    """Whether a perturbed text is a valid stand-in for its original, why not, and what was measured."""

    valid: bool
    reasons: tuple[str, ...]
    signals: dict

    def to_dict(self) -> dict:
        return {"valid": self.valid, "reasons": list(self.reasons), "signals": self.signals}


@dataclasses.dataclass
class _Pair:
    original: str
    perturbed: str
    label: Any
    changes: list[Change]
    n_tokens: int
    reasons: list[str] = dataclasses.field(default_factory=list)
    details: list[dict] = dataclasses.field(default_factory=list)
    swap_like: int = 0
    typos: list[Change] = dataclasses.field(default_factory=list)
    #: word swaps the word rules accepted, for the in-context check (:meth:`ValidityJudge._in_context`)
    swaps: list[Change] = dataclasses.field(default_factory=list)


def _as_pair(item) -> tuple[str, str, Any]:
    if isinstance(item, Mapping):
        original, perturbed, label = item.get("original"), item.get("perturbed"), item.get("label")
    else:
        seq = tuple(item)
        if len(seq) not in (2, 3):
            raise ValueError(f"a pair is (original, perturbed) or (original, perturbed, label); got {len(seq)} items")
        original, perturbed, label = (*seq, None)[:3]
    if not isinstance(original, str) or not isinstance(perturbed, str):
        raise ValueError(f"original and perturbed must be strings; got {type(original).__name__} and "
                         f"{type(perturbed).__name__}")
    return original, perturbed, label


def _tag_lower_cased(text: str) -> bool:
    """Whether ``text`` goes to the tagger lower-cased: it shouts, and lower-casing keeps its offsets."""
    return _shouting(text) and len(text.lower()) == len(text)


@functools.lru_cache(maxsize=4096)  # asked about the same original and candidates again and again
def _shouting(text: str) -> bool:
    """Mostly upper case: spaCy then tags many words PROPN, so tag a lower-cased copy instead."""
    from ..resources.pos import is_shouting

    return is_shouting([t.text for t in tokenize(text) if t.kind == "word"])


class ValidityJudge:
    """Judge (original, perturbed[, label]) pairs: ``judge_many(pairs) -> list[Verdict]``.

    Every component can be injected (tests use small stand-ins); those left None load on first use:
    ``wordnet`` (:func:`~attack_recipe.resources.wordnet.load_wordnet`), ``embedding`` (a name for
    :func:`~attack_recipe.resources.embeddings.load_word_embedding`, or an object with
    ``cosine(a, b)``), ``lexicon`` (word -> VADER score), ``tagger`` (a spaCy model name or an object
    with ``tag_many(texts)`` returning :class:`~attack_recipe.resources.pos.TaggedToken` lists),
    ``lm`` (``perplexity(texts)``), ``encoder`` (``cosine(a_texts, b_texts)``).

    ``fluency`` / ``similarity`` switch the LM and encoder rules off. ``label_polarity`` maps a label to
    the sentiment it stands for (e.g. ``{0: -1, 1: +1}``) and enables the "sentiment weakened" rule.
    With ``whole_text_for_rejected=False`` (default) the LM and encoder only see pairs the word rules
    accepted — the word rules reject most attack output, so this saves most of the model time.
    """

    def __init__(self, *, embedding: str | Any = "glove-6b-50d", wordnet: Any = None,
                 lexicon: Mapping[str, float] | None = None, tagger: str | Any | None = None,
                 lm: Any = None, encoder: Any = None, stopwords: frozenset[str] | None = None,
                 thresholds: JudgeThresholds | None = None, fluency: bool = True, similarity: bool = True,
                 label_polarity: Mapping[Any, int] | None = None, whole_text_for_rejected: bool = False):
        self._embedding = embedding
        self._wordnet = wordnet
        self._lexicon = lexicon
        self._tagger = tagger
        self._lm = lm
        self._encoder = encoder
        self._stopwords = stopwords
        self.thresholds = thresholds or JudgeThresholds()
        self.fluency = fluency
        self.similarity = similarity
        self.label_polarity = dict(label_polarity) if label_polarity else None
        self.whole_text_for_rejected = whole_text_for_rejected
        self._tags: dict[str, tuple[list, bool]] = {}
        self._pieces: dict[str, list] = {}  # text piece -> its tokens (see _tag_around)

    # -- components (lazy) ------------------------------------------------------------------------
    @property
    def wordnet(self):
        if self._wordnet is None:
            from ..resources.wordnet import load_wordnet

            self._wordnet = load_wordnet()
        return self._wordnet

    @property
    def embedding(self):
        if isinstance(self._embedding, str):
            from ..resources.embeddings import load_word_embedding

            self._embedding = load_word_embedding(self._embedding)
        return self._embedding

    @property
    def lexicon(self) -> Mapping[str, float]:
        if self._lexicon is None:
            from ..resources.polarity import load_polarity_lexicon

            self._lexicon = load_polarity_lexicon()
        return self._lexicon

    @property
    def tagger(self):
        if self._tagger is None or isinstance(self._tagger, str):
            from ..resources.pos import load_tagger

            self._tagger = load_tagger(self._tagger)
        return self._tagger

    @property
    def stopwords(self) -> frozenset[str]:
        if self._stopwords is None:
            from ..resources.stopwords import load_stopwords

            self._stopwords = load_stopwords()
        return self._stopwords

    @property
    def lm(self):
        if self._lm is None:
            from ..resources.lm import load_causal_lm

            self._lm = load_causal_lm()
        return self._lm

    @property
    def encoder(self):
        if self._encoder is None:
            from ..resources.e5 import load_independent_encoder

            self._encoder = load_independent_encoder()
        return self._encoder

    def clear_cache(self) -> None:
        """Forget the LM's and the encoder's per-text scores (not loading either): called between
        examples, so no verdict reads a score computed in another example's batch."""
        clear_model_caches(self._lm, self._encoder)

    # -- public API ---------------------------------------------------------------------------------
    def judge(self, original: str, perturbed: str, label: Any = None) -> Verdict:
        return self.judge_many([(original, perturbed, label)])[0]

    def judge_many(self, pairs: Iterable[Sequence | Mapping]) -> list[Verdict]:
        """One :class:`Verdict` per pair, in order. A pair is a tuple ``(original, perturbed[, label])``
        or a mapping with those keys."""
        return self._judge(pairs, text_rules=True)

    def screen_many(self, pairs: Iterable[Sequence | Mapping]) -> list[Verdict]:
        """The word and share rules only (no language model, no encoder): cheap enough for every
        candidate of a search. These rules look at each changed word on its own (and count them), so
        a pair they reject stays rejected whatever is changed on top of it — a valid-only search can
        drop such a candidate without losing a valid adversarial example it could have led to."""
        return self._judge(pairs, text_rules=False)

    def _judge(self, pairs, text_rules: bool) -> list[Verdict]:
        items, originals = [], {}
        for item in pairs:
            original, perturbed, label = _as_pair(item)
            if original not in originals:  # a search asks about one original with many candidates
                originals[original] = tokenize(original)
            a, b = originals[original], tokenize(perturbed)
            items.append(_Pair(original, perturbed, label, diff_tokens(a, b), len(a)))
        tags = self._tag([p for p in items if p.changes])
        for p in items:
            self._word_rules(p, tags)
            self._share_rules(p)
        if text_rules:
            self._text_rules(items)
        return [self._verdict(p) for p in items]

    # -- tagging ------------------------------------------------------------------------------------
    def _tag(self, pairs: list[_Pair]) -> dict[str, list]:
        """Text -> spaCy tokens, one batched pass over texts not tagged before (an attack asks about
        the same original many times); shouting texts are tagged lower-cased.

        Only the originals' entity types are read (a name in the original stays protected), so
        perturbed texts are tagged without the entity recogniser where the tagger offers that
        (``entities=False``), and — where the tagger says how far context reaches (``context``:
        spaCy's small model's tags depend on 4 tokens each side) — only around their changed words
        (:meth:`_tag_around`): a candidate of an 80-word article costs a dozen words, not 80.
        """
        originals = {p.original for p in pairs}
        texts = list(dict.fromkeys(t for p in pairs for t in (p.original, p.perturbed)))
        # the cache holds (tokens, with entities); an original tagged before without them is redone
        with_ents = [t for t in texts if t in originals and not self._tags.get(t, (None, False))[1]]
        perturbed = [t for t in texts if t not in originals]
        context = getattr(self.tagger, "context", None) if self._tagger_can_skip_entities else None
        windowed: dict[str, list] = {}
        if context is not None:
            spans: dict[str, list[tuple[int, int]]] = {t: [] for t in perturbed}
            for p in pairs:
                if p.perturbed in spans:
                    spans[p.perturbed] += [(c.perturbed.start, c.perturbed.end) for c in p.changes if c.perturbed]
            windowed = self._tag_around(spans, context)
        without = [t for t in perturbed if t not in windowed and t not in self._tags]
        for todo, entities in ((with_ents, True), (without, False)):
            if not todo:
                continue
            sent = [t.lower() if _tag_lower_cased(t) else t for t in todo]
            entities = entities or not self._tagger_can_skip_entities
            tagged = self.tagger.tag_many(sent) if entities else self.tagger.tag_many(sent, entities=False)
            for t, tokens in zip(todo, tagged):
                self._tags.pop(t, None)  # (re)inserted last: the newest stay when the cache is pruned
                self._tags[t] = (tokens, entities)
        found = {t: windowed[t] if t in windowed else self._tags[t][0] for t in texts}
        while len(self._tags) > _TAG_CACHE:
            self._tags.pop(next(iter(self._tags)))
        return found

    def _tag_around(self, spans: Mapping[str, list[tuple[int, int]]], context: int) -> dict[str, list]:
        """Text -> the tokens of its words in ``spans`` (character ranges), each tagged in a piece of
        the text around it.

        The piece around a whitespace-separated chunk reaches ``context`` + 2 chunks each side (a
        chunk holds at least one token, so at least ``context`` tokens, or the text's end): a tag
        depends on nothing further, so it is the tag the whole text would give. Pieces are cut at
        whitespace (spaCy splits there first, so the tokens are the same), tagged in one batch
        without entities and cached by their text — in a search, the piece around an earlier swap
        is the same in the next candidate unless the new swap is next to it. Token offsets are
        shifted back into the whole text. A text whose new pieces would cost more than tagging it
        whole is left out (the caller tags it whole). Checked against whole-text tagging in
        tests/test_judge.py.
        """
        reach = context + 2
        pieces: dict[str, list[tuple[str, int, int, int]]] = {}  # text -> (piece, offset, centre start, end)
        for text, ranges in spans.items():
            chunks = [m.span() for m in re.finditer(r"\S+", text)]
            if not chunks or not ranges:
                continue
            lower = _tag_lower_cased(text)
            touched = sorted({k for a, b in ranges for k, (s, e) in enumerate(chunks) if s < max(b, a + 1) and e > a})
            out = []
            for k in touched:
                a, b = chunks[max(0, k - reach)][0], chunks[min(len(chunks) - 1, k + reach)][1]
                out.append((text[a:b].lower() if lower else text[a:b], a, *chunks[k]))
            new = sum(piece.count(" ") + 1 for piece, *_ in out if piece not in self._pieces)
            if new <= len(chunks):
                pieces[text] = out
        todo = list(dict.fromkeys(piece for out in pieces.values() for piece, *_ in out if piece not in self._pieces))
        if todo:
            for piece, tokens in zip(todo, self.tagger.tag_many(todo, entities=False)):
                self._pieces[piece] = tokens
        found = {}
        for text, out in pieces.items():
            tokens = {}
            for piece, a, s, e in out:  # from each piece, the tokens of its centre chunk
                for t in self._pieces[piece]:
                    if t.start + a < e and t.end + a > s:
                        tokens.setdefault((t.start + a, t.end + a), dataclasses.replace(t, start=t.start + a, end=t.end + a))
            found[text] = [tokens[key] for key in sorted(tokens)]
        while len(self._pieces) > _TAG_CACHE:
            self._pieces.pop(next(iter(self._pieces)))
        return found

    @functools.cached_property
    def _tagger_can_skip_entities(self) -> bool:
        """Whether the tagger's ``tag_many`` takes ``entities`` (SpacyTagger does; a stand-in may not)."""
        try:
            return "entities" in inspect.signature(self.tagger.tag_many).parameters
        except (TypeError, ValueError):
            return False

    @staticmethod
    def _token_tags(token: Token, tagged: list) -> tuple[str | None, str | None, str]:
        """(universal POS, Penn tag, entity type) of the spaCy token overlapping ``token`` most."""
        best, ents, _ = overlapping_tokens(tagged, token.start, token.end)
        ent = next((e for e in reversed(ents) if e in ws.ENTITY_TYPES), "")
        return (best.pos, best.tag, ent) if best is not None else (None, None, ent)

    def _protected(self, token: Token, pos: str | None, ent: str, shouting: bool) -> str | None:
        if token.kind in ("mention", "url", "email"):
            return token.kind
        if ws.digits(token.text):
            return "number"
        if token.kind == "hashtag":
            return "hashtag"
        from ..resources.pos import names_something

        return "entity" if names_something(token.text, pos, ent, shouting) else None

    # -- word rules ---------------------------------------------------------------------------------
    def _word_rules(self, p: _Pair, tags: Mapping[str, list]) -> None:
        shouting = _shouting(p.original)
        for change in p.changes:
            a, b = change.original, change.perturbed
            pos_a, tag_a, ent_a = self._token_tags(a, tags[p.original]) if a else (None, None, "")
            pos_b, tag_b, _ = self._token_tags(b, tags[p.perturbed]) if b else (None, None, "")
            detail: dict[str, Any] = {"op": change.op, "original": a.text if a else None,
                                      "perturbed": b.text if b else None, "pos": [pos_a, pos_b],
                                      "tag": [tag_a, tag_b]}
            protected = self._protected(a, pos_a, ent_a, shouting) if a else (
                self._protected(b, pos_b, "", True) if b and b.kind != "word" else None)
            detail["protected"] = protected
            if change.op == "replace":
                self._replacement(p, a, b, detail, protected)
            else:
                self._insert_or_delete(p, a or b, change.op, detail, protected)
            p.details.append(detail)

    def _classify(self, a: Token, b: Token) -> tuple[str, int]:
        edits = ws.char_edits(a.text, b.text)
        limit = ws.max_typo_edits(ws.bare(a.text))
        known = ws.is_known_word(b.text, self.wordnet, self.stopwords, self.lexicon)
        if not known:
            return ("typo" if edits <= limit else "garbled"), edits
        if ws.same_lemma(a.text, b.text, self.wordnet):
            return "inflection", edits
        if edits <= limit and ws.case_pattern(b.text) == "mixed" != ws.case_pattern(a.text):
            return "typo", edits  # "LAS" -> "LAbS": a slip of the keyboard, whatever word it spells
        if edits == 1 and len(ws.bare(a.text)) >= 4 and not self._opposed(a.text, b.text):
            # one slip in a word of 4+ letters reads as that word even when it spells another
            # ("you just mad my day", "next tie my flight"), unless it turns the meaning around
            return "typo", edits
        return "swap", edits

    def _opposed(self, a: str, b: str) -> bool:
        """Negation changed, an antonym, or polarity of opposite sign: a one-letter change a reader
        takes at its word ("can't" -> "can", "love" -> "hate" is no typo, but neither is "good" -> "goad"
        turned sour)."""
        if ws.is_negation(a) != ws.is_negation(b):
            return True
        if ws.wordnet_relation(a, b, self.wordnet) == "antonym":
            return True
        th = self.thresholds
        shift = ws.polarity_change(ws.polarity(a, self.lexicon, self.wordnet), ws.polarity(b, self.lexicon, self.wordnet),
                                   th.polarity_neutral, th.polarity_strong)
        return shift == "flip"

    def _replacement(self, p: _Pair, a: Token, b: Token, detail: dict, protected: str | None) -> None:
        th = self.thresholds
        if protected in ("mention", "url", "email"):
            detail["kind"] = "protected"
            p.reasons.append(f"{_PROTECTED_NAMES[protected]} changed: {a.text} -> {b.text}")
            p.swap_like += 1
            return
        kind, edits = self._classify(a, b)
        detail.update(kind=kind, char_edits=edits)
        if protected == "number" and ws.digits(a.text) != ws.digits(b.text):
            p.reasons.append(f"number changed: {a.text} -> {b.text}")
        if kind == "typo":
            p.typos.append(Change(a, b))
            return
        p.swap_like += 1
        if protected in ("hashtag", "entity"):
            p.reasons.append(f"{_PROTECTED_NAMES[protected]} changed: {a.text} -> {b.text}")
            return
        if kind == "garbled":
            p.reasons.append(f"not a word: {a.text} -> {b.text}")
            return
        pos_a, pos_b = detail["pos"]
        tag_a, tag_b = detail["tag"]
        if not ws.pos_compatible(pos_a, pos_b):
            p.reasons.append(f"pos mismatch: {a.text} {pos_a} -> {b.text} {pos_b}")
        elif not ws.form_compatible(tag_a, tag_b):
            p.reasons.append(f"form mismatch: {a.text} {tag_a} -> {b.text} {tag_b}")
        if kind == "inflection":
            return
        # a swap: another word
        relation = ws.wordnet_relation(a.text, b.text, self.wordnet, pos_a, max_senses=th.max_senses)
        cosine = ws.word_cosine(a.text, b.text, self.embedding)
        pa = ws.polarity(a.text, self.lexicon, self.wordnet)
        pb = ws.polarity(b.text, self.lexicon, self.wordnet)
        detail.update(relation=relation, cosine=cosine, polarity=[pa, pb])
        if relation == "antonym":
            p.reasons.append(f"antonym: {a.text} -> {b.text}")
        if ws.is_negation(a.text) != ws.is_negation(b.text):
            p.reasons.append(f"negation {'added' if ws.is_negation(b.text) else 'removed'}: {a.text} -> {b.text}")
        shift = ws.polarity_change(pa, pb, th.polarity_neutral, th.polarity_strong)
        if shift == "flip":
            p.reasons.append(f"polarity flip: {a.text} ({pa:+.1f}) -> {b.text} ({pb:+.1f})")
        elif shift == "removed":
            p.reasons.append(f"sentiment removed: {a.text} ({pa:+.1f}) -> {b.text}")
        elif shift == "added":
            p.reasons.append(f"sentiment added: {a.text} -> {b.text} ({pb:+.1f})")
        elif self.label_polarity and p.label in self.label_polarity:
            drop = self.label_polarity[p.label] * ((pb or 0.0) - (pa or 0.0))
            if drop <= -th.max_polarity_drop:
                p.reasons.append(f"sentiment weakened: {a.text} ({pa or 0:+.1f}) -> {b.text} ({pb or 0:+.1f})")
        if relation == "antonym":
            return
        needed = {"synonym": th.min_cosine_synonym, "similar": th.min_cosine_similar,
                  "hypernym": th.min_cosine_hypernym}.get(relation or "")
        if needed is not None and cosine is not None and cosine >= needed:
            p.swaps.append(Change(a, b))
            return
        longer = max(len(ws.bare(a.text)), len(ws.bare(b.text)))
        if (relation is None and cosine is not None and cosine >= th.min_cosine_variant
                and edits <= min(th.max_variant_edits, 0.25 * longer)):
            p.swaps.append(Change(a, b))
            return
        evidence = f"WordNet {relation}" if relation else "no WordNet relation"
        p.reasons.append(f"not a synonym: {a.text} -> {b.text} ({evidence}, cosine "
                         f"{'n/a' if cosine is None else f'{cosine:.2f}'})")

    def _insert_or_delete(self, p: _Pair, token: Token, op: str, detail: dict, protected: str | None) -> None:
        detail["kind"] = op
        p.swap_like += 1
        verb = "added" if op == "insert" else "removed"
        if protected:
            p.reasons.append(f"{_PROTECTED_NAMES[protected]} {verb}: {token.text}")
            return
        if ws.is_negation(token.text):
            p.reasons.append(f"negation {verb}: {token.text}")
            return
        score = ws.polarity(token.text, self.lexicon, self.wordnet)
        if score is not None and abs(score) >= self.thresholds.polarity_strong:
            p.reasons.append(f"sentiment word {verb}: {token.text} ({score:+.1f})")
        elif ws.bare(token.text) not in self.stopwords:
            p.reasons.append(f"word {'inserted' if op == 'insert' else 'deleted'}: {token.text}")

    def _share_rules(self, p: _Pair) -> None:
        th = self.thresholds
        n = max(1, p.n_tokens)
        changed = len(p.changes)
        for count, share, what in ((p.swap_like, th.max_swap_share, "swapped"),
                                   (changed, th.max_change_share, "changed")):
            if count > max(1, int(share * n)):
                p.reasons.append(f"too many words {what}: {count} of {n} ({100 * count / n:.0f}%)")
                break

    # -- whole-text rules ---------------------------------------------------------------------------
    def _text_rules(self, items: list[_Pair]) -> None:
        """Fluency and meaning of the word swaps (typos put back), batched over all pairs that need them."""
        todo = [p for p in items if p.swap_like and (self.whole_text_for_rejected or not p.reasons)]
        if not todo:
            return
        swapped = [restore(p.perturbed, p.typos) for p in todo]
        th = self.thresholds
        if self.fluency:
            texts = list(dict.fromkeys([p.original for p in todo] + swapped))
            ppl = dict(zip(texts, (float(x) for x in self.lm.perplexity(texts))))
            for p, s in zip(todo, swapped):
                ratio = ppl[s] / ppl[p.original] if ppl[p.original] > 0 else None
                p.details.append({"perplexity_ratio": None if ratio is None else round(ratio, 3)})
                if ratio is not None and ratio > th.max_perplexity_ratio:
                    p.reasons.append(f"fluency: perplexity x{ratio:.1f}")
            self._in_context(todo)
        if self.similarity:
            sims = self.encoder.cosine([p.original for p in todo], swapped)
            for p, sim in zip(todo, sims):
                p.details.append({"similarity": round(float(sim), 4)})
                if float(sim) < th.min_similarity:
                    p.reasons.append(f"meaning: similarity {float(sim):.2f} < {th.min_similarity:.2f}")

    def _in_context(self, items: list[_Pair]) -> None:
        """Each accepted word swap scored in its sentence, one at a time, by the causal LM.

        Why: the synonymy evidence (a WordNet relation in one of the word's frequent senses, agreeing
        word vectors) knows the word's part of speech but not its sense in this sentence, and a
        valid-only search seeks out exactly those holes: "never confirmed" -> "never sustained",
        "140 characters" -> "140 qualities", "call HER back" -> "name HER back". The LM reads the word
        with the rest of the sentence, left and right (the whole text's log-likelihood, not only the
        left context), and a wrong sense makes the sentence much less likely. Each swap is put alone
        into the original, so one swap's score does not depend on the others. Only ``judge_many`` does
        this (one batched LM pass); ``screen_many`` stays free of models.
        """
        todo = [p for p in items if p.swaps]
        if not todo:
            return
        single = {id(p): [p.original[:c.original.start] + c.perturbed.text + p.original[c.original.end:]
                          for c in p.swaps] for p in todo}
        texts = list(dict.fromkeys([p.original for p in todo] + [t for p in todo for t in single[id(p)]]))
        logp = dict(zip(texts, (float(x) for x in self.lm.log_probs(texts))))
        limit = self.thresholds.max_context_logprob_drop
        for p in todo:
            scores = {}
            for c, text in zip(p.swaps, single[id(p)]):
                delta = logp[text] - logp[p.original]
                scores[f"{c.original.text} -> {c.perturbed.text}"] = round(delta, 2)
                if delta < -limit:
                    p.reasons.append(f"wrong in context: {c.original.text} -> {c.perturbed.text} "
                                     f"(log-probability {delta:+.1f} in the sentence)")
            p.details.append({"context_logprob": scores})

    def _verdict(self, p: _Pair) -> Verdict:
        changes = [d for d in p.details if "op" in d]
        signals: dict[str, Any] = {"label": p.label, "tokens": p.n_tokens, "changes": changes,
                                   "typos": len(p.typos), "swapped": p.swap_like,
                                   "changed_share": round(len(p.changes) / max(1, p.n_tokens), 3),
                                   "perplexity_ratio": None, "similarity": None, "context_logprob": None}
        for d in p.details:
            if "op" not in d:
                signals.update(d)
        reasons = tuple(dict.fromkeys(p.reasons))
        return Verdict(not reasons, reasons, signals)

    @property
    def rules(self) -> str:
        """What the judge applies, apart from the victim's class names (``label_polarity``): the gate
        requires a rerun to use the same rules, while a new model may name its classes differently."""
        emb = self._embedding if isinstance(self._embedding, str) else getattr(self._embedding, "name", "custom")
        return (f"ValidityJudge(embedding={emb!r}, thresholds={self.thresholds!r}, fluency={self.fluency}, "
                f"similarity={self.similarity})")

    def __repr__(self) -> str:
        return f"{self.rules[:-1]}, label_polarity={self.label_polarity!r})"
