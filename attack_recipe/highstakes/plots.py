"""PNG plots of a calibration curve and of the hardening rounds (matplotlib, headless Agg backend)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)  # no display here or in CI; never opens a window
    import matplotlib.pyplot as plt

    return plt


def plot_calibration(body: dict[str, Any], path: str | os.PathLike) -> Path:
    """Flag rate on safe and recall on unsafe inputs against the threshold, exact intervals shaded,
    the chosen threshold as a dashed line. ``body`` is what the threshold file holds."""
    plt = _pyplot()
    curve = body["curve"]
    xs = [p["threshold"] for p in curve]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for key, interval, colour, name in (("flag_rate_safe", "flag_rate_interval", "tab:orange", "flag rate on safe"),
                                         ("recall_unsafe", "recall_interval", "tab:blue", "recall on unsafe")):
        ys = [p[key] for p in curve]
        if any(y is None for y in ys):
            continue
        ax.plot(xs, ys, color=colour, label=name)
        ax.fill_between(xs, [p[interval][0] for p in curve], [p[interval][1] for p in curve], color=colour,
                        alpha=0.2, linewidth=0)
    ax.axvline(body["threshold"], color="black", linestyle="--", linewidth=1,
               label=f"threshold {body['threshold']:.4g} ({body['rule'].replace('_', ' ')} {body['target']:g})")
    ax.set_xlabel(f"threshold on P({body['unsafe_class']})  (flag when P >= threshold)")
    ax.set_ylabel("share of inputs flagged")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"{body.get('model', '')} on {body.get('data', {}).get('dataset', '')}: "
                 f"{int(body['confidence'] * 100)} % exact intervals", fontsize=10)
    ax.legend(loc="center right", fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, plt, path)


def plot_rounds(rows: Sequence[dict[str, Any]], path: str | os.PathLike) -> Path:
    """Per round: effort per valid adversarial example (queries, log scale) and the failure rate."""
    plt = _pyplot()
    rounds = [r["round"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), dpi=110)
    queries = [r.get("queries_per_valid") for r in rows]
    left.plot([x for x, q in zip(rounds, queries) if q], [q for q in queries if q], marker="o")
    left.set_yscale("log")
    left.set_title("victim queries per valid adversarial example", fontsize=10)
    left.set_xlabel("round")
    left.set_xticks(rounds)
    left.grid(alpha=0.3)
    rates = [r.get("failure_rate") for r in rows]
    highs = [(r.get("failure_interval") or [None, None])[1] for r in rows]
    right.plot(rounds, rates, marker="o", label="estimated failure rate")
    right.plot(rounds, highs, linestyle=":", color="tab:blue", label="upper bound (exact)")
    right.set_title("in-distribution failure rate", fontsize=10)
    right.set_xlabel("round")
    right.set_xticks(rounds)
    right.legend(fontsize=8)
    right.grid(alpha=0.3)
    return _save(fig, plt, path)


def _save(fig, plt, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
