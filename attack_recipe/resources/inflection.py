"""Put a substitute word into the grammatical form of the word it replaces ("loved" -> "adored").

Word-vector and WordNet neighbours come in whatever form the vocabulary or the lemma list holds:
"loved" gets "adore", "movies" gets "film". Swapping those in breaks the sentence ("I adore it
yesterday", "two film"), which a reader rejects and a perplexity check only sometimes notices.
Given the original word's Penn Treebank tag in its sentence (from the contextual tagger,
:mod:`attack_recipe.resources.pos`), :func:`inflect_like` lemmatises the substitute and inflects the
lemma to that tag with lemminflect (MIT; its tables ship inside the wheel, nothing is downloaded).
Case is not handled here: callers apply the original's case pattern afterwards.
"""

from __future__ import annotations

import functools

from ..errors import ResourceNotFoundError
from .paths import install_hint, pip_command

PACKAGE = "lemminflect"  # its tables ship inside the wheel
PIP = ("lemminflect==0.2.3",)
INSTALL = pip_command(*PIP)

#: Penn tags lemminflect can inflect to, by the universal POS of their lemma.
_INFLECTABLE = {
    "NN": "NOUN", "NNS": "NOUN",
    "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB",
    "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ",
    "RB": "ADV", "RBR": "ADV", "RBS": "ADV",
}


@functools.lru_cache(maxsize=200_000)
def inflect_like(substitute: str, tag: str | None) -> str:
    """``substitute`` (lower case) inflected to the Penn ``tag`` of the word it replaces.

    Returns ``substitute`` unchanged when the tag is unknown or not inflectable (proper nouns,
    function words), or when lemminflect knows no form for it. Only the substitute's own lemma
    for that part of speech is used, so a noun never turns into a verb here: part-of-speech
    agreement is the POS constraint's job.
    """
    upos = _INFLECTABLE.get(tag or "")
    if upos is None or not substitute.isalpha():
        return substitute
    try:
        from lemminflect import getInflection, getLemma
    except ImportError as exc:
        raise ResourceNotFoundError("inflection tables (lemminflect)", [f"import lemminflect ({exc})"],
                                    install_hint(INSTALL)) from exc

    word = substitute.lower()
    lemmas = getLemma(word, upos=upos, lemmatize_oov=False)
    if not lemmas:
        return substitute
    forms = getInflection(lemmas[0], tag=tag, inflect_oov=False)
    return forms[0] if forms else substitute
