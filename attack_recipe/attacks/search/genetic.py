"""Genetic search over word swaps (Alzantot et al. 2018; Jia et al. 2019's faster variant uses it too).

One generation = crossover of parents sampled by fitness, then one mutation ("perturb") per child.
Every text a generation needs scored — the children and all their mutation candidates — goes to
the victim in a single ``ctx.evaluate`` call (the run state splits it into victim batches; cached
texts are free). The initial population (``pop_size`` perturbations of the original) is one call too.
"""

from __future__ import annotations

from ...errors import UsageError
from ..state import Scored
from ...core.text import AttackedText
from .base import SearchContext, SearchMethod
from .population import best_of, evaluate_distinct, genome, group_by_index, rebuild, sample
from .selection import most_similar_success


class AlzantotGeneticAlgorithm(SearchMethod):
    """Alzantot et al.'s genetic algorithm.

    * Perturb(x): pick a word position not yet changed in ``x``, with probability proportional to
      the number of allowed substitutes the original word has there (Alzantot et al.'s reference
      code); score every allowed substitute at that position and keep the best one if it raises the
      goal score, else keep ``x``.
    * Population: ``pop_size`` perturbations of the original. Each generation keeps the best member
      (elite) and breeds ``pop_size - 1`` children: parents sampled with probability
      softmax(score / ``temperature``), each word taken from either parent with probability 1/2,
      then perturbed.
    * Children are rebuilt from the original as single-word edits that pass every constraint
      (see ``population.rebuild``), so their recorded edit path re-checks.
    * Stops at the first generation that contains a success (fewest changed words first, see
      ``selection.most_similar_success``), after ``max_iters`` generations, or when the budget runs out
      (returning the best text scored so far).
    """

    def __init__(self, pop_size: int = 60, max_iters: int = 20, temperature: float = 0.3):
        if pop_size < 2:
            raise UsageError(f"pop_size must be >= 2, got {pop_size}")
        if max_iters < 0:
            raise UsageError(f"max_iters must be >= 0, got {max_iters}")
        if temperature <= 0:
            raise UsageError(f"temperature must be > 0, got {temperature}")
        self.pop_size = pop_size
        self.max_iters = max_iters
        self.temperature = temperature

    def search(self, ctx: SearchContext, initial: Scored) -> Scored:
        import numpy as np

        original = initial.text
        counts = {i: len(v) for i, v in group_by_index(ctx.neighbours(original)).items()}
        if not counts:
            return initial
        rng = ctx.rng
        population, evaluated, complete = self._perturb(
            ctx, [original] * self.pop_size, {original.text: initial}, counts)
        best = best_of(evaluated, initial)
        for _ in range(self.max_iters):
            found = most_similar_success(ctx, evaluated, fewest_changes=True)
            if found is not None:
                return found
            if not complete or ctx.out_of_budget:
                return best
            scores = np.array([m.score for m in population])
            elite = population[int(np.argmax(scores))]
            logits = scores / self.temperature
            probs = np.exp(logits - logits.max())
            probs /= probs.sum()
            n = self.pop_size - 1
            first = rng.choice(len(population), size=n, p=probs)
            second = rng.choice(len(population), size=n, p=probs)
            genomes = [self._crossover(rng, population[a].text, population[b].text)
                       for a, b in zip(first, second)]
            children = rebuild(ctx, original, genomes)
            known = {m.text.text: m for m in population}
            mutated, evaluated, complete = self._perturb(ctx, children, known, counts)
            best = best_of(evaluated, best)
            population = [elite] + mutated
        found = most_similar_success(ctx, evaluated, fewest_changes=True)
        return found if found is not None else best

    @staticmethod
    def _crossover(rng, a: AttackedText, b: AttackedText) -> dict[int, str]:
        """Each word from ``a`` or ``b`` with probability 1/2 (only positions where they differ draw)."""
        ga, gb = genome(a), genome(b)
        child = {}
        differ = sorted(i for i in set(ga) | set(gb) if ga.get(i) != gb.get(i))
        draws = rng.random(len(differ)) if differ else []
        for i, u in zip(differ, draws):
            word = ga.get(i) if u < 0.5 else gb.get(i)
            if word is not None:
                child[i] = word
        for i in set(ga) & set(gb):
            if ga[i] == gb[i]:
                child[i] = ga[i]
        return child

    def _perturb(self, ctx: SearchContext, texts: list[AttackedText], known: dict[str, Scored],
                 counts: dict[int, int]) -> tuple[list[Scored], list[Scored], bool]:
        """Mutate every text once; one ``ctx.evaluate`` call scores all texts and candidates.

        Returns the mutated members (in input order), everything scored by this call, and whether
        the call was complete (False when the budget cut it short: members are then unusable).
        """
        rng = ctx.rng
        memo: dict[tuple[str, int], list[AttackedText]] = {}
        plans: list[list[AttackedText]] = []
        for text in texts:
            allowed = set(ctx.modifiable(text))
            positions = [i for i in sorted(counts) if i in allowed]
            if not positions:
                plans.append([])
                continue
            index = positions[sample(rng, [counts[i] for i in positions])]
            key = (text.text, index)
            if key not in memo:
                memo[key] = ctx.neighbours(text, [index])
            plans.append(memo[key])
        unscored = [t for t in texts if t.text not in known]
        results, complete = evaluate_distinct(ctx, [*unscored, *(c for cands in plans for c in cands)])
        if not complete:
            return [], results, False
        scored = dict(known)
        scored.update({r.text.text: r for r in results})
        members = []
        for text, cands in zip(texts, plans):
            current = scored[text.text]
            if cands:
                top = max((scored[c.text] for c in cands), key=lambda r: r.score)
                if top.score > current.score:
                    current = top
            members.append(current)
        return members, results, True
