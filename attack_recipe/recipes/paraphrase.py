"""Paraphrase attacks — after Iyyer, Wieting, Gimpel & Zettlemoyer (2018); ``paraphrase+swap`` adds Jin et al. (2020).

``paraphrase`` rewrites the text; ``paraphrase+swap`` paraphrases, then swaps words.

Not a reproduction of one paper. The idea of attacking a classifier with sentence-level paraphrases
follows Iyyer, Wieting, Gimpel & Zettlemoyer (2018), "Adversarial Example Generation with
Syntactically Controlled Paraphrase Networks", NAACL 2018, https://aclanthology.org/N18-1170 ;
``paraphrase+swap`` composes it with TextFooler's word swaps (Jin et al. 2020,
https://arxiv.org/abs/1907.11932): an adversary that paraphrases first, then edits the paraphrase.

What it does:
    paraphrase       rounds of N sampled paraphrases of the current best text from an instruction-tuned
                     LM; candidates whose sentence similarity to the *original* falls below the
                     threshold are dropped; the rest are scored in one victim call; the best is kept
                     if it lowers the victim's confidence. Stops on success, after a round without
                     improvement, after ``max_rounds`` rounds, or when the query budget runs out.
    paraphrase+swap  the same, then — if no paraphrase succeeded — TextFooler's greedy word swaps
                     (deletion-ranked words, GloVe neighbours, WordNet POS, embedding cosine) on the
                     best paraphrase (or on the original when no paraphrase improved). One
                     similarity-to-original constraint spans both phases, so every success stays
                     within ``sim_threshold`` of the original.

Arguments (keyword-only; ``-O name=value`` on the command line):
    generator=None            HF causal or seq2seq LM id / folder; None = packaged SmolLM2-135M-Instruct.
    num_candidates=8          paraphrases sampled per round (one batched ``generate`` call).
    max_rounds=2              paraphrase rounds (each paraphrases the best text so far).
    temperature=0.8, top_p=0.95, max_new_tokens=48
                              sampling; new tokens are also capped at 1.5 × the input's tokens + 8.
    sim_threshold=0.8, sim_metric="cosine"
                              all-MiniLM-L6-v2 similarity of the whole text to the original.
    encoder=None              sentence encoder (packaged all-MiniLM-L6-v2).
    paraphrase+swap also: max_candidates=50, min_word_cos=0.5, embedding="counter-fitted-glove-50d",
    pos_check="contextual", inflect=True, protect=True (TextFooler's, see recipes/textfooler.py).

Example:
    >>> from attack_recipe.recipes.paraphrase import paraphrase
    >>> attack = paraphrase(num_candidates=4, max_rounds=1)
    >>> result = attack.run(victim, "the film was a delight", label=1)   # doctest: +SKIP

Cost: generation dominates. On 2 shared CPU cores SmolLM2-135M needs ~20 s per round of 8 samples
for a tweet, against well under a second of victim time; results report it apart
(``seconds.generator``, ``generated``) and never as victim queries. ``max_rounds=2`` and N=8 keep a
tweet under a minute.

Deviations from Iyyer et al. (2018) and TextFooler (each forced by what loads offline, or chosen):
    * Generator: an instruction-tuned causal LM sampled with a paraphrase prompt (SmolLM2-135M, the
      only generator that ships offline) instead of SCPN's syntax-controlled encoder–decoder; there
      are no syntactic templates — diversity comes from sampling (temperature 0.8, top-p 0.95).
    * Filtering: Iyyer et al. filter paraphrases with n-gram overlap / paraphrase scores; here a
      sentence-encoder bound to the original (MiniLM cosine >= 0.8 on the whole text), the same
      bound re-checked on every success.
    * The search is greedy over rounds (paraphrase the best paraphrase again), not one shot over
      templates.
    * Swap phase (paraphrase+swap): TextFooler's components as in ``recipes/textfooler.py`` (GloVe
      instead of counter-fitted vectors, WordNet POS), but its windowed step-by-step USE check is
      replaced by the whole-text bound against the original, which a paraphrase makes necessary
      (word windows do not line up across a rewrite).
    * Words changed after a paraphrase are defined by a difflib word alignment with the original
      (``AttackedText.changed_indices``); "perturbed words %" is the share of original words not kept.
    * Swap-phase word constraints (embedding cosine, part of speech, repeat) judge a swapped word
      against the paraphrase word it replaced (``AttackedText.base_words``); bounds on the whole text
      (the similarity here; perplexity under ``--preset strict``, see ``recipes/presets.py``) compare
      with the original tweet.
"""

