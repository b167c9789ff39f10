"""TextAttack 0.3.11 and attack-recipe, alternately, on three victims neither project ships.

    .venv/bin/python benchmarks/side_by_side.py build                       # victims + examples (~1 min)
    .venv/bin/python benchmarks/side_by_side.py run --ta-python /tmp/ta-venv/bin/python
    .venv/bin/python benchmarks/side_by_side.py run --victims tfidf-news --recipes textfooler --order victim-first
    .venv/bin/python benchmarks/side_by_side.py ours tfidf-news pwws --n 20 [--judged]   # ours alone, one run

Victims (benchmarks/sbs_victims.py, one prediction function both libraries call, with one counter of
victim seconds and distinct texts): a TF-IDF + logistic-regression BBC topic model, the packaged
``alt-profanity-check`` filter, and a frozen MiniLM + logistic head on drug reviews. Same examples and
the same recipe definitions on both sides:

* deepwordbug — TextAttack's DeepWordBugGao2018 and ours (four character edits, Levenshtein <= 30,
  unk-token ranking, stopwords and repeats excluded).
* pwws — PWWSRen2019 and ours with ``senses=all`` (the paper's), no inflection, no protected words.
* textfooler — GloVe-6B-50d neighbours (50, cosine >= 0.5), MiniLM angular similarity >= 0.8408 over
  15-word windows against the previous step, *every* text checked (TextAttack's recipe skips texts
  shorter than the window; ``--check-short-texts`` turns that off so both check the same texts), no
  POS check, attack-recipe's stopword list on both sides, no inflection, no protected words.

Timed like for like: each side's attack loop after loading, in its own process, one intra-op thread
(SBS_THREADS), attack-recipe with the judge and validity scoring off (TextAttack has neither) but
with the similarity it reports for each success (its cost is in the "encoder" column). The runs of a
(victim, recipe) pair alternate: TextAttack, ours, TextAttack, ours (``--repeats``); the medians are
printed. Each side's success rate and distinct victim texts per success are printed too, so a speed-up
bought with a lower success rate shows. ``--ta-our-words`` lets TextAttack modify only the words we
may (stopwords in any case, no word of an @mention or URL; TextAttack as shipped swaps "I", "This" and
"@United"), for success rates compared like for like. Needs a TextAttack venv (benchmarks/README.md) and
``alt-profanity-check`` in both venvs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sbs_victims  # noqa: E402  (benchmarks/ is not a package)

RECIPES = ("deepwordbug", "pwws", "textfooler")
#: our recipe options that make each recipe TextAttack's definition (see the module docstring)
OURS = {
    "deepwordbug": {},
    "pwws": {"senses": "all", "inflect": False, "protect": False},
    "textfooler": {"embedding": "glove-6b-50d", "pos_check": "none", "inflect": False, "protect": False},
}
DEFAULT_N = {"tfidf-news": 20, "profanity": 40, "minilm-drugs": 10}


def run_ours(victim_name: str, recipe: str, n: int, work: Path, order: str, judged: bool = False,
             precision: str = "float32") -> dict:
    """One attack-recipe run in this process; the attack loop timed after every model has loaded.
    ``judged``: as a default run is, with the validity judge (and valid-only search where that is the
    recipe's default) and validity scoring on."""
    sbs_victims.threads_from_env()
    from attack_recipe.evaluation.config import RunConfig, prepare
    from attack_recipe.evaluation.harness import run_dataset
    from attack_recipe.evaluation.runner import armed_attack
    from attack_recipe.models.callable import CallableVictim

    model = sbs_victims.load(victim_name, work)
    victim = CallableVictim(model, labels=model.labels, name=victim_name)
    config = RunConfig(recipe=recipe, model=victim, dataset=str(work / f"{victim_name}.jsonl"), num_examples=n,
                       judge=judged, validity=judged, recipe_options=tuple(OURS[recipe].items()),
                       example_timeout=0, encoder_precision=precision,
                       **({} if order == "default" else {"order": order}))
    prepared = prepare(config)
    attack = armed_attack(prepared)
    first = prepared.examples[0]
    attack.run(victim, first.text, first.label, example_id="warm-up")  # lazy models load here, untimed
    validity = None
    if judged:  # its models load here, untimed, as the attack's did in the warm-up
        from attack_recipe.evaluation.runner import validity_scorer

        validity = validity_scorer()
    model.reset()
    start = time.perf_counter()
    outcome = run_dataset(attack, victim, prepared.examples, seed=0, run_info=prepared.run_info, validity=validity)
    wall = time.perf_counter() - start
    s = outcome.summary
    split = s["time_split"]
    return {"wall_s": wall, "succeeded": s["succeeded"], "failed": s["failed"], "skipped": s["skipped"],
            "attack_success_rate": s["attack_success_rate"],
            "encoder_s": split["encoder_seconds"], "judge_s": split["judge_seconds"],
            "queries": sum(r.queries for r in outcome.results), "order": (s["run"].get("order") or {}).get("order"), **model.counts()}


def run_textattack(ta_python: str, victim_name: str, recipe: str, n: int, work: Path, inputs: Path,
                   our_words: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "summary.json"
        env = dict(os.environ, NLTK_DATA=str(inputs / "nltk"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   HF_DATASETS_OFFLINE="1")
        cmd = [ta_python, str(HERE / "textattack_side_by_side.py"), recipe, "--victim", victim_name,
               "--work", str(work), "--inputs", str(inputs), "--n", str(n), "--out", tmp,
               "--threads", os.environ.get("SBS_THREADS", "1"), "--json-out", str(out)]
        if recipe == "textfooler":
            cmd += ["--stopwords", str(inputs / "stopwords.txt"), "--check-short-texts"]
        if our_words:
            cmd.append("--our-words")
        with open(Path(tmp) / "stderr.log", "w") as log:
            done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log)
        if done.returncode:
            raise SystemExit(f"TextAttack run failed ({' '.join(cmd)}):\n{(Path(tmp) / 'stderr.log').read_text()[-3000:]}")
        return json.loads(out.read_text())


def run_ours_subprocess(victim_name: str, recipe: str, n: int, work: Path, order: str, judged: bool = False,
                        precision: str = "float32") -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ours.json"
        subprocess.run([sys.executable, __file__, "ours", victim_name, recipe, "--n", str(n), "--work", str(work),
                        "--order", order, "--json-out", str(out), "--encoder-precision", precision,
                        *(["--judged"] if judged else [])], check=True)
        return json.loads(out.read_text())


def precision_for(recipe: str, precision: str) -> str:
    """The encoder precision asked for, where the recipe has a sentence encoder to run in it."""
    return precision if recipe == "textfooler" else "float32"


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def row(victim: str, recipe: str, ta: list[dict], ours: list[dict]) -> str:
    ta_wall, our_wall = median(ta, "wall_s"), median(ours, "wall_s")
    ta_out = 100 * (1 - median(ta, "victim_s") / ta_wall)
    ours_victim = 100 * median(ours, "victim_s") / our_wall
    ours_encoder = 100 * median(ours, "encoder_s") / our_wall

    def per_success(runs):
        r = runs[0]
        return r["unique_texts"] / r["succeeded"] if r["succeeded"] else float("nan")

    # TextAttack's AttackSuccessRate is a percentage already; ours is a fraction
    ta_rate, our_rate = ta[0]["attack_success_rate"], 100 * ours[0]["attack_success_rate"]
    return (f"| {victim} | {recipe} | {ta_wall:.1f} s | {our_wall:.1f} s | {ta_wall / our_wall:.2f}x | "
            f"{ta_out:.0f} % | {ours_victim:.0f} % / {ours_encoder:.0f} % | {ta_rate:.1f} % / {our_rate:.1f} % | "
            f"{per_success(ta):.0f} / {per_success(ours):.0f} | {ours[0].get('order') or ''} |")


HEADER = ("| victim | recipe | TextAttack wall | ours | speed-up | TextAttack time outside victim | "
          "our time in victim / encoder | success TA / ours | distinct victim texts per success TA / ours | "
          "our order |\n|---|---|---|---|---|---|---|---|---|---|")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="fit the victims and write their examples")
    b.add_argument("--work", default="/tmp/sbs")
    b.add_argument("--news-words", type=int, default=80)
    r = sub.add_parser("run", help="alternate TextAttack and attack-recipe runs and print the table")
    r.add_argument("--work", default="/tmp/sbs")
    r.add_argument("--inputs", default="/tmp/ta-inputs", help="export_for_textattack.py's folder (GloVe, NLTK data)")
    r.add_argument("--ta-python", default="/tmp/ta-venv/bin/python")
    r.add_argument("--victims", nargs="+", default=list(sbs_victims.VICTIMS))
    r.add_argument("--recipes", nargs="+", default=list(RECIPES))
    r.add_argument("--repeats", type=int, default=1)
    r.add_argument("--n", type=int, default=None, help="examples per victim (default: %s)" % DEFAULT_N)
    r.add_argument("--order", default="auto", help="our candidate order (auto, constraints-first, victim-first)")
    r.add_argument("--encoder-precision", default="float32", choices=("float32", "bfloat16"),
                   help="our sentence encoder's precision (textfooler's similarity constraint; TextAttack's "
                        "stays float32): bfloat16 is ~2.5x faster on CPUs with AVX512-BF16")
    r.add_argument("--results", default=None, help="append every run's record to this JSON-lines file")
    r.add_argument("--with-judge", action="store_true",
                   help="also time our default run (judge, valid-only where default, validity scoring) against "
                        "the unjudged one, and print that table too")
    r.add_argument("--ta-our-words", action="store_true",
                   help="TextAttack modifies only the words we may (textattack_side_by_side.py --our-words)")
    o = sub.add_parser("ours", help="(internal) one attack-recipe run")
    o.add_argument("victim")
    o.add_argument("recipe")
    o.add_argument("--n", type=int, required=True)
    o.add_argument("--work", default="/tmp/sbs")
    o.add_argument("--order", default="auto")
    o.add_argument("--encoder-precision", default="float32")
    o.add_argument("--json-out", default=None, help="write the record here (default: print it, with the "
                                                    "share of wall time outside the victim)")
    o.add_argument("--judged", action="store_true")
    args = parser.parse_args(argv)

    if args.command == "build":
        meta = sbs_victims.build(args.work, news_words=args.news_words, profanity_examples=max(DEFAULT_N.values()) * 3,
                                 news_examples=100, drug_examples=100)
        print(json.dumps(meta, indent=1))
        return 0
    if args.command == "ours":
        record = run_ours(args.victim, args.recipe, args.n, Path(args.work), args.order, args.judged,
                          args.encoder_precision)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(record))
        else:
            print(json.dumps(record))
            print(f"outside the victim: {100 * (1 - record['victim_s'] / record['wall_s']):.1f} % of "
                  f"{record['wall_s']:.2f} s")
        return 0

    work, inputs = Path(args.work), Path(args.inputs)
    print(f"load average {os.getloadavg()[0]:.1f}; SBS_THREADS={os.environ.get('SBS_THREADS', '1')}; "
          f"repeats {args.repeats}; our encoder precision {args.encoder_precision} (textfooler)", flush=True)
    lines, judged_lines = [], []
    for victim in args.victims:
        n = args.n or DEFAULT_N[victim]
        for recipe in args.recipes:
            ta, ours = [], []
            for _ in range(args.repeats):
                ta.append(run_textattack(args.ta_python, victim, recipe, n, work, inputs, args.ta_our_words))
                ours.append(run_ours_subprocess(victim, recipe, n, work, args.order,
                                                precision=precision_for(recipe, args.encoder_precision)))
                print(f"  {victim} {recipe} ({n} examples): TextAttack {ta[-1]['wall_s']:.1f} s, "
                      f"ours {ours[-1]['wall_s']:.1f} s", flush=True)
            judged = [run_ours_subprocess(victim, recipe, n, work, args.order, judged=True,
                                          precision=precision_for(recipe, args.encoder_precision))
                      ] if args.with_judge else []
            if args.results:
                with open(args.results, "a") as fh:
                    fh.write(json.dumps({"victim": victim, "recipe": recipe, "n": n, "textattack": ta,
                                         "ours": ours, "ours_judged": judged, "loadavg": os.getloadavg()[0]}) + "\n")
            lines.append(row(victim, recipe, ta, ours))
            if judged:
                j, plain = judged[0], median(ours, "wall_s")
                judged_lines.append(
                    f"| {victim} | {recipe} | {plain:.1f} s | {j['wall_s']:.1f} s | {j['wall_s'] / plain:.2f}x | "
                    f"{j['judge_s']:.1f} s | {100 * j['attack_success_rate']:.1f} % |")
    print(HEADER)
    print("\n".join(lines))
    if judged_lines:
        print("\n| victim | recipe | ours, no judge | ours, default (judge + validity) | ratio | judge seconds | "
              "raw success rate, default |\n|---|---|---|---|---|---|---|")
        print("\n".join(judged_lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
