"""BAE — Garg & Ramakrishnan (2020), attack mode BAE-R (replace).

"BAE: BERT-based Adversarial Examples for Text Classification", EMNLP 2020.
https://arxiv.org/abs/2004.01970

What it does: ranks words by how much deleting each one lowers the victim's confidence; walks the
ranking, masks the word, and takes the masked LM's top K=50 tokens as replacements (whole words only),
keeping those that can share the word's part of speech and keep the sentence similar to the original
over a 15-word window; keeps the swap that lowers the confidence most; at the first success returns,
among that step's successes, the one most similar to the original.

Arguments (defaults are the paper's unless noted):
    max_candidates=50      K, top masked-LM tokens per word.
    sim_threshold=0.936338023, sim_metric="cosine", window_size=15
                           sentence similarity against the original (see deviations).
    mlm="bert-base-uncased"
                           any Hugging Face masked LM id or folder (CLI: ``--mlm``); env
                           ``ATTACK_RECIPE_MLM``; ``"causal-lm"`` forces the offline fallback.
    vocabulary="glove-6b-50d"
                           whole-word filter for candidates (None: alphabetic words only).
    encoder=None           sentence encoder (packaged all-MiniLM-L6-v2).

Example:
    >>> from attack_recipe.recipes.bae import bae
    >>> attack = bae(mlm="bert-base-uncased")
    >>> result = attack.run(victim, "the film was a delight", label=1)   # doctest: +SKIP

Deviations from the paper:
    * Offline (no masked LM ships), candidates come from the packaged causal LM SmolLM2-135M: the 2K
      most likely whole words after the left context, re-ranked by the log-likelihood of the whole
      sentence with the word in place (so the right context counts), top K kept. A warning is logged
      once per process and the transformation's repr shows ``source='causal-lm fallback: ...'``.
      Pass a masked LM (``mlm=``) for the paper's candidates.
    * Sentence encoder: all-MiniLM-L6-v2 instead of the Universal Sentence Encoder (TF-Hub only). The
      threshold is TextAttack's reading of the paper's 0.8 through the TextFooler code
      (1 - 0.2/pi = 0.936338023, cosine), compared with the original text as the authors advised
      TextAttack; not recalibrated for MiniLM.
    * Texts shorter than the 15-word window are compared whole with the same threshold. The authors
      used a threshold of 0.1 for them (≈ no check) and TextAttack skips them; for tweets that would
      mean no similarity check at all.
    * POS check: spaCy's tagger in context, strict (the swapped word keeps its universal POS and
      form), instead of NLTK's; TextAttack lets nouns and verbs swap (``pos_check="wordnet"`` is the
      lexical check with that allowance). Named entities, proper nouns, hashtags and numbers are not
      swapped (``protect=False``). Run through ``attack-recipe run`` the search is valid-only by default.
    * Whole words: top-K tokens first, then sub-word pieces and words outside the GloVe vocabulary are
      dropped (the authors' filter), so fewer than K candidates may remain. No minimum MLM confidence
      (TextAttack's 5e-4 is its own addition).
    * Stopwords: our own list (attack_recipe/resources/data/stopwords.txt).
    * Only BAE-R. The insert modes (BAE-I, BAE-R/I, BAE-R+I) are not offered: an ``AttackedText`` keeps
      word indices stable for the whole attack, which the constraints (stopwords, repeat, windows,
      changed-word counts) and the re-check of results rely on; an insertion would have to be smuggled
      in as a two-word "replacement" that every one of them would misread.
"""

from __future__ import annotations

from ..attacks.attack import Attack
from ..attacks.goals import Goal
from ..attacks.search.greedy_wir import GreedyWordSwapWIR
from ..attacks.transformations.masked_lm import WordSwapMaskedLM
from ..constraints.repeat import RepeatModification
from ..constraints.sentence_similarity import SentenceSimilarity
from ..constraints.stopwords import StopwordModification
from .word_context import part_of_speech, protection
from ..resources.mlm import DEFAULT_MLM

#: The paper's USE threshold 0.8 as TextAttack reads it through the TextFooler code: 1 - 0.2 / pi.
BAE_COSINE_THRESHOLD = 0.936338023

#: Options for the conformance run on the toy victims (attack_recipe/testing/conformance.py): the
#: 0.936 cosine rejects any sentiment flip of those 5-word sentences under MiniLM.
CONFORMANCE_OPTIONS = {"sim_threshold": 0.5}


def bae(
    *,
    goal: Goal | None = None,
    max_candidates: int = 50,
    sim_threshold: float = BAE_COSINE_THRESHOLD,
    sim_metric: str = "cosine",
    window_size: int | None = 15,
    mlm: str = DEFAULT_MLM,
    vocabulary: str | None = "glove-6b-50d",
    encoder: str | object | None = None,
    pos_check: str = "contextual",
    protect: bool = True,
) -> Attack:
    """BAE-R (Garg & Ramakrishnan 2020): deletion-ranked masked-LM word replacements under USE-style similarity."""
    return Attack(
        transformation=WordSwapMaskedLM(method="bae", max_candidates=max_candidates, mlm=mlm,
                                        vocabulary=vocabulary),
        constraints=[
            RepeatModification(),
            StopwordModification(),
            *protection(protect),
            *part_of_speech(pos_check),
            SentenceSimilarity(threshold=sim_threshold, metric=sim_metric, window_size=window_size,
                               encoder=encoder, compare_against="original"),
        ],
        search=GreedyWordSwapWIR(wir_method="delete"),
        goal=goal,
        name="bae",
    )
