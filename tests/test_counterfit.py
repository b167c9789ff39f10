"""Counter-fitting (resources/counterfit.py): the objective's three terms, determinism, the cache key,
the WordNet extraction rules (on a stub WordNet), and loading by name. Seconds, except the slow test."""

from __future__ import annotations

import json

import numpy as np
import pytest

from attack_recipe.errors import UsageError
from attack_recipe.resources import counterfit as cf
from attack_recipe.resources.counterfit import Constraints, CounterFitParams
from attack_recipe.resources.embeddings import WordEmbedding, load_word_embedding


def _unit(v):
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def _tiny_space(seed: int = 0) -> WordEmbedding:
    """good/bad nearly identical (GloVe's failure), good/fine far apart (a synonym GloVe missed),
    cat/kitten close and unconstrained (a neighbourhood to preserve), the rest random."""
    rng = np.random.default_rng(seed)
    d = 8
    good = _unit(rng.normal(size=d))
    rows = {
        "good": good,
        "bad": _unit(good + 0.15 * rng.normal(size=d)),
        "fine": _unit(rng.normal(size=d)),
        "cat": _unit(rng.normal(size=d)),
    }
    rows["kitten"] = _unit(rows["cat"] + 0.2 * rng.normal(size=d))
    for w in ("car", "bus", "tree", "river", "song"):
        rows[w] = _unit(rng.normal(size=d))
    words = list(rows)
    return WordEmbedding(words, np.stack([rows[w] for w in words]), name="tiny")


CONSTRAINTS = Constraints.of(synonyms=[("good", "fine")], antonyms=[("bad", "good")])


def _cos(words, mat, a, b):
    i, j = words.index(a), words.index(b)
    return float(mat[i] @ mat[j])


def test_three_terms_of_the_objective():
    emb = _tiny_space()
    words, before = list(emb.words), emb.matrix
    params = CounterFitParams()
    # the premise: antonyms start as neighbours (so VSP would hold them together if not excluded)
    assert 1 - _cos(words, before, "good", "bad") <= params.rho
    assert _cos(words, before, "cat", "kitten") >= 1 - params.rho  # a preserved neighbourhood
    after, stats = cf.counter_fit(words, before, CONSTRAINTS, params)
    assert stats["antonym_pairs"] == 1 and stats["synonym_pairs"] == 1
    # antonyms pushed beyond the margin (cosine distance >= delta)
    assert 1 - _cos(words, after, "good", "bad") >= params.delta
    # synonyms pulled together, from far apart
    assert _cos(words, after, "good", "fine") > max(0.9, _cos(words, before, "good", "fine"))
    # the unconstrained neighbours keep their closeness; untouched words do not move at all
    assert _cos(words, after, "cat", "kitten") == pytest.approx(_cos(words, before, "cat", "kitten"), abs=1e-6)
    for w in ("car", "bus", "tree", "river", "song"):
        i = words.index(w)
        np.testing.assert_allclose(after[i], before[i], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(after, axis=1), 1.0, atol=1e-5)


def test_vsp_pulls_a_neighbour_back_when_a_constraint_drags_it_away():
    """fine is attracted to good; kitten (a neighbour of fine, unconstrained) must follow rather than be
    left behind, which only the VSP term does."""
    emb = _tiny_space()
    words = list(emb.words)
    mat = emb.matrix.astype(np.float64).copy()
    i_fine, i_kit = words.index("fine"), words.index("kitten")
    mat[i_kit] = _unit(mat[i_fine] + 0.2 * np.random.default_rng(1).normal(size=mat.shape[1]))
    assert _cos(words, mat, "fine", "kitten") >= 0.8
    with_vsp, _ = cf.counter_fit(words, mat, CONSTRAINTS, CounterFitParams())
    without, _ = cf.counter_fit(words, mat, CONSTRAINTS, CounterFitParams(k3=0.0))
    assert _cos(words, with_vsp, "fine", "kitten") > _cos(words, without, "fine", "kitten") + 0.01


def test_counter_fit_is_deterministic():
    emb = _tiny_space()
    a, _ = cf.counter_fit(emb.words, emb.matrix, CONSTRAINTS)
    b, _ = cf.counter_fit(emb.words, emb.matrix, CONSTRAINTS)
    assert a.dtype == np.float32 and np.array_equal(a, b)


def test_neighbourhood_pairs_match_brute_force():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(300, 4))
    mat = base / np.linalg.norm(base, axis=1, keepdims=True)
    pairs, dist = cf.neighbourhood_pairs(mat, rho=0.2, block=64)
    sims = mat @ mat.T
    expected = {(i, j) for i in range(300) for j in range(i + 1, 300) if 1 - sims[i, j] <= 0.2}
    assert {tuple(p) for p in pairs.tolist()} == expected and len(expected) > 50
    np.testing.assert_allclose(dist, [1 - sims[i, j] for i, j in pairs.tolist()], atol=1e-12)


