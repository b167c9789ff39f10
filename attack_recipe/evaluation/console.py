"""Terminal output for runs: the summary table, coloured word diffs and a progress bar (rich).

The table leads with the valid success rate (successes the validity judge accepts, over attacked
examples) because a raw success rate counts antonym swaps and garbled words as wins; shown examples
carry their verdict, and valid ones are shown first.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from ..attacks.results import TIME_PARTS, AttackResult, Status
from ..core.text import AttackedText
from .display import visible
from .metrics import shown_time_parts


def _pct(value: float | None, *, fraction: bool = True) -> str:
    if value is None:
        return "–"
    return f"{100 * value:.1f}%" if fraction else f"{value:.1f}%"


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return "–" if value is None else fmt.format(value)


def rate_with_counts(s: dict[str, Any], *, valid: bool = True) -> str:
    """``31.9% (29/91)``: the valid (or raw) success rate with its numerator and denominator
    (attacked = succeeded + failed); ``– (no judge)`` when the run had no judge."""
    attacked = s.get("succeeded", 0) + s.get("failed", 0)
    if not valid:
        return f"{_pct(s.get('attack_success_rate'))} ({s.get('succeeded', 0)}/{attacked})"
    if s.get("valid_successes") is None:
        return "– (no judge)"
    return f"{_pct(s.get('valid_success_rate'))} ({s['valid_successes']}/{attacked})"


def _judged(s: dict[str, Any]) -> str:
    if s.get("judged_successes") is None:
        return "– (no judge)"
    return f"{s.get('valid_successes')}/{s['judged_successes']} ({_pct(s.get('valid_share'))})"


def _reasons(s: dict[str, Any], top: int = 3) -> str:
    reasons = s.get("invalid_reasons")
    if reasons is None:
        return "– (no judge)"
    ranked = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    return " · ".join(f"{kind} {n}" for kind, n in ranked) or "none"


def _judge_mode(s: dict[str, Any]) -> str:
    judge = s.get("judge") or {}
    if not judge.get("on"):
        return "off"
    if not judge.get("valid_only"):
        return "verdicts only"
    return (f"valid-only search, {s.get('rejected_successes') or 0} successes rejected, "
            f"{s.get('screened_out') or 0} candidates screened out")


def _rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    total = s.get("total", 0)
    budget = s.get("budget_exhausted", 0)
    failed = str(s.get("failed", 0)) + (f" ({budget} out of query budget)" if budget else "")
    return [
        ("Valid success rate", rate_with_counts(s)),
        ("Attack success rate", _pct(s.get("attack_success_rate"))),
        ("Examples", str(total)),
        ("Succeeded", str(s.get("succeeded", 0))),
        ("Failed", failed),
        ("Skipped (model already wrong)", str(s.get("skipped", 0))),
        ("Errors", str(s.get("errors", 0))),
        ("Valid successes / judged", _judged(s)),
        ("Validity judge", _judge_mode(s)),
        ("Invalid successes by rule", _reasons(s)),
        ("Accuracy before attack", _pct(s.get("accuracy_before"))),
        ("Accuracy under attack", _pct(s.get("accuracy_under_attack"))),
        ("Queries per success (mean / median)",
         f"{_num(s.get('mean_queries_per_success'))} / {_num(s.get('median_queries_per_success'), '{:g}')}"),
        ("Queries per attempted example", _num(s.get("mean_queries_per_attempt"))),
        ("Cache hits per attempted example", _num(s.get("mean_cache_hits_per_attempt"))),
        ("Generated candidates per attempted example (not queries)", _num(s.get("mean_generated_per_attempt"))),
        ("Seconds per success (all attempts)", _num(s.get("seconds_per_success"), "{:.3f}")),
        ("Seconds per attempted example", _num(s.get("mean_seconds_per_attempt"), "{:.3f}")),
        ("Words perturbed (successes)", _pct(s.get("perturbed_word_pct"), fraction=False)),
        ("Mean similarity (successes)", _num(s.get("mean_similarity"), "{:.3f}")),
        ("Perplexity ratio (median / p90)", _validity(s, "perplexity_ratio", "{:.2f}")),
        ("Independent similarity, E5 (median / p10)", _validity(s, "independent_similarity", "{:.3f}", "p10")),
    ]


def _validity(s: dict[str, Any], key: str, fmt: str, tail: str = "p90") -> str:
    d = (s.get("validity") or {}).get(key) or {}
    if not d.get("n"):
        return "– (not measured)"
    return f"{_num(d.get('median'), fmt)} / {_num(d.get(tail), fmt)}"


def time_split_line(split: dict[str, Any] | None) -> str:
    """``time: 12.3 s = victim 8.1 s (66%) · encoder ... · rest ...``."""
    if not split:
        return "time: –"
    parts = []
    for key in shown_time_parts(split):
        pct = split.get(f"{key}_pct")
        label = "LM" if key == "lm" else key
        parts.append(f"{label} {split.get(f'{key}_seconds', 0.0):.2f} s ({'–' if pct is None else f'{pct:.0f}%'})")
    return f"time: {split.get('total_seconds', 0.0):.2f} s = " + " · ".join(parts)


def print_summary(summary: dict[str, Any], console: Console, *, title: str | None = None) -> None:
    """A two-column table with every figure of :func:`~attack_recipe.evaluation.metrics.summarize`."""
    if title is None:
        run = summary.get("run") or {}
        bits = [run.get(k) for k in ("recipe", "model", "dataset") if run.get(k)]
        title = "Attack results" + (f": {visible(' · '.join(map(str, bits)))}" if bits else "")
        if summary.get("interrupted"):
            title += " (interrupted)"
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    for label, value in _rows(summary):
        table.add_row(label, value)
    console.print(table)
    console.print(time_split_line(summary.get("time_split")), soft_wrap=True)


def print_comparison(runs: Sequence[tuple[str, dict[str, Any]]], console: Console) -> None:
    """Several runs' summaries side by side: one column per run, the same figures as the summary table."""
    table = Table(title="Runs compared", title_justify="left")
    table.add_column("figure", style="bold")
    for name, summary in runs:
        table.add_column(name, justify="right")
    for key in ("recipe", "model", "dataset", "seed", "query_budget"):
        table.add_row(key, *[visible(str(summary.get(key, (summary.get("run") or {}).get(key, "–")))) for _, summary in runs])
    per_run = [_rows(summary) for _, summary in runs]
    for i, (label, _) in enumerate(per_run[0]):
        table.add_row(label, *[rows[i][1] for rows in per_run])
    for part in TIME_PARTS:
        table.add_row(f"time in {part} (%)",
                      *[_num((summary.get("time_split") or {}).get(f"{part}_pct"), "{:.0f}") for _, summary in runs])
    console.print(table)