from __future__ import annotations

from ..attacks.attack import Attack
from ..attacks.goals import Goal
from ..attacks.search.greedy_wir import GreedyWordSwapWIR
from ..attacks.search.paraphrase_rounds import ParaphraseRounds
from ..attacks.transformations.embedding_swap import WordSwapEmbedding
from ..attacks.transformations.paraphrase import Paraphrase
from ..constraints.embedding_cosine import WordEmbeddingCosine
from ..constraints.repeat import RepeatModification
from ..constraints.sentence_similarity import SentenceSimilarity
from ..constraints.stopwords import StopwordModification
from .word_context import part_of_speech, protection

DEFAULT_SIM_THRESHOLD = 0.8


def _paraphraser(generator, num_candidates, temperature, top_p, max_new_tokens) -> Paraphrase:
    return Paraphrase(generator=generator, num_candidates=num_candidates, temperature=temperature,
                      top_p=top_p, max_new_tokens=max_new_tokens)


def _similarity(sim_threshold, sim_metric, encoder) -> SentenceSimilarity:
    return SentenceSimilarity(threshold=sim_threshold, metric=sim_metric, window_size=None,
                              encoder=encoder, compare_against="original")


def paraphrase(
    *,
    goal: Goal | None = None,
    generator=None,
    num_candidates: int = 8,
    max_rounds: int = 2,
    temperature: float = 0.8,
    top_p: float = 0.95,
    max_new_tokens: int = 48,
    sim_threshold: float = DEFAULT_SIM_THRESHOLD,
    sim_metric: str = "cosine",
    encoder: str | object | None = None,
) -> Attack:
    """Greedy rounds of sampled LM paraphrases, bounded in similarity to the original."""
    para = _paraphraser(generator, num_candidates, temperature, top_p, max_new_tokens)
    return Attack(
        transformation=para,
        constraints=[_similarity(sim_threshold, sim_metric, encoder)],
        search=ParaphraseRounds(para, max_rounds=max_rounds),
        goal=goal,
        name="paraphrase",
    )


def paraphrase_swap(
    *,
    goal: Goal | None = None,
    generator=None,
    num_candidates: int = 8,
    max_rounds: int = 2,
    temperature: float = 0.8,
    top_p: float = 0.95,
    max_new_tokens: int = 48,
    sim_threshold: float = DEFAULT_SIM_THRESHOLD,
    sim_metric: str = "cosine",
    encoder: str | object | None = None,
    max_candidates: int = 50,
    min_word_cos: float = 0.5,
    embedding: str | object = "counter-fitted-glove-50d",
    pos_check: str = "contextual",
    inflect: bool = True,
    protect: bool = True,
) -> Attack:
    """Paraphrase rounds, then TextFooler-style word swaps on the best paraphrase; one bound to the original."""
    para = _paraphraser(generator, num_candidates, temperature, top_p, max_new_tokens)
    return Attack(
        transformation=WordSwapEmbedding(max_candidates=max_candidates, embedding=embedding, inflect=inflect),
        constraints=[
            RepeatModification(),
            StopwordModification(),
            *protection(protect),
            WordEmbeddingCosine(min_cos=min_word_cos, embedding=embedding),
            *part_of_speech(pos_check),
            _similarity(sim_threshold, sim_metric, encoder),
        ],
        search=ParaphraseRounds(para, max_rounds=max_rounds, then=GreedyWordSwapWIR(wir_method="delete")),
        goal=goal,
        name="paraphrase+swap",
    )
