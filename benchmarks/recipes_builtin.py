"""Measure every recipe on the built-in victim and print the figures the docs report.

    .venv/bin/python benchmarks/recipes_builtin.py                      # all recipes, 100 examples, seed 0
    .venv/bin/python benchmarks/recipes_builtin.py --recipes pwws --num-examples 20

For each recipe: success rate, accuracy before/under attack, queries per success, seconds per
success, perturbed-word %, similarity, where the time went (victim / encoder / LM / rest), and how
many successes break their recipe's constraints when re-checked independently (must be 0).
Results land in benchmarks/runs/<recipe>/ (results.jsonl, summary.json); the table is printed as
Markdown and written to benchmarks/runs/recipes_builtin.md.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from attack_recipe import list_recipes
from attack_recipe.evaluation.config import RunConfig, execute, prepare
from attack_recipe.evaluation.recheck import violated_constraints

HEADER = ("| recipe | success rate | acc. before → under attack | queries / success (mean, median) "
          "| s / success | perturbed % | similarity | time: victim / encoder / rest | constraint violations |")


def pct(x):
    return "—" if x is None else f"{100 * x:.1f}%"


def num(x, fmt=".1f"):
    return "—" if x is None else format(x, fmt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", nargs="*", default=None)
    parser.add_argument("--num-examples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default=None, help="victim spec (default: built-in sentiment-minilm)")
    parser.add_argument("--validity", action="store_true",
                        help="also measure perplexity ratio and E5 similarity of every success")
    parser.add_argument("--out", default="benchmarks/runs")
    args = parser.parse_args()

    rows = []
    for recipe in args.recipes or list_recipes():
        config = RunConfig(recipe=recipe, model=args.model, dataset="tweets", num_examples=args.num_examples, seed=args.seed,
                           validity=args.validity,
                           out_dir=str(Path(args.out) / recipe))
        started = time.perf_counter()
        prepared = prepare(config)
        outcome = execute(prepared)
        wall = time.perf_counter() - started
        s = outcome.summary
        violations = sum(bool(violated_constraints(prepared.attack, r)) for r in outcome.results)
        split = s["time_split"]
        rows.append(
            f"| {recipe} | {pct(s['attack_success_rate'])} ({s['succeeded']}/{s['succeeded'] + s['failed']}) "
            f"| {pct(s['accuracy_before'])} → {pct(s['accuracy_under_attack'])} "
            f"| {num(s['mean_queries_per_success'])}, {num(s['median_queries_per_success'])} "
            f"| {num(s['seconds_per_success'], '.2f')} | {num(s['perturbed_word_pct'])} "
            f"| {num(s['mean_similarity'], '.3f')} "
            f"| {num(split['victim_pct'], '.0f')}% / {num(split['encoder_pct'], '.0f')}% / {num(split['rest_pct'], '.0f')}% "
            f"| {violations} |"
        )
        print(f"{recipe}: done in {wall:.0f} s (errors: {s['errors']}, skipped: {s['skipped']})", flush=True)
        if args.validity:
            v = s["validity"]
            print(f"  validity: perplexity ratio median {v['perplexity_ratio']['median']} "
                  f"(p90 {v['perplexity_ratio']['p90']}), E5 similarity median {v['independent_similarity']['median']} "
                  f"(p10 {v['independent_similarity']['p10']}), n={v['perplexity_ratio']['n']}", flush=True)

    table = "\n".join([HEADER, "|" + "---|" * HEADER.count(" | ") + "---|", *rows])
    machine = f"{platform.machine()}, {platform.python_version()}, CPU"
    text = (f"Built-in victim sentiment-minilm, tweets test split, first {args.num_examples} examples, "
            f"seed {args.seed} ({machine}).\n\n{table}\n")
    print(text)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "recipes_builtin.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
