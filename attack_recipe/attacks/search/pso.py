"""Discrete particle swarm search over word swaps (Zang et al. 2020).

Each iteration has two phases, each one ``ctx.evaluate`` call: the particles' moved positions,
then (for the particles chosen to mutate) every allowed single-word neighbour. The paper checks
for success between the two, so they cannot share a call without paying for mutation queries on
an iteration that already succeeded.
"""

from __future__ import annotations

from ...errors import UsageError
from ..state import Scored
from ...core.text import AttackedText
from .base import SearchContext, SearchMethod
from .population import best_of, evaluate_distinct, group_by_index, rebuild, sample
from .selection import most_similar_success


class ParticleSwarmOptimization(SearchMethod):
    """Zang et al.'s discrete PSO (parameters from the paper and the authors' code).

    * Start: score every allowed substitute of the original; each of ``pop_size`` particles takes
      the best substitute at a position drawn with probability proportional to that substitute's
      score gain (uniform when nothing gains). Velocities start at one U(-v_max, v_max) draw per
      particle, shared by its words.
    * Iteration t of T: ω = (ω_max − ω_min)(T − t)/T + ω_min; per word,
      v ← ω v + (1 − ω)(I(x, p) + I(x, g)) with I = −v_max where the particle's word equals its own
      best's (p) / the global best's (g) word and +v_max where it differs. With probability
      C1 = c_max − t/T (c_max − c_min) the particle moves toward its own best, then with probability
      C2 = c_min + t/T (c_max − c_min) toward the global best: each word is copied from that best
      with probability sigmoid(v).
    * Mutation: with probability 1 − 2·(fraction of words changed), a particle takes the best
      substitute at a position drawn as at the start.
    * Moved particles are rebuilt from the original as constraint-checked single-word edits
      (``population.rebuild``) so the returned text's edit path re-checks.
    * Stops at the first phase whose scored texts contain a success (fewest changed words first,
      see ``selection.most_similar_success``), after ``max_iters`` iterations, or on budget (best so far).
    """

    def __init__(self, pop_size: int = 60, max_iters: int = 20, omega_max: float = 0.8,
                 omega_min: float = 0.2, c_max: float = 0.8, c_min: float = 0.2, v_max: float = 3.0):
        if pop_size < 1:
            raise UsageError(f"pop_size must be >= 1, got {pop_size}")
        if max_iters < 0:
            raise UsageError(f"max_iters must be >= 0, got {max_iters}")
        self.pop_size = pop_size
        self.max_iters = max_iters
        self.omega_max = omega_max
        self.omega_min = omega_min
        self.c_max = c_max
        self.c_min = c_min
        self.v_max = v_max

    def search(self, ctx: SearchContext, initial: Scored) -> Scored:
        import numpy as np

        rng = ctx.rng
        original = initial.text
        n = original.num_words
        choices, evaluated, complete = self._best_neighbours(ctx, [initial])
        best = best_of(evaluated, initial)
        found = most_similar_success(ctx, evaluated, fewest_changes=True)
        if found is not None or not complete:
            return found or best
        population = [self._mutate(rng, initial, choices[0]) for _ in range(self.pop_size)]
        velocities = np.repeat(rng.uniform(-self.v_max, self.v_max, self.pop_size)[:, None], n, axis=1)
        local = list(population)
        glob = max(population, key=lambda m: m.score)
        T = self.max_iters
        for t in range(T):
            omega = (self.omega_max - self.omega_min) * (T - t) / T + self.omega_min
            c1 = self.c_max - t / T * (self.c_max - self.c_min)
            c2 = self.c_min + t / T * (self.c_max - self.c_min)
            genomes = []
            for k, member in enumerate(population):
                words = np.array(member.text.words, dtype=object)
                own = np.array(local[k].text.words, dtype=object)
                best_words = np.array(glob.text.words, dtype=object)
                pull = np.where(words == own, -self.v_max, self.v_max) + \
                    np.where(words == best_words, -self.v_max, self.v_max)
                velocities[k] = omega * velocities[k] + (1 - omega) * pull
                turn = 1.0 / (1.0 + np.exp(-velocities[k]))
                position = list(member.text.words)
                for target, chance in ((own, c1), (best_words, c2)):
                    if rng.random() < chance:
                        copy = rng.random(n) < turn
                        position = [target[d] if copy[d] else position[d] for d in range(n)]
                genomes.append({d: w for d, w in enumerate(position) if w != original.words[d]})

            # phase 1: the moved particles
            moved = rebuild(ctx, original, genomes)
            known = {m.text.text: m for m in population + local + [glob]}
            results, complete = evaluate_distinct(ctx, (t_ for t_ in moved if t_.text not in known))
            best = best_of(results, best)
            found = most_similar_success(ctx, results, fewest_changes=True)
            if found is not None or not complete:
                return found or best
            known.update({r.text.text: r for r in results})
            population = [known[t_.text] for t_ in moved]

            # phase 2: mutation
            mutating = [k for k, m in enumerate(population)
                        if rng.random() < 1 - 2 * len(m.text.modified_indices) / n]
            choices, results, complete = self._best_neighbours(ctx, [population[k] for k in mutating])
            best = best_of(results, best)
            found = most_similar_success(ctx, results, fewest_changes=True)
            if found is not None or not complete:
                return found or best
            for k, choice in zip(mutating, choices):
                population[k] = self._mutate(rng, population[k], choice)

            for k, member in enumerate(population):
                if member.score > local[k].score:
                    local[k] = member
            top = max(population, key=lambda m: m.score)
            if top.score > glob.score:
                glob = top
        return best

    @staticmethod
    def _mutate(rng, member: Scored, choice: tuple[list[Scored | None], list[float]]) -> Scored:
        options, gains = choice
        picked = options[sample(rng, gains)]
        return member if picked is None else picked

    @staticmethod
    def _best_neighbours(ctx: SearchContext, members: list[Scored]):
        """Per member, the best-scoring neighbour at each word position and its score gain.

        All members' neighbours are scored in one ``ctx.evaluate`` call. Returns
        ``(choices, results, complete)``; ``choices[k] = (options, gains)`` with ``options[i]`` None
        where position ``i`` has no allowed neighbour.
        """
        memo: dict[str, dict[int, list[AttackedText]]] = {}
        for m in members:
            if m.text.text not in memo:
                memo[m.text.text] = group_by_index(ctx.neighbours(m.text))
        results, complete = evaluate_distinct(
            ctx, (c for groups in memo.values() for cands in groups.values() for c in cands))
        if not complete:
            return [], results, False
        scored = {r.text.text: r for r in results}
        choices = []
        for m in members:
            groups = memo[m.text.text]
            options: list[Scored | None] = [None] * m.text.num_words
            gains = [0.0] * m.text.num_words
            for i, cands in groups.items():
                top = max((scored[c.text] for c in cands), key=lambda r: r.score)
                options[i] = top
                gains[i] = top.score - m.score
            choices.append((options, gains))
        return choices, results, True
