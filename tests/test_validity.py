"""Validity measures and the strict preset (stubs here; real models in the slow tests)."""

from __future__ import annotations

import numpy as np
import pytest

from attack_recipe import load_recipe
from attack_recipe.attacks.results import AttackResult, Status
from attack_recipe.core.text import AttackedText
from attack_recipe.constraints.fluency import PerplexityIncrease
from attack_recipe.errors import UnknownNameError, UsageError
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.evaluation.metrics import summarize
from attack_recipe.evaluation.validity import ValidityScorer, distribution
from attack_recipe.recipes.presets import apply_preset
from attack_recipe.resources.datasets import Example
from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
from attack_recipe.testing.attacks import character_attack


class LengthLM:
    """'Perplexity' = 10 per character that is not a lowercase dictionary letter pattern: typos cost."""

    def perplexity(self, texts):
        return np.array([10.0 + sum(w not in {"the", "movie", "was", "good", "and", "great", "bad"}
                                    for w in t.lower().strip(".").split()) for t in texts])


class OverlapEncoder:
    def cosine(self, a, b):
        return np.array([len(set(x.split()) & set(y.split())) / len(set(x.split()) | set(y.split()))
                         for x, y in zip(a, b)])


def test_validity_scores_successes_only():
    scorer = ValidityScorer(lm=LengthLM(), encoder=OverlapEncoder())
    ok = AttackResult("a", "the movie was good", 1, Status.SUCCEEDED, perturbed_text="the movie was godo")
    scored = scorer.score(ok)
    assert scored.perplexity_ratio == pytest.approx(11 / 10)
    assert scored.independent_similarity == pytest.approx(3 / 5)
    failed = AttackResult("b", "x", 1, Status.FAILED)
    assert scorer.score(failed) is failed


def test_harness_records_validity_and_summary_distribution(tmp_path):
    examples = [Example(str(i), t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES)]
    outcome = run_dataset(character_attack(), KeywordSentimentVictim(), examples, out_dir=tmp_path,
                          validity=ValidityScorer(lm=LengthLM(), encoder=OverlapEncoder()))
    succ = [r for r in outcome.results if r.status is Status.SUCCEEDED]
    assert succ and all(r.perplexity_ratio is not None and r.independent_similarity is not None for r in succ)
    v = outcome.summary["validity"]
    assert v["perplexity_ratio"]["n"] == len(succ) and v["independent_similarity"]["median"] is not None
    assert summarize([])["validity"]["perplexity_ratio"]["n"] == 0


def test_distribution():
    d = distribution([1.0, 2.0, 3.0, 4.0, None])
    assert d == {"n": 4, "mean": 2.5, "median": 2.5, "p10": 1.0, "p90": 4.0}


def test_perplexity_constraint_against_the_original():
    c = PerplexityIncrease(max_ratio=1.15, lm=LengthLM())
    base = AttackedText("the movie was good")
    assert c.check(base.replace_word(3, "bad"))  # known word: ratio 1
    assert not c.check(base.replace_word(3, "godo").replace_word(1, "mvoie"))  # 12/10 > 1.15


def test_strict_preset_tightens_word_swap_recipes_only():
    strict = apply_preset(load_recipe("textfooler"), "strict")
    text = repr(strict)
    assert "min_cos=0.9" in text and "threshold=0.9," in text and "PerplexityIncrease(max_ratio=2.0" in text
    assert "WordEmbeddingCosine(min_cos=0.9, embedding='counter-fitted-glove-50d')" in text
    assert text.count("SentenceSimilarity(") == 1 and strict.name == "textfooler+strict"
    assert "min_cos=0.9" in repr(apply_preset(load_recipe("pwws"), "strict"))
    custom = apply_preset(load_recipe("textfooler", embedding="glove-6b-50d"), "strict")
    assert "WordEmbeddingCosine(min_cos=0.9, embedding='glove-6b-50d')" in repr(custom)
    with pytest.raises(UsageError, match="edits characters"):
        apply_preset(load_recipe("deepwordbug"), "strict")
    with pytest.raises(UnknownNameError, match="Did you mean 'strict'"):
        apply_preset(load_recipe("pwws"), "strikt")


def test_a_run_without_validity_scoring_pays_for_no_reported_similarity():
    """The similarity a success reports is an encoder pass nothing in the search needs: a run that
    measures no validity skips it; one that does keeps it."""
    from attack_recipe.evaluation.example_runner import ExampleRunner
    from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
    from attack_recipe.testing.attacks import character_attack
    from attack_recipe.testing.judge import FixedEncoder

    class Example:
        def __init__(self, i, text, label):
            self.id, self.text, self.label, self.problem = str(i), text, label, None

    attack = character_attack()
    attack._similarity_model = FixedEncoder(0.5)
    victim = KeywordSentimentVictim()
    examples = [Example(i, t, y) for i, (t, y) in enumerate(SENTIMENT_EXAMPLES[:4])]
    plain = [ExampleRunner(attack, victim)(e) for e in examples]
    assert any(r.perturbed_text for r in plain)
    assert all(r.similarity is None and r.seconds.encoder == 0 for r in plain)
    direct = [attack.run(victim, e.text, e.label, example_id=e.id) for e in examples]
    assert [r.perturbed_text for r in direct] == [r.perturbed_text for r in plain]
    assert all(r.similarity is not None for r in direct if r.perturbed_text)


def test_the_runner_puts_loaded_models_out_of_the_collectors_reach():
    """Before and after the first example (the attack's models load lazily in it) the heap is frozen,
    so full collections stop re-scanning the models; later examples freeze nothing more."""
    import gc

    from attack_recipe.evaluation import example_runner
    from attack_recipe.evaluation.example_runner import ExampleRunner
    from attack_recipe.testing import SENTIMENT_EXAMPLES, KeywordSentimentVictim
    from attack_recipe.testing.attacks import character_attack

    class Example:
        def __init__(self, i, text, label):
            self.id, self.text, self.label, self.problem = str(i), text, label, None

    calls = []
    original = example_runner.settle_heap
    example_runner.settle_heap = lambda: calls.append(gc.get_freeze_count())
    try:
        runner = ExampleRunner(character_attack(), KeywordSentimentVictim())
        for i, (t, y) in enumerate(SENTIMENT_EXAMPLES[:3]):
            runner(Example(i, t, y))
    finally:
        example_runner.settle_heap = original
    assert len(calls) == 2
    before = gc.get_freeze_count()
    try:
        original()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
