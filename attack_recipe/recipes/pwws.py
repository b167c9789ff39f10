"""PWWS — Ren, Deng, He & Che (2019).

"Generating Natural Language Adversarial Examples through Probability Weighted Word Saliency",
ACL 2019. https://aclanthology.org/P19-1103/

What it does: for every word, finds the WordNet synonym that lowers the true class's probability
most (Δp*), weighs it by the softmax of the word's saliency (the probability drop when the word is
replaced by an unknown token), and replaces words greedily in that order until the label flips.

Arguments:
    unk_token="[UNK]"     the unknown token used for saliency (BERT-style tokenizers map it to their
                          unknown id).
    senses="contextual"   which WordNet senses give synonyms: "contextual" (the word's part of speech
                          in its sentence, spaCy) or "all" (the paper's and TextAttack's choice).
    inflect=True          synonyms take the replaced word's form and case ("loved" -> "adored").
    protect=True          named entities, proper nouns, hashtags and numbers are not swapped.

Example:
    >>> from attack_recipe.recipes.pwws import pwws
    >>> result = pwws().run(victim, "the film was a delight", label=1)   # doctest: +SKIP

Deviations from the paper:
    * Named-entity substitution (the paper's second candidate source, built from corpus NE
      statistics) is not implemented; candidates are WordNet synonyms only, as in TextAttack.
    * Candidate synonyms come from the senses of the word's part of speech in its sentence by
      default; the paper (and TextAttack) take every sense. Every sense gives "you just made my
      day" -> "you just cook my day" and "the firm" -> "the steady": a different text, not a
      paraphrase. ``senses="all"`` is the paper's version.
    * Added (not in the paper): synonyms are inflected to the replaced word's form and case, and
      named entities, proper nouns, hashtags and numbers are not swapped (``inflect=False``,
      ``protect=False`` switch them off). Run through ``attack-recipe run`` the search is
      valid-only by default (a success the validity judge rejects is a dead end; docs/judge.md).
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
from .word_context import protection


def pwws(*, goal: Goal | None = None, unk_token: str = "[UNK]", senses: str = "contextual",
         inflect: bool = True, protect: bool = True) -> Attack:
    """PWWS (Ren et al. 2019): WordNet synonym swaps ordered by probability-weighted word saliency."""
    return Attack(
        transformation=WordSwapWordNet(senses=senses, inflect=inflect),
        constraints=[RepeatModification(), StopwordModification(), *protection(protect)],
        search=GreedyWordSwapWIR(wir_method="weighted-saliency", unk_token=unk_token),
        goal=goal,
        name="pwws",
    )