def test_constraints_normalise_and_antonymy_wins():
    c = Constraints.of(synonyms=[("Good", "fine"), ("fine", "good"), ("bad", "good"), ("x", "x")],
                       antonyms=[("good", "bad")])
    assert c.synonyms == (("fine", "good"),) and c.antonyms == (("bad", "good"),)
    assert Constraints.from_tsv(c.to_tsv()) == c
    with pytest.raises(UsageError, match="pair of words"):
        Constraints.of([("a", "b", "c")], [])


@pytest.mark.parametrize("field,value", [("k1", -0.1), ("delta", "1"), ("epochs", 2.5), ("max_sense_rank", -1)])
def test_params_are_validated(field, value):
    with pytest.raises(UsageError, match=field):
        CounterFitParams(**{field: value})


# ---------------------------------------------------------------------------------------------
# cache


@pytest.fixture
def builds(monkeypatch):
    """Counts real builds."""
    calls = []
    real = cf.build_counter_fitted

    def counting(*args, **kwargs):
        calls.append(kwargs.get("params"))
        return real(*args, **kwargs)

    monkeypatch.setattr(cf, "build_counter_fitted", counting)
    return calls


def test_cache_is_reused_and_rebuilt_when_any_input_changes(tmp_path, builds):
    folder = tmp_path / "cf"
    emb = _tiny_space()
    first = cf.ensure_counter_fitted(folder, base=emb, constraints=CONSTRAINTS)
    assert len(builds) == 1 and isinstance(first, WordEmbedding) and first.words == emb.words
    card = json.loads((folder / cf.CARD).read_text())
    assert card["params"] == CounterFitParams().as_dict() and card["constraints"]["antonyms"] == 1
    assert cf.read_constraints(folder) == CONSTRAINTS

    again = cf.ensure_counter_fitted(folder, base=emb, constraints=CONSTRAINTS)
    assert len(builds) == 1 and np.array_equal(again.matrix, first.matrix)

    cf.ensure_counter_fitted(folder, base=emb, constraints=CONSTRAINTS, params=CounterFitParams(epochs=5))
    assert len(builds) == 2 and json.loads((folder / cf.CARD).read_text())["params"]["epochs"] == 5

    other_base = _tiny_space(seed=1)
    cf.ensure_counter_fitted(folder, base=other_base, constraints=CONSTRAINTS, params=CounterFitParams(epochs=5))
    assert len(builds) == 3

    cf.ensure_counter_fitted(folder, base=other_base, constraints=Constraints.of([], [("bad", "good")]),
                             params=CounterFitParams(epochs=5))
    assert len(builds) == 4

    cf.ensure_counter_fitted(folder, base=other_base, constraints=Constraints.of([], [("bad", "good")]),
                             params=CounterFitParams(epochs=5), rebuild=True)
    assert len(builds) == 5

    (folder / cf.CARD).unlink()  # an unfinished build (the card is written last)
    cf.ensure_counter_fitted(folder, base=other_base, constraints=Constraints.of([], [("bad", "good")]),
                             params=CounterFitParams(epochs=5))
    assert len(builds) == 6


def test_a_stale_build_version_is_rebuilt(tmp_path, builds, monkeypatch):
    folder = tmp_path / "cf"
    emb = _tiny_space()
    cf.ensure_counter_fitted(folder, base=emb, constraints=CONSTRAINTS)
    monkeypatch.setattr(cf, "BUILD_VERSION", cf.BUILD_VERSION + 1)
    cf.ensure_counter_fitted(folder, base=emb, constraints=CONSTRAINTS)
    assert len(builds) == 2


def test_two_builds_write_identical_vectors(tmp_path):
    emb = _tiny_space()
    for name in ("a", "b"):
        cf.build_counter_fitted(tmp_path / name, base=emb, constraints=CONSTRAINTS)
    assert (tmp_path / "a" / cf.VECTORS).read_bytes() == (tmp_path / "b" / cf.VECTORS).read_bytes()
    assert (tmp_path / "a" / cf.WORDS).read_text() == (tmp_path / "b" / cf.WORDS).read_text()


