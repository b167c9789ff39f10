"""The search context is the one gateway to models, and capabilities are checked once, at the start.

* A white-box recipe on a black-box victim fails before the first query with one clear error
  (``attacks/capabilities.py``; the run preparation's richer message is tested in test_errors.py).
* Gradients, generation and a transformation's own model are billed to the right timer by the
  context (``attacks/search/base.py``), never as queries.
* No search method or transformation reaches past the context: a source check reads them.
"""

from __future__ import annotations

import ast
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

import attack_recipe
from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.capabilities import check_capabilities, is_white_box
from attack_recipe.attacks.goals import Untargeted
from attack_recipe.attacks.search.base import SearchContext
from attack_recipe.attacks.search.greedy_wir import GreedyWordSwapWIR
from attack_recipe.attacks.search.ranking import rank_words
from attack_recipe.attacks.state import RunState, Timers
from attack_recipe.attacks.transformations.base import Composite, WordSwap
from attack_recipe.attacks.transformations.gradient import WordSwapGradient
from attack_recipe.attacks.transformations.paraphrase import Paraphrase
from attack_recipe.core.text import AttackedText
from attack_recipe.errors import WhiteBoxRequiredError
from attack_recipe.evaluation.harness import run_dataset
from attack_recipe.recipes.a2t import a2t
from attack_recipe.recipes.hotflip import hotflip
from attack_recipe.testing import SENTIMENT_EXAMPLES, BagOfEmbeddingsVictim, KeywordSentimentVictim
from attack_recipe.testing.generators import FakeParaphraser

DELAY = 0.02


class Example(NamedTuple):
    id: str
    text: str
    label: int


