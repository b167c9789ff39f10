"""Rich tables for the terminal: calibration, failure-rate estimate, round table, cross-round matrix."""

from __future__ import annotations

from typing import Any


def _pct(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{100 * x:.{digits}f} %"


def _interval(pair, digits: int = 2) -> str:
    return "–" if not pair else f"[{100 * pair[0]:.{digits}f}, {100 * pair[1]:.{digits}f}] %"


def calibration_lines(body: dict[str, Any]) -> list[str]:
    c = body["chosen"]
    return [
        f"threshold {body['threshold']:.6g} on P({body['unsafe_class']}): flag when P >= threshold "
        f"({body['rule'].replace('_', ' ')} {body['target']:g})",
        f"flag rate on safe   {_pct(c['flag_rate_safe'], 2)} {_interval(c['flag_rate_interval'])} "
        f"({c['flagged_safe']}/{body['safe_examples']})",
        f"recall on unsafe    {_pct(c['recall_unsafe'], 2)} {_interval(c['recall_interval'])} "
        f"({c['flagged_unsafe']}/{body['unsafe_examples']})",
        f"{int(body['confidence'] * 100)} % exact (Clopper-Pearson) intervals, on {body['data']['examples']} "
        f"examples of {body['data']['dataset']}" + (f" ({body['data']['split']})" if body['data'].get('split') else ""),
    ]


def estimate_table(body: dict[str, Any]):
    from rich.table import Table

    rate = body["failure_rate"]
    head = Table(title=f"In-distribution failure rate at threshold {body['threshold']:.6g} "
                       f"(unsafe inputs with P({body['unsafe_class']}) under it)", show_header=False)
    head.add_column(justify="left")
    head.add_column(justify="right")
    head.add_row("unsafe inputs scored", str(body["samples"]))
    head.add_row("passed by the filter (failures)", str(body["failures"]))
    head.add_row("failure rate", f"{_pct(rate, 3)} {_interval(body['interval'], 3)}")
    head.add_row("confidence", f"{int(body['confidence'] * 100)} % (exact, Clopper-Pearson)")
    spf = body["samples_per_failure"]
    low, high = body["samples_per_failure_interval"]
    head.add_row("labelled samples per failure (random sampling)",
                 f"{spf:,.0f}" if spf else f"at least {low:,.0f} (no failure seen)" if low else "–")
    if body.get("attacks"):
        attacks = Table(title="Attacks at the threshold: effort per valid adversarial example")
        for name in ("recipe", "attacked", "valid", "valid rate", "queries / valid", "seconds / valid",
                     "x fewer queries than sampling"):
            attacks.add_column(name, justify="left" if name == "recipe" else "right", no_wrap=name == "recipe")
        for a in body["attacks"]:
            cheaper = a["cheaper_than_sampling"] or (f">= {a['cheaper_at_least']}" if a["cheaper_at_least"] else "–")
            attacks.add_row(a["recipe"], str(a["attempted"]), "–" if a["valid"] is None else str(a["valid"]),
                            _pct(a["valid_success_rate"]), str(a["queries_per_valid"] or "none found"),
                            str(a["seconds_per_valid"] or "–"), str(cheaper))
        return head, attacks
    return (head,)


def round_table(summary: dict[str, Any]):
    """One column per round (rounds are few; the metrics are many and need their names)."""
    from rich.table import Table

    rows = summary["rounds"]
    table = Table(title="Hardening rounds (rates on the evaluation data; effort over all recipes)")
    table.add_column("", justify="left")
    for r in rows:
        table.add_column(f"round {r['round']}", justify="right")

    def line(name, fmt):
        table.add_row(name, *[fmt(r) for r in rows])

    line("threshold on P(unsafe)", lambda r: f"{r['threshold']:.4f}")
    line("clean accuracy", lambda r: f"{r['clean_accuracy']:.3f}")
    line("flag rate on safe", lambda r: _pct(r["flag_rate_safe"]))
    line("failure rate", lambda r: f"{_pct(r['failure_rate'], 2)} ({r['failures']}/{r['samples']})")
    confidence = summary.get("config", {}).get("confidence", 0.95)
    line(f"  {confidence * 100:g} % exact interval", lambda r: _interval(r["failure_interval"], 1))
    line("attacked inputs", lambda r: str(r["attacked"]))
    line("attack success rate", lambda r: _pct(r["attack_success_rate"]))
    line("valid success rate", lambda r: _pct(r["valid_success_rate"]))
    line("queries per valid example", lambda r: str(r["queries_per_valid"] or "none found"))
    line("seconds per valid example", lambda r: str(r["seconds_per_valid"] or "–"))
    line("adversarial examples kept", lambda r: str(r["adversarial_examples"]))
    return table


def matrix_table(summary: dict[str, Any]):
    from rich.table import Table

    m = summary["matrix"]
    table = Table(title="Cross-round matrix: share of round i's adversarial examples that get past round j's model")
    table.add_column("adversarial examples of", justify="left")
    for j in range(len(m["columns"])):
        table.add_column(f"model {j}", justify="right")
    for i, row in enumerate(m["values"] or []):
        table.add_row(f"round {i}", *[_pct(v) for v in row])
    return table
