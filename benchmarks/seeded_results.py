"""Record every recipe's seeded results on the built-in victim, or compare two such recordings.

A refactor of the engine must not change what an attack finds. This script pins that down:

    # on the old commit (e.g. a `git worktree` of it), then on the new one
    .venv/bin/python benchmarks/seeded_results.py record --out /tmp/before
    .venv/bin/python benchmarks/seeded_results.py record --out /tmp/after
    .venv/bin/python benchmarks/seeded_results.py compare /tmp/before /tmp/after

``record`` runs ``attack-recipe run --recipe R --num-examples N --seed S --no-validity`` for every
recipe (through the CLI, so it works on any commit whatever the Python API looks like then) into
``OUT/<recipe>/``. ``compare`` reads both ``results.jsonl`` per recipe and prints, per recipe, how
many examples are identical once the timing fields (``seconds``) are dropped, and the first fields
that differ; it exits 1 if any recipe differs, unless the recipe is named with ``--expect-changed``
(a change the refactor intends, which the caller must then explain).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

RECIPES = ("textfooler", "pwws", "deepwordbug", "textbugger", "bae", "bert-attack", "hotflip", "a2t",
           "genetic", "pso", "paraphrase", "paraphrase+swap")
#: fields that measure time, not what the attack found
TIMING_FIELDS = ("seconds",)


def record(args) -> int:
    cli = Path(sys.executable).with_name("attack-recipe")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for recipe in args.recipes:
        folder = out / recipe
        if (folder / "summary.json").exists() and not args.again:
            print(f"{recipe}: kept {folder}", flush=True)
            continue
        shutil.rmtree(folder, ignore_errors=True)
        started = time.perf_counter()
        cmd = [str(cli), "run", "--recipe", recipe, "--num-examples", str(args.num_examples),
               "--seed", str(args.seed), "--no-validity", "--out", str(folder)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
        print(f"{recipe}: {status} in {time.perf_counter() - started:.0f} s", flush=True)
        if proc.returncode != 0:
            print(proc.stderr[-2000:], file=sys.stderr)
            return 1
    return 0


def _lines(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            for key in TIMING_FIELDS:
                row.pop(key, None)
            rows.append(row)
    return rows


def compare(args) -> int:
    before, after = Path(args.before), Path(args.after)
    differing = []
    for recipe in args.recipes:
        a_path, b_path = before / recipe / "results.jsonl", after / recipe / "results.jsonl"
        if not a_path.exists() or not b_path.exists():
            print(f"{recipe:16s} missing ({a_path if not a_path.exists() else b_path})")
            differing.append(recipe)
            continue
        a, b = _lines(a_path), _lines(b_path)
        same = sum(x == y for x, y in zip(a, b))
        line = f"{recipe:16s} {same}/{max(len(a), len(b))} examples identical (timings aside)"
        if same != len(a) or len(a) != len(b):
            differing.append(recipe)
            for x, y in zip(a, b):
                if x != y:
                    keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
                    line += f"; first difference in {x.get('example_id')}: {', '.join(keys)}"
                    break
            if recipe in args.expect_changed:
                line += "  [expected]"
        print(line)
    unexpected = [r for r in differing if r not in args.expect_changed]
    print("identical apart from the expected changes" if not unexpected
          else f"DIFFERENT: {', '.join(unexpected)}")
    return 1 if unexpected else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="run every recipe into OUT/<recipe>/")
    rec.add_argument("--out", required=True)
    rec.add_argument("--num-examples", type=int, default=20)
    rec.add_argument("--seed", type=int, default=0)
    rec.add_argument("--recipes", nargs="+", default=list(RECIPES))
    rec.add_argument("--again", action="store_true", help="rerun recipes already recorded")
    cmp_ = sub.add_parser("compare", help="compare two recordings")
    cmp_.add_argument("before")
    cmp_.add_argument("after")
    cmp_.add_argument("--recipes", nargs="+", default=list(RECIPES))
    cmp_.add_argument("--expect-changed", nargs="*", default=[])
    args = parser.parse_args(argv)
    return record(args) if args.command == "record" else compare(args)


if __name__ == "__main__":
    sys.exit(main())