class CountingBlackBox(KeywordSentimentVictim):
    """A black-box victim that records every batch it is asked to classify."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def _predict(self, texts):
        self.batches.append(list(texts))
        return super()._predict(texts)


@dataclass
class WatchedTimers(Timers):
    """Timers that know which buckets are open, so a component can tell where it is billed."""

    open: list = field(default_factory=list)
    seen: list = field(default_factory=list)

    @contextmanager
    def measure(self, kind):
        self.open.append(kind)
        try:
            with super().measure(kind):
                yield
        finally:
            self.open.pop()

    def note(self, who: str) -> None:
        self.seen.append((who, tuple(self.open)))


class SlowGradients(BagOfEmbeddingsVictim):
    """The white-box toy with a backward pass slow enough to see in a timer."""

    timers: WatchedTimers | None = None

    def word_gradients(self, words, label):
        if self.timers is not None:
            self.timers.note("gradients")
        time.sleep(DELAY)
        return super().word_gradients(words, label)


class SlowLMSwap(WordSwap):
    """A transformation with a model of its own (declared as "lm"), slow enough to see: it appends "ly"."""

    timer = "lm"

    def __init__(self, timers: WatchedTimers):
        self.timers = timers

    def replacements(self, word, index, text, rng=None):
        self.timers.note("lm swap")
        time.sleep(DELAY)
        return [word + "ly"]


def context(victim, transformation=None, label=1, timers=None) -> SearchContext:
    state = RunState(victim, Untargeted(), label, np.random.default_rng(0), timers=timers or Timers())
    return SearchContext(state, transformation, (), ())


def quick(attack) -> Attack:
    """The recipe without the MiniLM that only reports similarity."""
    return Attack(attack.transformation, attack.search, [*attack.pre_constraints, *attack.constraints],
                  attack.goal, name=attack.name, similarity_model=None)


# ---------------------------------------------------------------- capabilities, checked at the start
@pytest.mark.parametrize("recipe", [hotflip, a2t], ids=["hotflip", "a2t"])
def test_white_box_recipe_on_black_box_victim_fails_before_any_query(recipe):
    victim = CountingBlackBox()
    attack = quick(recipe())
    with pytest.raises(WhiteBoxRequiredError, match="GradientVictim") as err:
        attack.run(victim, *SENTIMENT_EXAMPLES[0])
    assert str(err.value).startswith(f"{attack.name} needs gradients from a white-box victim")
    assert f"{victim.name} is black-box" in str(err.value)
    assert victim.batches == []  # not even the original was scored


def test_harness_stops_at_the_first_example_with_one_error(tmp_path):
    victim = CountingBlackBox()
    examples = [Example(f"e{i}", t, l) for i, (t, l) in enumerate(SENTIMENT_EXAMPLES)]
    with pytest.raises(WhiteBoxRequiredError, match="GradientVictim"):
        run_dataset(quick(hotflip()), victim, examples, out_dir=tmp_path / "run", run_info={"recipe": "hotflip"})
    assert victim.batches == []  # the first example raised before scoring anything; no other ran
    results = tmp_path / "run" / "results.jsonl"
    assert not results.exists() or results.read_text(encoding="utf-8").strip() == ""


def test_the_check_reads_the_protocol_not_one_method():
    class GradientsOnly(KeywordSentimentVictim):
        def word_gradients(self, words, label):
            return np.zeros((len(words), 2))

    attack = quick(hotflip())
    assert not is_white_box(GradientsOnly()) and is_white_box(BagOfEmbeddingsVictim())
    with pytest.raises(WhiteBoxRequiredError, match="word_vocabulary"):
        check_capabilities(attack, GradientsOnly())
    check_capabilities(attack, BagOfEmbeddingsVictim())  # white-box: no error


def test_a_hand_built_context_still_refuses_gradients_from_a_black_box():
    ctx = context(KeywordSentimentVictim(), WordSwapGradient())
    with pytest.raises(WhiteBoxRequiredError, match="black-box"):
        ctx.neighbours(AttackedText("good movie"))
    with pytest.raises(WhiteBoxRequiredError):
        rank_words(ctx, ctx.evaluate([AttackedText("good movie")])[0], "gradient")


# ---------------------------------------------------------------- timing, in the right bucket
def test_gradient_swaps_bill_the_backward_pass_to_the_victim_never_as_queries():
    ctx = context(SlowGradients(), WordSwapGradient(top_n=2))
    assert ctx.neighbours(AttackedText("The food was nice."))
    timers = ctx.state.timers
    assert timers.victim >= DELAY  # one backward pass per proposed text
    assert timers.lm == timers.encoder == timers.generator == 0.0
    assert ctx.state.queries == 0 and ctx.state.cache_hits == 0


def test_gradient_ranking_bills_the_victim_and_asks_for_the_label():
    victim = SlowGradients()
    ctx = context(victim, WordSwapGradient())
    text = AttackedText("The movie was good and great.")
    initial = ctx.evaluate([text])[0]
    queries = ctx.state.queries
    order, complete = rank_words(ctx, initial, "gradient")
    assert complete and sorted(order) == list(range(text.num_words))
    assert ctx.state.queries == queries  # gradients are not queries
    assert ctx.state.timers.victim >= DELAY
    assert np.allclose(ctx.word_gradients(text), victim.word_gradients(list(text.words), 1))


def test_each_member_of_a_composite_is_billed_to_its_own_timer():
    timers = WatchedTimers()
    victim = SlowGradients()
    victim.timers = timers
    ctx = context(victim, Composite([SlowLMSwap(timers), WordSwapGradient(top_n=1)]), timers=timers)
    assert ctx.neighbours(AttackedText("good movie"))
    # each model ran inside its own bucket only (no double billing, nothing left out)
    assert timers.seen == [("lm swap", ("lm",)), ("lm swap", ("lm",)), ("gradients", ("victim",))]
    assert timers.lm >= 2 * DELAY and timers.victim >= DELAY
    assert timers.encoder == timers.generator == 0.0 and ctx.state.queries == 0


def test_generation_is_billed_to_the_generator_and_counted_apart_from_queries():
    generator = FakeParaphraser(delay=DELAY)
    paraphrase = Paraphrase(generator=generator, num_candidates=5)
    ctx = context(KeywordSentimentVictim(), paraphrase)
    text = AttackedText("The movie was good.")
    rewrites = ctx.generate(paraphrase, text)
    assert rewrites and all(r.rewritten for r in rewrites)
    assert ctx.state.generated == 5 and ctx.state.queries == 0
    assert ctx.state.timers.generator >= DELAY and ctx.state.timers.victim == 0.0
    # the same generator as a plain transformation goes through the same gate
    assert ctx.neighbours(text)
    assert ctx.state.generated == 10 and len(generator.calls) == 2
    assert ctx.state.timers.generator >= 2 * DELAY and ctx.state.timers.lm == 0.0


def test_the_rng_reaching_the_generator_is_the_examples():
    calls = []
    for _ in range(2):
        generator = FakeParaphraser(delay=0.0)
        paraphrase = Paraphrase(generator=generator, num_candidates=3)
        ctx = context(KeywordSentimentVictim(), paraphrase)
        ctx.generate(paraphrase, AttackedText("The movie was good."))
        calls.append(generator.calls)
    assert calls[0] == calls[1]
    expected = int(np.random.default_rng(0).integers(0, 2**31 - 1))
    assert calls[0][0][2] == expected


# ---------------------------------------------------------------- nothing reaches past the context
PACKAGE = Path(attack_recipe.__file__).resolve().parent
#: the context itself is the one place allowed to read the run state's victim and timers
GATEWAY = PACKAGE / "attacks" / "search" / "base.py"
#: attributes only the gateway may read: the raw run state, the victim, its timers and counters
FORBIDDEN_ATTRIBUTES = {"state", "victim", "timers", "measure", "generated", "perf_counter"}


def reaching_past_the_context(source: str) -> list[str]:
    """``line: attribute`` for each forbidden attribute read or call in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Name) and node.id == "perf_counter":
            found.append(f"{node.lineno}: perf_counter")
    return found


def engine_components() -> list[Path]:
    files = [*(PACKAGE / "attacks" / "search").glob("*.py"), *(PACKAGE / "attacks" / "transformations").glob("*.py")]
    return sorted(p for p in files if p != GATEWAY)


def test_no_search_or_transformation_reaches_past_the_context():
    assert len(engine_components()) > 10
    offenders = {str(p.relative_to(PACKAGE)): hits for p in engine_components()
                 if (hits := reaching_past_the_context(p.read_text(encoding="utf-8")))}
    assert offenders == {}, f"read the victim/timers through SearchContext instead: {offenders}"


def test_the_source_check_finds_what_it_forbids():
    assert sorted(reaching_past_the_context("def f(ctx):\n    return ctx.state.victim\n")) == ["2: .state", "2: .victim"]
    assert sorted(reaching_past_the_context("with timers.measure('lm'):\n    pass\n")) == ["1: .measure"]
    assert reaching_past_the_context("from time import perf_counter\nt = perf_counter()\n") == ["2: perf_counter"]
    assert reaching_past_the_context("def f(ctx):\n    return ctx.rng, ctx.label\n") == []
