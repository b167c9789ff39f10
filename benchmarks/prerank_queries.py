"""Gradient pre-ranking against TextAttack's TextFooler on a transformer victim: success and queries.

    .venv/bin/python benchmarks/prerank_queries.py --num-examples 60 --ta-python /tmp/ta-venv/bin/python

The victim is the built-in ``sentiment-minilm`` (a fine-tuned MiniLM, white-box), on the first held-out
tweets (the ones benchmarks/export_for_textattack.py writes to --inputs). The recipe definition is the
side-by-side's TextFooler (benchmarks/side_by_side.py: GloVe-50d neighbours, MiniLM window similarity
on every text, no POS check, our stopwords). attack-recipe runs it without pre-ranking and with
``prerank=k``: per step, only the k constraint-passing candidates with the largest first-order gradient
estimate are queried (attacks/search/prerank.py). TextAttack runs twice: as it ships, and with
``--our-words`` (it then modifies only the words attack-recipe may modify; the ratios are against
that row, the like-for-like one). Both sides count distinct victim texts the same way
(benchmarks/sbs_victims.py's counter on TextAttack's side, our per-example query count, which is
distinct texts, on ours). Prints success rate and distinct victim texts per success. Judge and
validity scoring off.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from side_by_side import OURS  # noqa: E402


def ours(num_examples: int, prerank: int | None) -> dict:
    from attack_recipe.evaluation.config import RunConfig, prepare
    from attack_recipe.evaluation.harness import run_dataset
    from attack_recipe.evaluation.runner import armed_attack

    options = dict(OURS["textfooler"])
    if prerank is not None:
        options["prerank"] = prerank
    prepared = prepare(RunConfig(recipe="textfooler", num_examples=num_examples, judge=False, validity=False,
                                 recipe_options=tuple(options.items()), example_timeout=0))
    attack = armed_attack(prepared)
    start = time.perf_counter()
    outcome = run_dataset(attack, prepared.victim, prepared.examples, seed=0, run_info=prepared.run_info)
    s = outcome.summary
    return {"variant": "ours" if prerank is None else f"ours, prerank={prerank}", "wall_s": time.perf_counter() - start,
            "succeeded": s["succeeded"], "attacked": s["succeeded"] + s["failed"],
            "queries": sum(r.queries for r in outcome.results)}


def textattack(ta_python: str, inputs: Path, num_examples: int, our_words: bool = False) -> dict:
    """TextAttack's TextFooler; ``our_words``: modifying only the words attack-recipe may modify
    (textattack_side_by_side.py --our-words: stopwords in any case, no word of a mention or URL)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "summary.json"
        env = dict(os.environ, NLTK_DATA=str(inputs / "nltk"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        subprocess.run([ta_python, str(HERE / "textattack_side_by_side.py"), "textfooler", "--victim", "builtin",
                        "--inputs", str(inputs), "--n", str(num_examples), "--out", tmp, "--json-out", str(out),
                        "--stopwords", str(inputs / "stopwords.txt"), "--check-short-texts",
                        *(["--our-words"] if our_words else [])],
                       check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        s = json.loads(out.read_text())
    variant = "TextAttack 0.3.11" + (", our words" if our_words else "")
    return {"variant": variant, "wall_s": s["wall_s"], "succeeded": s["succeeded"],
            "attacked": s["succeeded"] + s["failed"], "queries": s["unique_texts"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-examples", type=int, default=60)
    parser.add_argument("--prerank", type=int, nargs="+", default=[10, 5, 3])
    parser.add_argument("--ta-python", default="/tmp/ta-venv/bin/python")
    parser.add_argument("--inputs", default="/tmp/ta-inputs")
    args = parser.parse_args()
    rows = [textattack(args.ta_python, Path(args.inputs), args.num_examples),
            textattack(args.ta_python, Path(args.inputs), args.num_examples, our_words=True),
            ours(args.num_examples, None)]
    rows += [ours(args.num_examples, k) for k in args.prerank]
    print(f"textfooler on sentiment-minilm, first {args.num_examples} held-out tweets, seed 0")
    print("| variant | success rate | distinct victim texts per success | vs TextAttack, our words | seconds |")
    print("|---|---|---|---|---|")
    ta_per = rows[1]["queries"] / max(1, rows[1]["succeeded"])
    for r in rows:
        per = r["queries"] / max(1, r["succeeded"])
        print(f"| {r['variant']} | {100 * r['succeeded'] / max(1, r['attacked']):.1f} % ({r['succeeded']}/{r['attacked']}) "
              f"| {per:.1f} | {ta_per / per:.2f}x fewer | {r['wall_s']:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
