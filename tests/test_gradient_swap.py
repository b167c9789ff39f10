"""Gradient (HotFlip) word swaps and the hotflip recipe, on the white-box toy victim (seconds).

The toy's ``word_gradients`` is exact, so the first-order estimate can be checked against the loss the
model really computes; the slow test runs hotflip on the built-in MiniLM victim.
"""

from __future__ import annotations

import numpy as np
import pytest

from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.goals import Targeted, Untargeted
from attack_recipe.attacks.search.base import SearchContext
from attack_recipe.attacks.state import RunState
from attack_recipe.core.text import AttackedText
from attack_recipe.attacks.transformations.gradient import (
    WordSwapGradient,
    first_order_estimates,
    loss_direction,
)
from attack_recipe.constraints.max_words import MaxWordsPerturbed
from attack_recipe.errors import UsageError, WhiteBoxRequiredError
from attack_recipe.evaluation.recheck import violated_constraints
from attack_recipe.models.huggingface import whole_words
from attack_recipe.recipes.hotflip import hotflip
from attack_recipe.attacks.results import Status
from attack_recipe.testing import SENTIMENT_EXAMPLES, BagOfEmbeddingsVictim, KeywordSentimentVictim


@pytest.fixture(scope="module")
def victim():
    return BagOfEmbeddingsVictim()


def state_for(victim, label, goal=None, budget=None):
    return RunState(victim, goal or Untargeted(), label, np.random.default_rng(0), budget)


def ctx_for(victim, label, transformation=None):
    """The context ``propose`` receives in a search (no constraints)."""
    return SearchContext(state_for(victim, label), transformation or WordSwapGradient(), [], [])


def without_reported_similarity(attack):
    """The same attack without the MiniLM that only *reports* similarity (keeps these tests fast)."""
    return Attack(attack.transformation, attack.search, [*attack.pre_constraints, *attack.constraints],
                  attack.goal, name=attack.name, similarity_model=None)


def loss(victim, words, label):
    return -float(np.log(victim._probs([w.lower() for w in words])[label]))


# ---------------------------------------------------------------- the first-order estimate
def test_estimate_predicts_the_direction_of_the_loss_change(victim):
    words = "the movie was good and the actors were great".split()
    label = 1
    grads = victim.word_gradients(words, label)
    vocab, vectors = victim.word_vocabulary()
    base = loss(victim, words, label)
    agree = total = 0
    for i in (3, 8):  # "good", "great"
        est = first_order_estimates(vectors, grads[i], victim.vector(words[i]))
        for k, w in enumerate(vocab):
            if w == words[i]:
                continue
            changed = list(words)
            changed[i] = w
            actual = loss(victim, changed, label) - base
            if abs(est[k]) > 1e-3:
                total += 1
                agree += np.sign(est[k]) == np.sign(actual)
    assert total > 50
    assert agree == total  # the toy is linear before a monotone softmax: the sign is always right


def test_best_estimated_flip_raises_the_loss_most_among_candidates(victim):
    words = "what a wonderful day i am so happy".split()
    grads = victim.word_gradients(words, 1)
    vocab, vectors = victim.word_vocabulary()
    est = first_order_estimates(vectors, grads[2], victim.vector("wonderful"))
    best = vocab[int(np.argmax(est))]
    assert victim._lexicon.get(best, 0) < 0  # a negative word is the strongest flip for a positive text
    changed = list(words)
    changed[2] = best
    assert loss(victim, changed, 1) > loss(victim, words, 1)


def test_loss_direction_per_goal():
    assert loss_direction(Untargeted(), 1) == (1, 1.0)
    assert loss_direction(Targeted(target_class=0), 1) == (0, -1.0)


# ---------------------------------------------------------------- the transformation
def test_candidates_come_from_victim_vocabulary_and_cost_no_queries(victim):
    text = AttackedText("The movie was good and the actors were great.")
    swap = WordSwapGradient(top_n=3)
    ctx = ctx_for(victim, 1, swap)
    candidates = swap.propose(text, range(text.num_words), ctx)
    state = ctx.state
    vocab = set(victim.word_vocabulary()[0])
    assert candidates
    for cand in candidates:
        (index,) = cand.newly_modified
        assert cand.words[index].lower() in vocab
        assert cand.words[index].lower() != text.words[index].lower()
    assert max(sum(1 for c in candidates if i in c.newly_modified) for i in range(text.num_words)) == 3
    assert state.queries == 0 and state.cache_hits == 0
    assert state.timers.victim > 0  # the backward pass is victim time
    assert [c.words[0] for c in candidates if 0 in c.newly_modified][0][0].isupper()  # case kept


def test_min_cos_restricts_the_pool(victim):
    from attack_recipe.resources.embeddings import WordEmbedding

    space = WordEmbedding(["good", "great", "fine", "terrible"],
                          np.array([[1, 0.1], [1, 0.2], [1, 0.0], [-1, 0.1]], dtype=np.float32))
    swap = WordSwapGradient(top_n=5, min_cos=0.9, embedding=space, exclude_antonyms=False)
    text = AttackedText("good")
    words = [c.words[0] for c in swap.propose(text, [0], ctx_for(victim, 1))]
    assert set(words) == {"great", "fine"}  # "terrible" is far, the rest of the vocabulary unknown
    assert swap.propose(AttackedText("zzz"), [0], ctx_for(victim, 1)) == []


