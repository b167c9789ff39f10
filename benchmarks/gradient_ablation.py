"""Is the gradient what limits the gradient recipes? Swap the word ranking and compare.

    .venv/bin/python benchmarks/gradient_ablation.py --num-examples 20

Runs on the built-in victim (held-out tweets, seed 0): A2T as published (gradient ranking), A2T with
TextFooler's deletion ranking, TextFooler as published (deletion ranking) and TextFooler with the
gradient ranking. Prints successes / attacked examples and queries per success for each. Used in
docs/recipes.md ("Reading the table").
"""

from __future__ import annotations

import argparse
import time

from attack_recipe.attacks.search.greedy_wir import GreedyWordSwapWIR
from attack_recipe.evaluation.config import RunConfig, prepare
from attack_recipe.recipes.a2t import a2t
from attack_recipe.recipes.textfooler import textfooler


def with_ranking(attack, method):
    attack.search = GreedyWordSwapWIR(wir_method=method)
    return attack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-examples", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    prepared = prepare(RunConfig(recipe="a2t", num_examples=args.num_examples, seed=args.seed))
    variants = {
        "a2t (gradient ranking, published)": a2t(),
        "a2t with deletion ranking": with_ranking(a2t(), "delete"),
        "textfooler (deletion ranking, published)": textfooler(),
        "textfooler with gradient ranking": with_ranking(textfooler(), "gradient"),
    }
    print("| variant | successes / attacked | queries / success | seconds |")
    print("|---|---|---|---|")
    for name, attack in variants.items():
        started = time.perf_counter()
        succeeded = attacked = queries = 0
        for ex in prepared.examples:
            result = attack.run(prepared.victim, ex.text, ex.label, example_id=ex.id, seed=args.seed)
            if result.status.value in ("succeeded", "failed"):
                attacked += 1
            if result.status.value == "succeeded":
                succeeded += 1
                queries += result.queries
        per = f"{queries / succeeded:.1f}" if succeeded else "—"
        print(f"| {name} | {succeeded} / {attacked} | {per} | {time.perf_counter() - started:.0f} |", flush=True)


if __name__ == "__main__":
    main()
