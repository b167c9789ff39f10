"""Small stand-ins for the validity judge's resources, so judge tests run in milliseconds.

:class:`TinyWordNet` answers the few WordNet calls the judge makes (``synsets``, ``_morphy`` and the
synset relations) from a handful of hand-written synsets; :class:`TinyTagger` tags from a word list
(unknown capitalised words are PROPN, digits NUM) and marks listed names as entities;
:class:`TinyEmbedding`, :class:`RatioLM` and :class:`FixedEncoder` return the numbers they are given.
:func:`tiny_judge` wires them into a :class:`~attack_recipe.evaluation.judge.ValidityJudge`. These are
deliberately explicit: a test says which relation or score it relies on.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

from ..resources.pos import TaggedToken


class _Lemma:
    def __init__(self, name: str, synset: "_Synset"):
        self._name = name
        self.synset = synset
        self.antonym_of: list[_Lemma] = []

    def name(self) -> str:
        return self._name

    def antonyms(self) -> list["_Lemma"]:
        return list(self.antonym_of)


class _Synset:
    def __init__(self, name: str, pos: str, lemma_names: Sequence[str]):
        self._name = name
        self._pos = pos
        self._lemmas = [_Lemma(n, self) for n in lemma_names]
        self.up: list[_Synset] = []
        self.down: list[_Synset] = []
        self.similar: list[_Synset] = []

    def name(self) -> str:
        return self._name

    def pos(self) -> str:
        return self._pos

    def lemmas(self) -> list[_Lemma]:
        return list(self._lemmas)

    def hypernyms(self):
        return list(self.up)

    def hyponyms(self):
        return list(self.down)

    def similar_tos(self):
        return list(self.similar)

    def instance_hypernyms(self):
        return []

    def instance_hyponyms(self):
        return []

    def also_sees(self):
        return []

    def verb_groups(self):
        return []

    def __repr__(self) -> str:
        return f"Synset({self._name!r})"


class TinyWordNet:
    """``synsets``: name -> (pos, lemma names); ``antonyms``: (lemma, lemma) pairs; ``hypernyms``:
    (synset, its hypernym) pairs; ``inflections``: form -> base form (what ``_morphy`` finds)."""

    def __init__(self, synsets: Mapping[str, tuple[str, Sequence[str]]],
                 antonyms: Iterable[tuple[str, str]] = (), hypernyms: Iterable[tuple[str, str]] = (),
                 inflections: Mapping[str, str] | None = None):
        self._synsets = {name: _Synset(name, pos, lemmas) for name, (pos, lemmas) in synsets.items()}
        self._inflections = dict(inflections or {})
        lemma_index: dict[str, list[_Lemma]] = {}
        for s in self._synsets.values():
            for lemma in s.lemmas():
                lemma_index.setdefault(lemma.name(), []).append(lemma)
        for a, b in antonyms:
            for la in lemma_index.get(a, []):
                for lb in lemma_index.get(b, []):
                    la.antonym_of.append(lb)
                    lb.antonym_of.append(la)
        for child, parent in hypernyms:
            self._synsets[child].up.append(self._synsets[parent])
            self._synsets[parent].down.append(self._synsets[child])

    def _morphy(self, form: str, pos: str) -> list[str]:
        out = []
        for candidate in dict.fromkeys([form, self._inflections.get(form, form)]):
            if any(s.pos() == pos and candidate in {lemma.name() for lemma in s.lemmas()}
                   for s in self._synsets.values()):
                out.append(candidate)
        return out

    def synsets(self, word: str) -> list[_Synset]:
        forms = {word.lower(), self._inflections.get(word.lower(), word.lower())}
        return [s for s in self._synsets.values() if forms & {lemma.name() for lemma in s.lemmas()}]


class TinyEmbedding:
    """Cosine from a table of word pairs (symmetric); 1.0 for a word with itself; None when unlisted."""

    name = "tiny"

    def __init__(self, cosines: Mapping[tuple[str, str], float]):
        self._cos = {frozenset(k): float(v) for k, v in cosines.items()}

    def cosine(self, a: str, b: str) -> float | None:
        if a == b:
            return 1.0
        return self._cos.get(frozenset((a, b)))


_TOKEN = re.compile(r"@\w+|#\w+|\w+(?:'\w+)?|[^\w\s]")


class TinyTagger:
    """POS from ``pos`` (word -> (universal, Penn)); capitalised unknown words PROPN, numbers NUM,
    anything else NOUN; words in ``entities`` (word -> label) get that entity type."""

    def __init__(self, pos: Mapping[str, tuple[str, str]], entities: Mapping[str, str] | None = None):
        self._pos = {k.lower(): v for k, v in pos.items()}
        self._entities = dict(entities or {})
        self.calls = 0

    def tag_many(self, texts: Sequence[str]) -> list[list[TaggedToken]]:
        self.calls += 1
        out = []
        for text in texts:
            tokens = []
            for m in _TOKEN.finditer(text):
                w = m.group()
                if w.lower() in self._pos:
                    upos, tag = self._pos[w.lower()]
                elif w[:1].isdigit():
                    upos, tag = "NUM", "CD"
                elif w[:1].isupper():
                    upos, tag = "PROPN", "NNP"
                else:
                    upos, tag = "NOUN", "NN"
                tokens.append(TaggedToken(m.start(), m.end(), w, upos, tag, self._entities.get(w, "")))
            out.append(tokens)
        return out


class RatioLM:
    """'Perplexity' 10 and log-probability -50 for texts it was not told about; ``perplexities`` and
    ``log_probs`` set others. Counts the texts seen (by either)."""

    def __init__(self, perplexities: Mapping[str, float] | None = None,
                 log_probs: Mapping[str, float] | None = None):
        self._ppl = dict(perplexities or {})
        self._logp = dict(log_probs or {})
        self.seen: list[str] = []
        self.scored: list[str] = []

    def perplexity(self, texts: Sequence[str]):
        self.seen.extend(texts)
        return [self._ppl.get(t, 10.0) for t in texts]

    def log_probs(self, texts: Sequence[str]):
        self.scored.extend(texts)
        return [self._logp.get(t, -50.0) for t in texts]


class FixedEncoder:
    """Cosine ``value`` for every pair, or ``overrides[(a, b)]``. Counts the pairs seen."""

    def __init__(self, value: float = 0.97, overrides: Mapping[tuple[str, str], float] | None = None):
        self.value = value
        self._overrides = dict(overrides or {})
        self.seen: list[tuple[str, str]] = []

    def cosine(self, a: Sequence[str], b: Sequence[str]):
        self.seen.extend(zip(a, b))
        return [self._overrides.get((x, y), self.value) for x, y in zip(a, b)]


def tiny_judge(**overrides):
    """A :class:`~attack_recipe.evaluation.judge.ValidityJudge` over the stand-ins above, with a small
    vocabulary (good/bad, love/hate, movie/film, terrible/horrible, buy/purchase, ...). Keyword
    arguments replace any component or option."""
    from ..evaluation.judge import ValidityJudge

    wordnet = TinyWordNet(
        {"good.a.01": ("a", ["good"]), "bad.a.01": ("a", ["bad"]), "movie.n.01": ("n", ["movie", "film"]),
         "love.v.01": ("v", ["love"]), "hate.v.01": ("v", ["hate"]), "like.v.01": ("v", ["like"]),
         "buy.v.01": ("v", ["buy", "purchase"]), "terrible.a.01": ("a", ["terrible", "awful", "horrible"]),
         "horrible.a.01": ("a", ["horrible"]), "terrace.n.01": ("n", ["terrace"]),
         "airline.n.01": ("n", ["airline"]), "carrier.n.01": ("n", ["carrier"]),
         "city.n.01": ("n", ["chicago", "boston"]), "gate.n.01": ("n", ["gate"]),
         "flight.n.01": ("n", ["flight"]), "trip.n.01": ("n", ["trip"]), "food.n.01": ("n", ["food"]),
         "theater.n.01": ("n", ["theater"]), "theatre.n.01": ("n", ["theatre"]),
         "second.a.01": ("a", ["second"]), "third.a.01": ("a", ["third"])},
        antonyms=[("good", "bad")], hypernyms=[("airline.n.01", "carrier.n.01")],
        inflections={"movies": "movie", "films": "film", "loved": "love", "bought": "buy"})
    embedding = TinyEmbedding({("good", "bad"): 0.8, ("movie", "film"): 0.85, ("love", "hate"): 0.7,
                               ("love", "like"): 0.77, ("buy", "purchase"): 0.8, ("terrible", "horrible"): 0.94,
                               ("terrible", "terrace"): 0.1, ("airline", "carrier"): 0.6,
                               ("chicago", "boston"): 0.8, ("flight", "trip"): 0.7,
                               ("theater", "theatre"): 0.9, ("second", "third"): 0.98})
    lexicon = {"good": 1.9, "bad": -2.5, "love": 3.2, "hate": -2.7, "like": 1.5, "terrible": -2.1,
               "horrible": -2.5, "great": 3.1, "thanks": 1.9}
    tagger = TinyTagger({"the": ("DET", "DT"), "this": ("DET", "DT"), "was": ("AUX", "VBD"),
                         "is": ("AUX", "VBZ"), "i": ("PRON", "PRP"), "to": ("ADP", "IN"), "on": ("ADP", "IN"),
                         "good": ("ADJ", "JJ"), "bad": ("ADJ", "JJ"), "terrible": ("ADJ", "JJ"),
                         "horrible": ("ADJ", "JJ"), "love": ("VERB", "VBP"), "hate": ("VERB", "VBP"),
                         "like": ("VERB", "VBP"), "loved": ("VERB", "VBD"), "buy": ("VERB", "VB"),
                         "purchase": ("VERB", "VB"), "flew": ("VERB", "VBD"), "movie": ("NOUN", "NN"),
                         "film": ("NOUN", "NN"), "movies": ("NOUN", "NNS"), "closed": ("ADJ", "JJ"),
                         "not": ("PART", "RB"), "very": ("ADV", "RB")},
                        entities={"Chicago": "GPE", "Boston": "GPE", "Monday": "DATE"})
    options = dict(wordnet=wordnet, embedding=embedding, lexicon=lexicon, tagger=tagger, lm=RatioLM(),
                   encoder=FixedEncoder(),
                   stopwords=frozenset({"the", "a", "this", "is", "was", "i", "to", "on", "not", "very", "and"}))
    options.update(overrides)
    return ValidityJudge(**options)
