"""Constraint presets that tighten any word-swap recipe.

``strict`` follows the adjusted constraints of Morris et al. (2020), "Reevaluating Adversarial
Examples in Natural Language" (https://arxiv.org/abs/2004.14174), who found that the original
TextFooler/Genetic thresholds let most "adversarial examples" change the meaning or break grammar:

* word-embedding cosine between each swapped pair >= 0.9 (was 0.5);
* sentence-encoder cosine >= 0.98 over 15-word windows, compared with the previous step, short texts
  compared whole (was angular 0.84);
* fluency: the paper requires no new LanguageTool grammar errors; offline we bound the perplexity
  ratio perturbed/original under SmolLM2-135M at 2.0 instead (deviation).

Deviations: GloVe-50d and all-MiniLM-L6-v2 stand in for counter-fitted vectors and USE/BERT (see
recipes/textfooler.py), so the same numbers sit on slightly different scales.

On ``paraphrase+swap`` (the only rewriting recipe it accepts) the perplexity ratio is measured
against the original tweet at every step, the paraphrase included. Before edit steps were types, a
paraphrase was its own reference — ratio 1.0, never rejected — and swaps after it were measured
against the paraphrase. Now a paraphrase more than twice as perplexing as the tweet is dropped, and
swaps on top of a paraphrase may raise perplexity up to twice the *tweet's*: more room after a
paraphrase that is more fluent than the tweet, less after one that is less fluent. The similarity
bound stays per step (``compare_against="previous"``, a paraphrase compared whole with the text it
rewrote), as in Morris et al.
"""

from __future__ import annotations

from ..attacks.attack import Attack
from ..attacks.transformations.base import Composite, WordSwap
from ..attacks.transformations.char_edits import CharacterEdit
from ..constraints.embedding_cosine import WordEmbeddingCosine
from ..constraints.fluency import PerplexityIncrease
from ..constraints.sentence_similarity import SentenceSimilarity
from ..errors import UnknownNameError, UsageError

PRESETS = ("strict",)


def _word_level(transformation) -> bool:
    parts = transformation.transformations if isinstance(transformation, Composite) else (transformation,)
    return all(isinstance(t, WordSwap) and not isinstance(t, CharacterEdit) for t in parts)


def apply_preset(attack: Attack, name: str) -> Attack:
    """A copy of ``attack`` with the preset's constraints replacing its similarity constraints."""
    if name not in PRESETS:
        raise UnknownNameError("preset", name, PRESETS)
    if not _word_level(attack.transformation):
        raise UsageError(f"the {name!r} preset tightens word-swap recipes; {attack.name} edits characters")
    kept = [c for c in attack.constraints if not isinstance(c, (WordEmbeddingCosine, SentenceSimilarity,
                                                                  PerplexityIncrease))]
    strict = [
        WordEmbeddingCosine(min_cos=0.9),
        SentenceSimilarity(threshold=0.98, metric="cosine", window_size=15, compare_against="previous"),
        PerplexityIncrease(max_ratio=2.0),
    ]
    return Attack(attack.transformation, attack.search, [*attack.pre_constraints, *kept, *strict],
                  attack.goal, name=f"{attack.name}+{name}", max_words=attack.max_words)
