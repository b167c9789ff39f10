"""Genetic attack — Alzantot et al. (2018), by default in Jia et al. (2019)'s faster form.

Alzantot, Sharma, Elgohary, Ho, Srivastava & Chang, "Generating Natural Language Adversarial
Examples", EMNLP 2018. https://arxiv.org/abs/1804.07998
Jia, Raghunathan, Göksel & Liang, "Certified Robustness to Adversarial Word Substitutions",
EMNLP 2019. https://arxiv.org/abs/1909.00986

What it does: each word may be replaced by one of its N = 8 nearest embedding neighbours within a
distance δ = 0.5, if a language model finds the swap plausible; at most 20 % of the words change.
A population of 60 texts evolves for up to 20 generations: the best survives, the others are
children of two parents drawn by softmax(score / 0.3), each word inherited from either parent, then
mutated by the best substitute at one randomly drawn position (see ``attacks/search/genetic.py``).

``variant`` picks the language-model filter:

* ``"jia"`` (default): the substitute sets are fixed against the *original* text — a substitute is
  allowed when log P(window of ±6 words with the swap) >= log P(original window) − 5 (W = 6, δ = 5,
  Jia et al. App. A.3). Checks are per (position, word), memoised, so the LM runs once per
  substitute per example and every crossover child can be checked cheaply.
* ``"alzantot"``: at each step, only the K = 4 substitutes the LM ranks highest in the *current*
  text (±6-word window) are allowed. Path-dependent and much slower (LM calls every generation).

Arguments (defaults are the papers' unless noted):
    variant="jia", pop_size=60, max_iters=20, temperature=0.3 (Alzantot et al.'s code),
    max_candidates=8 (N), max_sq_distance=0.5 (δ), max_perturb_rate=0.2,
    lm_window=6, lm_max_drop=5.0 (Jia), lm_top_k=4 (Alzantot), embedding="counter-fitted-glove-50d", lm=None
    (packaged SmolLM2-135M-Instruct).

Example:
    >>> from attack_recipe.recipes.genetic import genetic
    >>> result = genetic().run(victim, "the film was a delight", label=1)   # doctest: +SKIP
    >>> slow = genetic(variant="alzantot")

Deviations from the papers:
    * Word vectors: counter-fitted as in both papers, but ours: GloVe 6B-50d counter-fitted offline
      to WordNet (docs/counterfit.md; WordNet antonyms also removed) instead of the authors'
      counter-fitted Paragram vectors, which do not ship. δ = 0.5 is read as Alzantot et al.'s code
      reads it, a *squared* Euclidean distance between unit vectors, i.e. cosine >= 1 − δ/2 = 0.75.
    * Added (not in the paper): substitutes are inflected to the replaced word's form and case, and
      named entities, proper nouns, hashtags and numbers are not swapped (``inflect=False`` /
      ``protect=False`` switch them off; recipes/word_context.py). Run through ``attack-recipe run``
      the search is valid-only by default: a success the validity judge rejects is a dead end.
    * Language model: the packaged SmolLM2-135M-Instruct instead of the Google 1B-words LM
      (Alzantot) or the "learning to write" LM (Jia); thresholds (K = 4, δ = 5 nats) unchanged.
    * Window: Alzantot et al.'s LM also scores a short window around the word; we use ±6 words for
      both variants (Jia's W).
    * Population / generations for the Jia variant: 60 / 20, as in TextAttack's recipe.
    * Crossover children are rebuilt from the original as constraint-checked single-word edits in
      word order; an edit the constraints reject on that path (e.g. beyond the 20 % cap) is dropped.
      Alzantot et al. do not re-check children; this keeps every reported success re-checkable.
    * Words are never changed twice (RepeatModification) and stopwords are not changed, as in
      TextAttack; Alzantot et al.'s code may re-substitute a changed word.
    * Success: the search stops at the first generation where any scored text reaches the goal and
      returns, among those, the one with the fewest changed words.
"""

from __future__ import annotations

from ..attacks.attack import Attack
from ..attacks.goals import Goal
from ..attacks.search.genetic import AlzantotGeneticAlgorithm
from ..attacks.transformations.embedding_swap import WordSwapEmbedding
from ..constraints.embedding_cosine import WordEmbeddingCosine
from ..constraints.language_model import LanguageModelTopK, WindowLogProbDrop
from ..constraints.max_words import MaxWordsPerturbed
from ..constraints.repeat import RepeatModification
from ..constraints.stopwords import StopwordModification
from ..errors import UsageError
from .word_context import protection

VARIANTS = ("jia", "alzantot")

#: Options for the conformance run on the toy victims (attack_recipe/testing/conformance.py): the toy
#: victim only reads a small sentiment lexicon, and among the 8 counter-fitted neighbours of its
#: words there is rarely a lexicon word of the other sign (GloVe's top 8 held antonyms), so give it 20.
CONFORMANCE_OPTIONS = {"max_candidates": 20}


def genetic(
    *,
    goal: Goal | None = None,
    variant: str = "jia",
    pop_size: int = 60,
    max_iters: int = 20,
    temperature: float = 0.3,
    max_candidates: int = 8,
    max_sq_distance: float = 0.5,
    max_perturb_rate: float = 0.2,
    lm_window: int = 6,
    lm_max_drop: float = 5.0,
    lm_top_k: int = 4,
    embedding: str | object = "counter-fitted-glove-50d",
    lm=None,
    inflect: bool = True,
    protect: bool = True,
) -> Attack:
    """Genetic attack (Alzantot et al. 2018; Jia et al. 2019's original-context LM filter by default)."""
    if variant not in VARIANTS:
        raise UsageError(f"unknown genetic variant {variant!r}; valid: {', '.join(VARIANTS)}")
    if not 0 <= max_sq_distance <= 4:
        raise UsageError(f"max_sq_distance must be in [0, 4] (unit vectors), got {max_sq_distance}")
    transformation = WordSwapEmbedding(max_candidates=max_candidates, embedding=embedding, inflect=inflect)
    distance = WordEmbeddingCosine(min_cos=1.0 - max_sq_distance / 2.0, embedding=embedding)
    if variant == "jia":
        lm_constraint = WindowLogProbDrop(window=lm_window, max_drop=lm_max_drop, lm=lm)
    else:
        lm_constraint = LanguageModelTopK(transformation, top_k=lm_top_k, window=lm_window,
                                          prefilter=[distance], lm=lm)
    return Attack(
        transformation=transformation,
        constraints=[
            RepeatModification(),
            StopwordModification(),
            *protection(protect),
            MaxWordsPerturbed(max_percent=max_perturb_rate),
            distance,
            lm_constraint,
        ],
        search=AlzantotGeneticAlgorithm(pop_size=pop_size, max_iters=max_iters, temperature=temperature),
        goal=goal,
        name="genetic" if variant == "jia" else "genetic-alzantot",
    )