def test_admissible_constraints_choose_among_flips(victim):
    text = AttackedText("good movie")
    no_second_word = type("NoFirst", (MaxWordsPerturbed,), {"check": lambda self, c: 0 not in c.modified_indices})
    swap = WordSwapGradient(top_n=1, admissible=(no_second_word(max_num=1),))
    assert all(0 not in c.newly_modified for c in swap.propose(text, [0, 1], ctx_for(victim, 1)))


def test_needs_state_and_white_box(victim):
    swap = WordSwapGradient()
    assert swap.needs_gradients
    with pytest.raises(UsageError, match="propose"):
        swap(AttackedText("good"), [0])
    with pytest.raises(WhiteBoxRequiredError, match="word_vocabulary"):
        swap.propose(AttackedText("good"), [0], ctx_for(KeywordSentimentVictim(), 1))
    with pytest.raises(UsageError, match="top_n"):
        WordSwapGradient(top_n=0)


def test_whole_words_per_tokenizer_kind():
    wordpiece = {"[CLS]": 0, "[PAD]": 1, "the": 2, "##ing": 3, "good": 4, "Good": 5, "42": 6, "don": 7}
    assert whole_words(wordpiece, {"[CLS]", "[PAD]"}) == (["the", "good", "don"], [2, 4, 7])
    spm = {"<s>": 0, "\u2581the": 1, "the": 2, "\u2581good": 3, "ing": 4, "\u2581x1": 5, "\u2581cat": 6}
    assert whole_words(spm, {"<s>"}) == (["the", "good", "cat"], [1, 3, 6])
    bpe = {"\u0120the": 0, "the": 1, "\u0120good": 2, "ing": 3}
    assert whole_words(bpe)[0] == ["the", "good"]


# ---------------------------------------------------------------- the recipe
def test_hotflip_is_white_box_and_configured_like_the_paper():
    attack = hotflip()
    assert attack.needs_gradients
    text = repr(attack)
    for part in ("top_n=1", "max_num=2", "min_cos=0.8", "beam_width=10", "skip_same_lexeme=True"):
        assert part in text
    with pytest.raises(WhiteBoxRequiredError):
        attack.run(KeywordSentimentVictim(), *SENTIMENT_EXAMPLES[0])


def test_hotflip_end_to_end_survives_recheck(victim):
    # the toy's vocabulary is tiny: a looser cosine lets it succeed
    attack = without_reported_similarity(hotflip(min_word_cos=0.5))
    results = [attack.run(victim, t, l, example_id=f"ex{i}") for i, (t, l) in enumerate(SENTIMENT_EXAMPLES)]
    assert {r.status for r in results} <= {Status.SUCCEEDED, Status.FAILED}
    successes = [r for r in results if r.status is Status.SUCCEEDED]
    assert successes
    for r in successes:
        assert victim([r.perturbed_text])[0].argmax() != r.label
        assert len(r.changed_indices) <= 2
        assert violated_constraints(attack, r) == []
    again = [attack.run(victim, t, l, example_id=f"ex{i}") for i, (t, l) in enumerate(SENTIMENT_EXAMPLES)]
    assert [r.perturbed_text for r in again] == [r.perturbed_text for r in results]


@pytest.mark.parametrize("budget", [1, 2, 3, 5])
def test_hotflip_honours_query_budget(victim, budget):
    attack = without_reported_similarity(hotflip(min_word_cos=0.5))
    for i, (text, label) in enumerate(SENTIMENT_EXAMPLES):
        r = attack.run(victim, text, label, example_id=f"ex{i}", query_budget=budget)
        assert r.queries <= budget
        assert r.status in (Status.SUCCEEDED, Status.FAILED)


def test_search_context_passes_state_to_transformation(victim):
    text = AttackedText("The food was nice.")
    state = state_for(victim, 1)
    ctx = SearchContext(state, WordSwapGradient(top_n=2), [], [])
    assert ctx.neighbours(text) and state.queries == 0


@pytest.mark.slow
def test_hotflip_on_builtin_victim():
    import attack_recipe as ar

    victim = ar.load_victim(None)
    attack = hotflip()
    examples = ar.load_dataset("tweets", "test", num_examples=4).examples
    for ex in examples:
        r = attack.run(victim, ex.text, ex.label, example_id=ex.id)
        assert r.status in (Status.SUCCEEDED, Status.FAILED, Status.SKIPPED)
        if r.status is Status.SUCCEEDED:
            assert violated_constraints(attack, r) == []
            assert len(r.changed_indices) <= 2
    words, vectors = victim.word_vocabulary()
    assert len(words) > 10_000 and vectors.shape == (len(words), 384)
    assert "good" in words and not any(w.startswith("##") for w in words)
