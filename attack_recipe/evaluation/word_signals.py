"""Word-level signals for the validity judge: one small function per question about a changed word.

Each answers one thing a careful reader notices when a single word changes, with the resource that
knows it: WordNet (is the substitute a synonym, a broader word, an antonym? same lemma?), a word-vector
space (how close are the two words?), VADER's polarity lexicon (did sentiment flip, vanish or appear?),
a negation list, character edit distance (a typo is not a word swap) and a part-of-speech tag family
check. They are pure functions of their arguments (resources are passed in), so the judge's rules stay
readable and each signal can be tested on its own.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Mapping

from ..resources.pos import ENTITY_TYPES, WORDNET_POS, form_compatible, pos_compatible  # noqa: F401 (re-exported)

NEGATIONS = frozenset({
    "not", "no", "never", "nor", "neither", "none", "nothing", "nobody", "nowhere", "without", "cannot",
    "n't", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "cant",
    "couldnt", "shouldnt", "aint", "hardly", "barely",
})

_DIGITS = re.compile(r"\d+")


def bare(word: str) -> str:
    """Lower-cased, without a leading '#' (a hashtag's word) and with typographic apostrophes made plain."""
    return word.lower().lstrip("#").replace("’", "'")


# -- character level -----------------------------------------------------------------------------

def char_edits(a: str, b: str) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), case-insensitive."""
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a.lower(), b.lower()))


def max_typo_edits(word: str) -> int:
    """How many character edits still read as a typo of ``word``: 1 up to 4 letters, 2 beyond."""
    return 1 if len(word) <= 4 else 2


def case_pattern(word: str) -> str:
    """"lower", "upper", "title" or "mixed" ("CamelCase", "LAbS"); "none" without letters."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return "none"
    if all(c.islower() for c in letters):
        return "lower"
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else "title"
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return "title"
    return "mixed"


def digits(word: str) -> tuple[str, ...]:
    """The numbers written in a token ("11am" -> ("11",)); a typo may not change them."""
    return tuple(_DIGITS.findall(word))


# -- lexical knowledge ----------------------------------------------------------------------------

def lemmas(word: str, wordnet: Any) -> frozenset[str]:
    """The word and its WordNet base forms in any part of speech ("cooler" -> {"cooler", "cool"})."""
    w = bare(word)
    out = {w}
    for pos in ("n", "v", "a", "r"):
        out.update(wordnet._morphy(w, pos))
    return frozenset(out)


def same_lemma(a: str, b: str, wordnet: Any) -> bool:
    """True when ``b`` is an inflection of ``a`` (they share a base form)."""
    return bool(lemmas(a, wordnet) & lemmas(b, wordnet))


def is_known_word(word: str, wordnet: Any, stopwords: frozenset[str], lexicon: Mapping[str, float]) -> bool:
    """A dictionary word: in WordNet (any inflection), on the stopword list or in the polarity lexicon."""
    w = bare(word)
    return w in stopwords or w in lexicon or bool(wordnet.synsets(w))


def is_negation(word: str) -> bool:
    w = bare(word).replace("'", "")
    return w in NEGATIONS or bare(word).endswith("n't")


@functools.lru_cache(maxsize=100_000)  # a search re-checks every earlier swap with each new candidate
def wordnet_relation(a: str, b: str, wordnet: Any, upos: str | None = None,
                     max_senses: int | None = None) -> str | None:
    """How WordNet relates ``b`` to ``a``: antonym, synonym, similar, hypernym, hyponym, or None.

    Antonyms are looked up across every sense (a swap to any sense's opposite is suspect). The other
    relations only count in the senses of ``a``'s contextual part of speech (``upos``, universal tags),
    so "firm" (NOUN, a company) is no synonym of "loyal" even though the adjective "firm" is. Hypernyms
    and hyponyms are direct ones (one step up or down the hierarchy).

    With ``max_senses``, a relation found only through a sense of ``a`` beyond its first
    ``max_senses`` (WordNet orders senses by frequency) comes back as ``"rare-sense <relation>"``:
    "take" -> "remove" share only take's 17th verb sense, "time" -> "sentence" its 10th noun sense
    (a prison term). A reader takes the word in its common sense, so such a swap changes the text.
    """
    wa, wb = bare(a), bare(b)
    b_forms = lemmas(wb, wordnet)
    a_forms = lemmas(wa, wordnet)
    synsets_a = wordnet.synsets(wa)
    synsets_b = wordnet.synsets(wb)
    for s in synsets_a:
        for lemma in s.lemmas():
            if any(ant.name().lower() in b_forms for ant in lemma.antonyms()):
                return "antonym"
    for s in synsets_b:
        for lemma in s.lemmas():
            if any(ant.name().lower() in a_forms for ant in lemma.antonyms()):
                return "antonym"
    allowed = WORDNET_POS.get(upos or "")
    in_sense = [s for s in synsets_a if allowed is None or s.pos() in allowed]
    targets = set(synsets_b)
    common = in_sense if max_senses is None else in_sense[:max_senses]
    found = _relation(common, targets)
    if found is None and max_senses is not None:
        rare = _relation(in_sense[max_senses:], targets)
        return None if rare is None else f"rare-sense {rare}"
    return found


def _relation(senses: list, targets: set) -> str | None:
    if targets & set(senses):
        return "synonym"
    for s in senses:
        if targets & set(s.similar_tos()) or targets & set(s.also_sees()) or targets & set(s.verb_groups()):
            return "similar"
    for s in senses:
        if targets & set(s.hypernyms() + s.instance_hypernyms()):
            return "hypernym"
    for s in senses:
        if targets & set(s.hyponyms() + s.instance_hyponyms()):
            return "hyponym"
    return None


def word_cosine(a: str, b: str, embedding: Any) -> float | None:
    """Cosine of the two words in the word-vector space; None when either is out of its vocabulary."""
    cos = embedding.cosine(bare(a), bare(b))
    return None if cos is None else round(float(cos), 4)


# -- sentiment -------------------------------------------------------------------------------------

def polarity(word: str, lexicon: Mapping[str, float], wordnet: Any | None = None) -> float | None:
    """The word's VADER polarity (-4..+4), falling back to its base form ("cooler" -> "cool")."""
    w = bare(word)
    if w in lexicon:
        return lexicon[w]
    if wordnet is not None:
        for lemma in sorted(lemmas(w, wordnet)):
            if lemma in lexicon:
                return lexicon[lemma]
    return None


def polarity_change(before: float | None, after: float | None, neutral: float = 0.5,
                    strong: float = 1.0) -> str | None:
    """``flip`` (opposite signs), ``removed`` (a sentiment word became neutral), ``added``, or None.

    A score below ``neutral`` in magnitude counts as no sentiment; removing or adding needs a word of
    at least ``strong``. Same-sign changes ("love" +3.2 -> "like" +1.5) are not reported.
    """
    def sign(v):
        return 0 if v is None or abs(v) < neutral else (1 if v > 0 else -1)

    sa, sb = sign(before), sign(after)
    if sa and sb and sa != sb:
        return "flip"
    if sa and not sb and abs(before) >= strong:
        return "removed"
    if sb and not sa and abs(after) >= strong:
        return "added"
    return None
