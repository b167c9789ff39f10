"""How many held-out tweets does *one* judge-valid word swap flip? A ceiling for issue 9's target.

    .venv/bin/python benchmarks/valid_swap_ceiling.py --num-examples 100            # textfooler's candidates
    .venv/bin/python benchmarks/valid_swap_ceiling.py --recipe pwws --num-examples 100

For each tweet the built-in victim classifies correctly, every one-word swap the recipe proposes at
every position it may change (its transformation, pre-constraints and constraints, as a default run
builds them) is scored by the victim; the flips are then put through the judge's screen and its full
verdict. Printed: tweets attacked, tweets with a flip that passes the recipe's constraints, with one
that passes the screen, and with one the judge calls valid — and every valid flip, for a person to
read. An exhaustive one-swap search: a greedy multi-swap search can find more (two swaps that flip
together), but each of its successes starts from one of these steps, and the judge rejects what the
steps add up to as it does each step.
"""

from __future__ import annotations

import argparse
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", default="textfooler")
    parser.add_argument("--num-examples", type=int, default=100)
    parser.add_argument("--offset", type=int, default=0)
    args = parser.parse_args(argv)

    from attack_recipe.attacks.attack import example_rng
    from attack_recipe.attacks.search.base import SearchContext
    from attack_recipe.attacks.state import RunState
    from attack_recipe.core.text import AttackedText
    from attack_recipe.evaluation.config import RunConfig
    from attack_recipe.evaluation.runner import armed_attack, prepare

    config = RunConfig(recipe=args.recipe, num_examples=args.num_examples, offset=args.offset, validity=False)
    prepared = prepare(config)
    attack, victim = armed_attack(prepared), prepared.victim
    judge = attack.judge
    started = time.perf_counter()
    attacked = flipped = screened = valid = candidates_seen = 0
    examples = []
    for example in prepared.examples:
        label = victim.label_index(example.label)
        state = RunState(victim, attack.goal, label, example_rng(0, example.id))
        original = AttackedText(example.text)
        if state.evaluate([original])[0].success:
            continue  # misclassified already: skipped, as a run skips it
        attacked += 1
        plain = SearchContext(state, attack.transformation, attack.pre_constraints, attack.constraints,
                              original=example.text)
        candidates = plain.neighbours(original)
        candidates_seen += len(candidates)
        flips = [s.text for s in state.evaluate(candidates) if s.success]
        if not flips:
            continue
        flipped += 1
        kept = [t for t, v in zip(flips, judge.screen_many([(example.text, t.text, label) for t in flips])) if v.valid]
        if not kept:
            continue
        screened += 1
        verdicts = judge.judge_many([(example.text, t.text, label) for t in kept])
        good = [t.text for t, v in zip(kept, verdicts) if v.valid]
        if good:
            valid += 1
            examples.append((example.text, good))
    seconds = time.perf_counter() - started
    print(f"{args.recipe}, built-in victim, held-out tweets {args.offset}-{args.offset + args.num_examples - 1}, "
          f"one swap at a time ({candidates_seen} constraint-passing candidates, {seconds:.0f} s):")
    print(f"  attacked (classified correctly): {attacked}")
    for what, count in (("a flip that passes the recipe's constraints", flipped),
                        ("one that passes the judge's screen", screened), ("one the judge calls valid", valid)):
        print(f"  with {what}: {count} ({100 * count / max(1, attacked):.1f} % of attacked)")
    for text, good in examples:
        print(f"\n  {text}")
        for g in good:
            print(f"    -> {g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
