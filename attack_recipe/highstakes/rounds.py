"""The round table and the cross-round matrix of a hardening run, and the files that show them.

*Round table*: per round, clean accuracy and flag rate on the evaluation data, the estimated
failure rate, attack success rate and valid success rate, and the effort per valid adversarial
example (victim queries and seconds, all recipes together and per recipe).

*Cross-round matrix*: cell (i, j) is the share of round i's adversarial examples that still get past
round j's model at round j's threshold. The diagonal is 1 by construction; right of it (j > i) is
Redwood's "later classifiers defended against most of the adversarial data targeted at earlier
classifiers" as a number.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, Sequence


def round_row(index: int, folder: Path, threshold: float, estimate: dict[str, Any], runs: Sequence,
              adversarial: int, training: dict[str, Any] | None) -> dict[str, Any]:
    from .estimate import Effort, effort

    efforts = [effort(run.recipe, run.results, judged=run.judged) for run in runs]
    judged = all(run.judged for run in runs)
    total = Effort("all", sum(e.attempted for e in efforts), sum(e.succeeded for e in efforts),
                   sum(e.valid or 0 for e in efforts) if judged else None,
                   sum(e.queries for e in efforts), round(sum(e.seconds for e in efforts), 3)).to_dict()
    return {
        "round": index,
        "folder": folder.name,
        "threshold": threshold,
        "clean_accuracy": estimate["clean_accuracy"],
        "flag_rate_safe": estimate["flag_rate_safe"],
        "flag_rate_interval": estimate["flag_rate_interval"],
        "failure_rate": estimate["failure_rate"],
        "failure_interval": estimate["interval"],
        "failures": estimate["failures"],
        "samples": estimate["samples"],
        "samples_per_failure": estimate["samples_per_failure"],
        "attacked": total["attempted"],
        "successes": total["succeeded"],
        "valid": total["valid"],
        "attack_success_rate": total["success_rate"],
        "valid_success_rate": total["valid_success_rate"],
        "queries_per_valid": total["queries_per_valid"],
        "seconds_per_valid": total["seconds_per_valid"],
        "adversarial_examples": adversarial,
        "recipes": {e.recipe: e.to_dict() for e in efforts},
        "training": training,
    }


def matrix(rounds: Sequence) -> list[list[float | None]]:
    """Cell (i, j): share of round i's adversarial texts with P_j(unsafe) < threshold_j (None: none found)."""
    from .labelled import scores

    values: list[list[float | None]] = []
    for source in rounds:
        texts = [r["text"] for r in source.adversarial]
        row: list[float | None] = []
        for model in rounds:
            if not texts:
                row.append(None)
                continue
            p = scores(model.victim, texts, model.unsafe_index)
            row.append(round(float((p < model.threshold).mean()), 4))
        values.append(row)
    return values


def studio_effort(extra: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Minutes of human time per adversarial example, when the extra examples came from the studio
    (records with ``seconds``)."""
    timed = [float(r["seconds"]) for r in extra if isinstance(r.get("seconds"), (int, float))]
    if not extra:
        return None
    return {"examples": len(extra), "timed": len(timed),
            "minutes_per_example": round(sum(timed) / len(timed) / 60, 2) if timed else None}


def write_outputs(out: Path, config, rounds: Sequence, extra: Sequence[dict[str, Any]], *, final: bool) -> dict[str, Any]:
    """``summary.json`` after every round; with ``final``, also ``rounds.png`` and ``report.html``."""
    from ..evaluation.records import write_summary
    from .plots import plot_rounds

    rows = [r.row for r in rounds]
    summary = {
        "config": config.fingerprint(),
        "complete": final,
        "rounds": rows,
        "matrix": {"rows": [f"adversarial examples of round {r.index}" for r in rounds],
                   "columns": [f"model of round {r.index}" for r in rounds],
                   "values": matrix(rounds) if final else None,
                   "meaning": "share of round i's adversarial examples that get past round j's model at its threshold"},
        "studio": studio_effort(extra),
        "effort_change": _effort_change(rows),
    }
    write_summary(out / "summary.json", summary)
    if final:
        plot_rounds(rows, out / "rounds.png")
        write_report(out, summary)
    return summary


def _effort_change(rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Queries per valid adversarial example, last round over round 0 (> 1: harder to break)."""
    first, last = (rows[0].get("queries_per_valid"), rows[-1].get("queries_per_valid")) if rows else (None, None)
    if len(rows) < 2:
        return None
    return {"queries_per_valid_round_0": first, "queries_per_valid_last": last,
            "ratio": round(last / first, 3) if first and last else None,
            "note": None if first and last else "a round found no valid adversarial example: effort is unbounded "
            "there (see the attacked and valid counts)"}


def write_report(out: Path, summary: dict[str, Any]) -> Path:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("attack_recipe.highstakes", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    plots = {}
    for name in ["rounds.png", *[f"{r['folder']}/calibration.png" for r in summary["rounds"]]]:
        path = out / name
        if path.exists():
            plots[name] = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    html = env.get_template("harden.html.j2").render(summary=summary, plots=plots, out=str(out))
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    return path
