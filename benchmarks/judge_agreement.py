"""Agreement of the validity judge with human-rated pairs.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/judge_agreement.py ../shared/validity/rated-dev.jsonl [more.jsonl ...]

Each file holds one JSON object per line with ``original``, ``perturbed``, optionally ``label``, and the
person's ``verdict`` (valid | invalid | borderline). Prints, per file and over all files: agreement
(borderline excluded), precision and recall of "valid", a confusion table (rows: human, columns:
judge), then every disagreement with the judge's reasons. ``--signals`` adds the measured signals of
each disagreement; ``--all`` lists every pair, not only disagreements. The LM and the encoder see every
pair here (``whole_text_for_rejected``), so the signals are complete.
"""

from __future__ import annotations

import argparse
import json
import time

from attack_recipe.evaluation.agreement import agreement
from attack_recipe.evaluation.judge import ValidityJudge
from attack_recipe.evaluation.judge_files import read_pairs


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def print_figures(title: str, human: list[str], valid: list[bool]) -> None:
    a = agreement(human, valid)
    print(f"## {title}: {a.n} pairs rated valid/invalid, {a.borderline} borderline (excluded)")
    print(f"agreement {_pct(a.agreement)}   precision(valid) {_pct(a.precision_valid)}   "
          f"recall(valid) {_pct(a.recall_valid)}")
    print(f"{'human / judge':<16}{'valid':>8}{'invalid':>9}")
    for h, row in a.confusion.items():
        print(f"{h:<16}{row['valid']:>8}{row['invalid']:>9}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="rated JSONL files")
    parser.add_argument("--embedding", default="glove-6b-50d", help="word-vector space for the judge")
    parser.add_argument("--signals", action="store_true", help="print the signals of each listed pair")
    parser.add_argument("--all", action="store_true", help="list every pair, not only disagreements")
    args = parser.parse_args()

    rows = []
    for path in args.files:
        rows += [(path, r) for r in read_pairs(path)]
    judge = ValidityJudge(embedding=args.embedding, whole_text_for_rejected=True)
    started = time.perf_counter()
    verdicts = judge.judge_many([r for _, r in rows])
    print(f"judged {len(rows)} pairs in {time.perf_counter() - started:.1f} s (models loaded on first use)\n")

    human = [r.get("verdict", "") for _, r in rows]
    for path in args.files:
        idx = [i for i, (p, _) in enumerate(rows) if p == path]
        if len(args.files) > 1:
            print_figures(path, [human[i] for i in idx], [verdicts[i].valid for i in idx])
    print_figures("all files" if len(args.files) > 1 else args.files[0], human, [v.valid for v in verdicts])

    print("## " + ("all pairs" if args.all else "disagreements (borderline listed too)"))
    for (path, r), v, h in zip(rows, verdicts, human):
        judged = "valid" if v.valid else "invalid"
        if not args.all and h == judged:
            continue
        where = f"{r.get('recipe', '?')} {r.get('example_id', '?')}"
        print(f"- [{where}] human {h}{' (' + r['note'] + ')' if r.get('note') else ''}, judge {judged}")
        print(f"    {r['original']}\n    {r['perturbed']}")
        for reason in v.reasons:
            print(f"    reason: {reason}")
        if args.signals:
            print("    signals: " + json.dumps(v.signals, ensure_ascii=False))


if __name__ == "__main__":
    main()
