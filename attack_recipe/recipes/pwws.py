"""PWWS — Ren, Deng, He & Che (2019).

"Generating Natural Language Adversarial Examples through Probability Weighted Word Saliency",
ACL 2019. https://aclanthology.org/P19-1103/

What it does: for every word, finds the WordNet synonym that lowers the true class's probability
most (Δp*), weighs it by the softmax of the word's saliency (the probability drop when the word is
replaced by an unknown token), and replaces words greedily in that order until the label flips.

Arguments: none beyond ``goal`` and ``unk_token="[UNK]"`` (the unknown token used for saliency;
BERT-style tokenizers map it to their unknown id).

Example:
    >>> from attack_recipe.recipes.pwws import pwws
    >>> result = pwws().run(victim, "the film was a delight", label=1)   # doctest: +SKIP

Deviations from the paper:
    * Named-entity substitution (the paper's second candidate source, built from corpus NE
      statistics) is not implemented; candidates are WordNet synonyms only, as in TextAttack.
    * Candidate synonyms come from every sense of the word (no POS filter), as in TextAttack.
    * Scores use the goal function's score (1 − p(true class)), which for an untargeted goal equals
      the paper's drop in p(true class) up to a constant.
    * Stopwords are not modified (TextAttack's choice; the paper does not say).
"""

from __future__ import annotations

from ..attacks.attack import Attack
from ..attacks.goals import Goal
from ..attacks.search.greedy_wir import GreedyWordSwapWIR
from ..attacks.transformations.wordnet_swap import WordSwapWordNet
from ..constraints.repeat import RepeatModification
from ..constraints.stopwords import StopwordModification


def pwws(*, goal: Goal | None = None, unk_token: str = "[UNK]") -> Attack:
    """PWWS (Ren et al. 2019): WordNet synonym swaps ordered by probability-weighted word saliency."""
    return Attack(
        transformation=WordSwapWordNet(),
        constraints=[RepeatModification(), StopwordModification()],
        search=GreedyWordSwapWIR(wir_method="weighted-saliency", unk_token=unk_token),
        goal=goal,
        name="pwws",
    )