def test_cache_lives_under_the_cache_env_var(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTACK_RECIPE_CACHE", str(tmp_path))
    assert cf.counter_fitted_path() == tmp_path / "embeddings" / cf.NAME


def test_loadable_by_name(monkeypatch):
    seen = []
    tiny = _tiny_space()
    monkeypatch.setattr(cf, "load_counter_fitted", lambda vocab_size=None: seen.append(vocab_size) or tiny)
    monkeypatch.delenv("ATTACK_RECIPE_WORD_EMBEDDING", raising=False)
    assert load_word_embedding.__wrapped__("counter-fitted-glove-50d") is tiny
    assert seen == [65_713]


def test_vocab_size_keeps_the_most_frequent_words(monkeypatch):
    monkeypatch.setattr(cf, "ensure_counter_fitted", lambda **kw: _tiny_space())
    assert cf.load_counter_fitted(3).words == ("good", "bad", "fine")
    with pytest.raises(UsageError, match="vocab_size"):
        cf.load_counter_fitted(11)


def test_module_cli_rejects_unknown_arguments(capsys):
    assert cf.main(["--fast"]) == 2
    assert "unknown: --fast" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# WordNet extraction rules, on a stub with WordNet's interface


class _Lemma:
    def __init__(self, name, synset):
        self._name, self._synset, self.ants = name, synset, []

    def name(self):
        return self._name

    def synset(self):
        return self._synset

    def antonyms(self):
        return self.ants


class _Synset:
    def __init__(self, pos, names, similar=()):
        self._pos = pos
        self._lemmas = [_Lemma(n, self) for n in names]
        self._similar = list(similar)

    def pos(self):
        return self._pos

    def lemmas(self):
        return self._lemmas

    def similar_tos(self):
        return self._similar

    def lemma(self, name):
        return next(l for l in self._lemmas if l.name() == name)


class _WordNet:
    def __init__(self, synsets):
        self._synsets = synsets

    def all_synsets(self):
        return iter(self._synsets)

    def synsets(self, name, pos):
        pos_ok = {"a": ("a", "s")}.get(pos, (pos,))
        return [s for s in self._synsets if s.pos() in pos_ok and any(l.name() == name for l in s.lemmas())]


def _stub_wordnet():
    good = _Synset("a", ["good", "goodish"])
    bad = _Synset("a", ["bad", "evil"])
    good.lemma("good").ants.append(bad.lemma("bad"))
    bad.lemma("bad").ants.append(good.lemma("good"))
    excellent = _Synset("s", ["excellent", "first-rate"], similar=[good])  # a satellite of good
    # "fine" has four adjective senses; it shares only its fourth with "ripe"
    fine_senses = [_Synset("a", ["fine", n]) for n in ("okay", "delicate", "sunny")]
    ripe = _Synset("a", ["fine", "ripe"])
    proper = _Synset("n", ["Turkey", "turkey"])
    synsets = [good, bad, excellent, *fine_senses, ripe, proper]
    vocab = ["good", "goodish", "bad", "evil", "excellent", "first-rate", "fine", "okay", "delicate",
             "sunny", "ripe", "turkey"]
    return _WordNet(synsets), vocab


def test_wordnet_rules():
    wn, vocab = _stub_wordnet()
    c = cf.wordnet_constraints(vocab, wn)
    # direct antonym, extended over both synsets' lemmas
    assert {("bad", "good"), ("evil", "good"), ("bad", "goodish"), ("evil", "goodish")} <= set(c.antonyms)
    # indirect: the satellite "excellent" against the antonyms of its head
    assert {("bad", "excellent"), ("evil", "first-rate")} <= set(c.antonyms)
    # synonyms from the first three senses only; no proper-noun lemma; nothing outside the vocabulary
    assert {("fine", "okay"), ("delicate", "fine"), ("fine", "sunny"), ("excellent", "first-rate")} <= set(c.synonyms)
    assert ("fine", "ripe") not in c.synonyms
    assert not any("turkey" in p for p in c.synonyms)
    every = cf.wordnet_constraints(vocab, wn, max_sense_rank=None, indirect_antonyms=False)
    assert ("fine", "ripe") in every.synonyms and ("bad", "excellent") not in every.antonyms
    smaller = cf.wordnet_constraints([w for w in vocab if w != "evil"], wn)
    assert not any("evil" in p for p in smaller.antonyms)


# ---------------------------------------------------------------------------------------------
# the real thing


@pytest.mark.slow
def test_real_counter_fitted_glove_separates_antonyms():
    """Builds on first use (a few minutes), then loads from the cache."""
    before = load_word_embedding("glove-6b-50d")
    after = load_word_embedding("counter-fitted-glove-50d")
    assert isinstance(after, WordEmbedding) and after.words == before.words and after.dim == 50
    # GloVe-50d has these antonyms among the top 10 (rank 0-2); counter-fitting pushes them out of the top 50
    for word, antonym in (("high", "low"), ("long", "short"), ("public", "private"), ("small", "large"),
                          ("many", "few"), ("up", "down")):
        assert antonym in [w for w, _ in before.nearest(word, 10)], (word, antonym)
        assert antonym not in [w for w, _ in after.nearest(word, 50)], (word, antonym)
    assert "hate" not in [w for w, _ in after.nearest("love", 50)]
    assert after.cosine("love", "hate") < 0.1 < before.cosine("love", "hate")
    assert "dreadful" in [w for w, _ in after.nearest("terrible", 10)]  # synonyms stay close
    card = cf.read_card(cf.counter_fitted_path())
    assert card["key"] == cf.cache_key(before, CounterFitParams(), None)
