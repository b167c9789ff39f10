"""PSO — Zang, Qi, Yang, Liu, Zhang, Liu & Sun (2020).

"Word-level Textual Adversarial Attacking as Combinatorial Optimization", ACL 2020.
https://aclanthology.org/2020.acl-main.540/  (code: https://github.com/thunlp/SememePSO-Attack)

What it does: every content word may be replaced by a substitute; a swarm of 60 particles (texts)
searches the combinations for up to 20 iterations. Particles move toward their own best and the
swarm's best position word by word, with inertia ω falling from 0.8 to 0.2 and movement
probabilities shifting from the own best (0.8 → 0.2) to the swarm's best (0.2 → 0.8); velocities are
capped at V_max = 3; a particle that changed few words mutates with probability 1 − 2·(changed
fraction) by taking the best substitute at a position drawn by score gain (see
``attacks/search/pso.py``).

Arguments (defaults are the paper's): ``pop_size=60``, ``max_iters=20``, ``omega_max=0.8``,
``omega_min=0.2``, ``c_max=0.8``, ``c_min=0.2``, ``v_max=3.0``; ``max_candidates=None`` (all
WordNet synonyms).

Example:
    >>> from attack_recipe.recipes.pso import pso
    >>> result = pso().run(victim, "the film was a delight", label=1)   # doctest: +SKIP

Deviations from the paper:
    * Substitutes: single-word WordNet synonyms instead of HowNet sememe-based substitutes (HowNet /
      OpenHowNet data does not ship offline), from the senses of the word's part of speech in its
      sentence (spaCy), like the paper's same-POS substitutes; ``senses="all"`` takes every sense.
    * Added (not in the paper): substitutes are inflected to the replaced word's form and case, and
      named entities, proper nouns, hashtags and numbers are not swapped (``inflect=False`` /
      ``protect=False`` switch them off; recipes/word_context.py). Run through ``attack-recipe run``
      the search is valid-only by default: a success the validity judge rejects is a dead end.
    * C1/C2 schedules, the mutation probability 1 − 2·(changed fraction), the per-particle initial
      velocity and I(·,·) = ∓V_max follow the authors' code (the paper states ω and V_max).
    * Moved particles are rebuilt from the original as constraint-checked single-word edits, so
      every success's edit path re-checks (with only pre-constraints, nothing is ever dropped).
    * Each iteration scores the moved particles in one batch and the mutation neighbours in a
      second batch; the search stops at the first batch containing a success and returns, among its
      successes, the one with the fewest changed words (the paper returns the best particle).
    * Words are never changed twice, stopwords are not changed (as in TextAttack).
    * Cost: a mutation scores every substitute of every mutating particle; on a real model a
      failed example can take thousands of victim queries (see the measurements in the report).
"""

from __future__ import annotations

from ..attacks.attack import Attack
from ..attacks.goals import Goal
from ..attacks.search.pso import ParticleSwarmOptimization
from ..attacks.transformations.wordnet_swap import WordSwapWordNet
from ..constraints.repeat import RepeatModification
from ..constraints.stopwords import StopwordModification
from .word_context import protection


def pso(
    *,
    goal: Goal | None = None,
    pop_size: int = 60,
    max_iters: int = 20,
    omega_max: float = 0.8,
    omega_min: float = 0.2,
    c_max: float = 0.8,
    c_min: float = 0.2,
    v_max: float = 3.0,
    max_candidates: int | None = None,
    senses: str = "contextual",
    inflect: bool = True,
    protect: bool = True,
) -> Attack:
    """PSO (Zang et al. 2020): discrete particle swarm search over WordNet synonym swaps."""
    return Attack(
        transformation=WordSwapWordNet(max_candidates=max_candidates, senses=senses, inflect=inflect),
        constraints=[RepeatModification(), StopwordModification(), *protection(protect)],
        search=ParticleSwarmOptimization(pop_size=pop_size, max_iters=max_iters, omega_max=omega_max,
                                         omega_min=omega_min, c_max=c_max, c_min=c_min, v_max=v_max),
        goal=goal,
        name="pso",
    )