def _label(index: int | None, names: Sequence[str] | None) -> str:
    if index is None:
        return "?"
    if names and 0 <= index < len(names):
        return str(names[index])
    return str(index)


def word_diff(original: str, perturbed: str, changed: Sequence[int] | None = None, *,
              markers: bool = False) -> Text:
    """One line: unchanged words plain, removed words red struck through, new words green.

    ``markers`` also writes the change as ``[-old-]{+new+}`` (git's word-diff notation), for output
    that loses colour (a log file, a pipe).
    """
    a, b = AttackedText(visible(original)), AttackedText(visible(perturbed))
    positional = {i for i, (x, y) in enumerate(zip(a.words, b.words)) if x != y}
    if a.num_words != b.num_words or (changed and not set(changed) <= positional):
        return _aligned_diff(a, b, markers)  # a rewrite (paraphrase), not a word-for-word edit
    changed_set = set(changed) if changed else positional
    out = Text(a.separators[0])
    for i, word in enumerate(a.words):
        if i in changed_set and b.words[i] != word:
            if markers:
                out.append(f"[-{word}-]", style="red strike")
                out.append(f"{{+{b.words[i]}+}}", style="bold green")
            else:
                out.append(word, style="red strike")
                out.append(" ")
                out.append(b.words[i], style="bold green")
        else:
            out.append(word)
        out.append(a.separators[i + 1])
    return out


