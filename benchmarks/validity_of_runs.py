"""Validity of finished runs' successes, measured after the fact (no attack is rerun).

    .venv/bin/python benchmarks/validity_of_runs.py benchmarks/runs/bae benchmarks/runs/textfooler ...

For every succeeded result in each run folder's results.jsonl: perplexity ratio perturbed/original
under SmolLM2-135M (1 = as fluent as the original) and cosine under multilingual-e5-small, an encoder
no recipe optimises against (its cosines sit in a 0.7–1.0 band). Prints one Markdown row per run:
median (p90) of the ratio, median (p10) of the similarity. Used for docs/recipes.md's validity table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from attack_recipe.attacks.results import Status
from attack_recipe.evaluation.records import read_results
from attack_recipe.evaluation.validity import ValidityScorer, summarize_validity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", help="run folders written by `attack-recipe run` / the benchmark")
    args = parser.parse_args()
    scorer = ValidityScorer()
    print("| recipe | successes | perplexity ratio median (p90) | E5 similarity median (p10) |")
    print("|---|---|---|---|")
    for folder in args.runs:
        results = [r for r in read_results(Path(folder) / "results.jsonl") if r.status is Status.SUCCEEDED]
        scored = [scorer.score(r) for r in results]
        v = summarize_validity(scored)
        ppl, sim = v["perplexity_ratio"], v["independent_similarity"]
        print(f"| {Path(folder).name} | {len(scored)} | {ppl['median']} ({ppl['p90']}) "
              f"| {sim['median']} ({sim['p10']}) |", flush=True)


if __name__ == "__main__":
    main()
