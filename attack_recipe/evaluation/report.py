"""``report.html``: one self-contained page per run (figures, definitions, coloured diffs, plots).

Everything is inline — plots are PNGs embedded as data URIs, styles in the page — so the file can be
mailed or attached to a CI job. Each summary figure carries ``data-figure="<key>"`` with the value
as shown, so a browser test can read the page back and compare it with ``summary.json``.

The page leads with the valid success rate (successes the validity judge accepts, over attacked
examples); each example shows its verdict and the judge's reasons, and radio buttons filter the
examples by verdict with CSS alone (the page has no script).
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path
from typing import Any, Sequence

from ..attacks.results import AttackResult, Status
from ..core.text import AttackedText
from .display import visible
from .metrics import METRIC_DEFINITIONS, shown_time_parts
from .records import read_results, read_summary

REPORT_FILE = "report.html"

#: (summary key, label, format) for the figures table; format "pct" for fractions, else a format string.
FIGURES = (
    ("valid_success_rate", "Valid success rate", "pct"),
    ("total", "Examples", "{}"),
    ("succeeded", "Succeeded", "{}"),
    ("failed", "Failed", "{}"),
    ("skipped", "Skipped (model already wrong)", "{}"),
    ("errors", "Errors", "{}"),
    ("attack_success_rate", "Attack success rate", "pct"),
    ("judged_successes", "Successes judged", "{}"),
    ("valid_successes", "Successes judged valid", "{}"),
    ("valid_share", "Valid share of judged successes", "pct"),
    ("rejected_successes", "Successes rejected during a valid-only search", "{}"),
    ("accuracy_before", "Accuracy before attack", "pct"),
    ("accuracy_under_attack", "Accuracy under attack", "pct"),
    ("mean_queries_per_success", "Queries per success (mean)", "{:.1f}"),
    ("median_queries_per_success", "Queries per success (median)", "{:g}"),
    ("mean_queries_per_attempt", "Queries per attempted example", "{:.1f}"),
    ("seconds_per_success", "Seconds per success (all attempts)", "{:.3f}"),
    ("perturbed_word_pct", "Words perturbed (successes, %)", "{:.1f}"),
    ("mean_similarity", "Mean similarity (successes)", "{:.3f}"),
)


def format_figure(value: Any, fmt: str) -> str:
    if value is None:
        return "–"
    if fmt == "pct":
        return f"{100 * value:.1f}%"
    return fmt.format(value)


def diff_html(original: str, perturbed: str | None) -> str:
    """The original with removed words struck through in red and new words in green."""
    original, perturbed = visible(original), visible(perturbed)
    if not perturbed:
        return html.escape(original)
    a, b = AttackedText(original), AttackedText(perturbed)
    if a.num_words != b.num_words:
        return f'<span class="del">{html.escape(original)}</span><br><span class="ins">{html.escape(perturbed)}</span>'
    parts = [html.escape(a.separators[0])]
    for i, word in enumerate(a.words):
        if b.words[i] != word:
            parts.append(f'<span class="del">{html.escape(word)}</span> <span class="ins">{html.escape(b.words[i])}</span>')
        else:
            parts.append(html.escape(word))
        parts.append(html.escape(a.separators[i + 1]))
    return "".join(parts)


def verdict_of(result: AttackResult) -> dict[str, Any]:
    """``{"kind": "valid" | "invalid" | "unjudged", "text": ..., "reasons": [...]}`` for the page."""
    if result.valid is None:
        return {"kind": "unjudged", "text": "not judged", "reasons": []}
    reasons = [visible(x) for x in (result.judgement or {}).get("reasons") or ()]
    return {"kind": "valid" if result.valid else "invalid", "text": "valid" if result.valid else "invalid",
            "reasons": reasons}


def headline(summary: dict[str, Any]) -> str:
    """One sentence: the valid success rate with its counts, then the raw rate."""
    attacked = (summary.get("succeeded") or 0) + (summary.get("failed") or 0)
    raw = f"attack success rate {format_figure(summary.get('attack_success_rate'), 'pct')} " \
          f"({summary.get('succeeded') or 0} of {attacked} attacked)"
    if summary.get("valid_successes") is None:
        return f"Valid success rate – (run without the validity judge) · {raw}"
    mode = " (valid-only search)" if (summary.get("judge") or {}).get("valid_only") else ""
    return (f"Valid success rate {format_figure(summary.get('valid_success_rate'), 'pct')} "
            f"({summary['valid_successes']} of {attacked} attacked){mode} · {raw}")


def success_by_budget(results: Sequence[AttackResult]) -> list[tuple[int, float]]:
    """Success rate had the run been limited to each query budget.

    A search under a budget follows the same path until the budget cuts it, so an example that
    succeeded after q queries succeeds under any budget >= q and fails under a smaller one.
    """
    attempted = [r for r in results if r.status in (Status.SUCCEEDED, Status.FAILED)]
    if not attempted:
        return []
    needed = sorted(r.queries for r in attempted if r.status is Status.SUCCEEDED)
    top = max(r.queries for r in attempted)
    budgets = sorted({*needed, top})
    return [(b, sum(q <= b for q in needed) / len(attempted)) for b in budgets]


def _plots(results: Sequence[AttackResult]) -> list[dict[str, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    succ = [r for r in results if r.status is Status.SUCCEEDED]
    specs = []
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.hist([r.queries for r in succ] or [0], bins=20, color="#4a7bd0")
    ax.set(title="Queries per success", xlabel="victim queries", ylabel="examples")
    specs.append(("Histogram of queries per success", fig))
    fig, ax = plt.subplots(figsize=(4, 3))
    curve = success_by_budget(results)
    if curve:
        ax.step([b for b, _ in curve], [100 * s for _, s in curve], where="post", color="#0a7d28")
    ax.set(title="Success rate against query budget", xlabel="query budget", ylabel="success rate (%)", ylim=(0, 100))
    specs.append(("Success rate against query budget", fig))
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.hist([100 * (r.perturbed_word_fraction or 0) for r in succ] or [0], bins=20, color="#b06a00")
    ax.set(title="Perturbed words (successes)", xlabel="% of words changed", ylabel="examples")
    specs.append(("Histogram of perturbed-word percentages", fig))
    out = []
    for alt, fig in specs:
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        plt.close(fig)
        out.append({"alt": alt, "png": base64.b64encode(buf.getvalue()).decode("ascii")})
    return out


def write_report(run_dir: str | os.PathLike, *, max_examples: int = 200, label_names: Sequence[str] | None = None) -> Path:
    """Render ``report.html`` for a run folder (results.jsonl + summary.json) and return its path."""
    import jinja2

    run_dir = Path(run_dir)
    summary = read_summary(run_dir / "summary.json")
    results = read_results(run_dir / "results.jsonl")
    run = summary.get("run") or {}

    def name(index):
        if index is None:
            return "–"
        return label_names[index] if label_names and 0 <= index < len(label_names) else str(index)

    shown = [r for r in results if r.status in (Status.SUCCEEDED, Status.FAILED)][:max_examples]
    examples = [{
        "id": visible(r.example_id), "status": r.status.value, "queries": r.queries,
        "before": f"{name(r.original_prediction)} ({format_figure(r.original_score, '{:.2f}')})",
        "after": f"{name(r.perturbed_prediction)} ({format_figure(r.perturbed_score, '{:.2f}')})",
        "diff": diff_html(r.original_text, r.perturbed_text),
        "verdict": verdict_of(r),
    } for r in shown]
    split = summary.get("time_split") or {}
    time_line = "time: " + " · ".join(
        f"{part} {split.get(f'{part}_seconds', 0):.1f} s ({split.get(f'{part}_pct') or 0:.0f}%)"
        for part in shown_time_parts(split))
    validity = []
    for key, label in (("perplexity_ratio", "Perplexity ratio perturbed / original (SmolLM2-135M)"),
                       ("independent_similarity", "Similarity under multilingual-e5-small")):
        d = (summary.get("validity") or {}).get(key) or {}
        if d.get("n"):
            validity.append({"label": label, "cells": [d["n"], *(format_figure(d.get(k), "{:.3f}")
                                                                for k in ("mean", "median", "p10", "p90"))]})
    env = jinja2.Environment(loader=jinja2.PackageLoader("attack_recipe.evaluation", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    page = env.get_template("report.html.j2").render(
        title=visible(" · ".join(str(run.get(k)) for k in ("recipe", "model", "dataset") if run.get(k)) or run_dir.name),
        headline=headline(summary),
        judged=any(e["verdict"]["kind"] != "unjudged" for e in examples),
        invalid_reasons=sorted((summary.get("invalid_reasons") or {}).items(), key=lambda kv: (-kv[1], kv[0])),
        subtitle=f"seed {run.get('seed')} · "
                 + (f"query budget {run['query_budget']}" if run.get("query_budget") else "no query budget") + " · "
                 f"finished {run.get('finished_at', '–')} · attack-recipe {run.get('package_version', '')}",
        figures=[{"key": k, "label": label, "text": format_figure(summary.get(k), fmt)} for k, label, fmt in FIGURES],
        time_line=time_line,
        validity=validity,
        plots=_plots(results),
        examples=examples,
        hidden=max(0, sum(r.status in (Status.SUCCEEDED, Status.FAILED) for r in results) - len(shown)),
        definitions=list(METRIC_DEFINITIONS.items()),
    )
    path = run_dir / REPORT_FILE
    path.write_text(page, encoding="utf-8")
    return path