def _aligned_diff(a: AttackedText, b: AttackedText, markers: bool) -> Text:
    """Word diff of a rewrite: words aligned with difflib (as ``changed_indices`` are), spacing of ``b``."""
    import difflib

    out = Text(b.separators[0])
    ops = difflib.SequenceMatcher(a=list(a.words), b=list(b.words), autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag in ("replace", "delete"):
            old = " ".join(a.words[i1:i2])
            out.append(f"[-{old}-]" if markers else old, style="red strike")
            out.append(" ")
        for j in range(j1, j2):
            word = b.words[j]
            if tag == "equal":
                out.append(word)
            else:
                out.append(f"{{+{word}+}}" if markers else word, style="bold green")
            out.append(b.separators[j + 1])
    return out


def print_examples(
    results: Sequence[AttackResult],
    console: Console,
    n: int = 3,
    *,
    label_names: Sequence[str] | None = None,
) -> int:
    """Show up to ``n`` successful examples as coloured word diffs, each with the judge's verdict when
    it gave one; valid successes first, then unjudged, then invalid (in run order within each).
    Returns how many were shown."""
    shown = 0
    successes = [r for r in results if r.status == Status.SUCCEEDED and r.perturbed_text is not None]
    for r in sorted(successes, key=lambda r: {True: 0, None: 1, False: 2}[r.valid]):
        if shown >= n:
            break
        before = f"{_label(r.original_prediction, label_names)} ({_num(r.original_score, '{:.2f}')})"
        after = f"{_label(r.perturbed_prediction, label_names)} ({_num(r.perturbed_score, '{:.2f}')})"
        header = Text(f"example {visible(r.example_id)}: ", style="bold")
        header.append(before)
        header.append(" → ")
        header.append(after, style="bold")
        header.append(f"   {len(r.changed_indices)}/{r.num_words} words, {r.queries} queries", style="dim")
        console.print(header)
        plain = console.no_color or not console.is_terminal
        console.print(word_diff(r.original_text, r.perturbed_text, r.changed_indices, markers=plain))
        if r.valid is not None:
            console.print(verdict_text(r))
        console.print()
        shown += 1
    return shown


def verdict_text(result: AttackResult) -> Text:
    """``valid`` in green, or ``invalid: antonym: good -> bad; ...`` in red (empty when not judged)."""
    if result.valid is None:
        return Text("")
    if result.valid:
        return Text("valid", style="green")
    reasons = visible("; ".join((result.judgement or {}).get("reasons") or ()) or "no reason given")
    return Text(f"invalid: {reasons}", style="red")


class ProgressReporter:
    """Callable passed as ``on_result``: advances the bar and updates the live success rate."""

    def __init__(self, progress: Progress, task_id):
        self._progress = progress
        self._task = task_id
        self.succeeded = 0
        self.valid = 0
        self.judged = False  # any verdict yet: only then is a valid rate shown
        self.attempted = 0
        self.errors = 0

    def __call__(self, result: AttackResult) -> None:
        if result.status == Status.SUCCEEDED:
            self.succeeded += 1
        if result.valid is not None:
            self.judged = True
            self.valid += bool(result.valid)
        if result.status in (Status.SUCCEEDED, Status.FAILED):
            self.attempted += 1
        if result.status == Status.ERROR:
            self.errors += 1
        self._progress.update(self._task, advance=1, rate=self.rate_text())

    def rate_text(self) -> str:
        rate = "–" if not self.attempted else f"{100 * self.succeeded / self.attempted:.0f}%"
        text = f"success rate {rate} ({self.succeeded}/{self.attempted})"
        if self.judged:
            text = f"valid {100 * self.valid / self.attempted:.0f}% ({self.valid}/{self.attempted}) · " + text
        return text + (f", {self.errors} errors" if self.errors else "")


@contextmanager
def progress(total: int, console: Console | None = None, *, description: str = "attacking") -> Iterator[ProgressReporter]:
    """A progress bar on stderr with a live "success rate x% (s/a)" field.

    Safe without a terminal (CliRunner, CI logs): rich then skips live refreshes.
    """
    console = console or Console(stderr=True)
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=not console.is_terminal,  # no leftover bar in logs; keep the final bar in a terminal
    )
    with bar:
        task = bar.add_task(description, total=total, rate="success rate – (0/0)")
        yield ProgressReporter(bar, task)
