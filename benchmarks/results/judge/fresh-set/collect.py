"""Collect every distinct success (original, perturbed) of the fresh runs into a blind file and a key.

The texts are never printed: only counts. Shuffled with random.Random(0); ids f000, f001, ...
The second fresh set: ``collect.py --root /work/judge-fresh2 --prefix g --tag fresh2`` (ids g000, ...).
"""
import argparse, json, pathlib, random

parser = argparse.ArgumentParser()
parser.add_argument("--root", default="/work/judge-fresh", help="the folder whose runs/ holds the runs")
parser.add_argument("--prefix", default="f", help="pair ids are this letter and a three-digit number")
parser.add_argument("--tag", default="fresh", help="each pair's runs are listed as TAG/<run>")
args = parser.parse_args()
root = pathlib.Path(args.root)
pairs = {}
status = {}
for run in sorted((root / "runs").iterdir()):
    if not run.is_dir():
        continue
    for line in filter(None, (run / "results.jsonl").read_text().split("\n")):
        try:
            r = json.loads(line)
        except json.JSONDecodeError:  # a line cut off when a run was stopped; resume rewrote that example
            status.setdefault(run.name, {}).setdefault("cut-off line", 0)
            status[run.name]["cut-off line"] += 1
            continue
        status.setdefault(run.name, {}).setdefault(r["status"], 0)
        status[run.name][r["status"]] += 1
        if r["status"] != "succeeded":
            continue
        key = (r["original_text"], r["perturbed_text"])
        entry = pairs.setdefault(key, {"runs": [], "example_id": r["example_id"], "label": r["label"],
                                       "judge_at_run_time": {}})
        entry["runs"].append(f"{args.tag}/{run.name}")
        j = r.get("judgement") or {}
        entry["judge_at_run_time"][run.name] = j.get("valid") if isinstance(j, dict) else None
items = list(pairs.items())
random.Random(0).shuffle(items)
with open(root / "pairs-blind.jsonl", "w") as blind, open(root / "pairs-key.jsonl", "w") as key:
    for i, ((orig, pert), meta) in enumerate(items):
        pid = f"{args.prefix}{i:03d}"
        blind.write(json.dumps({"pair_id": pid, "original": orig, "perturbed": pert}, ensure_ascii=False) + "\n")
        key.write(json.dumps({"pair_id": pid, **meta}, ensure_ascii=False) + "\n")
print(json.dumps(status, indent=1))
print(len(items), "distinct successes")
