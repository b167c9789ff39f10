"""``attack-recipe``: the command line. A thin layer over :mod:`attack_recipe.evaluation.config`.

Exit codes: 0 done (even if some examples errored: the summary counts them), 1 runtime error
(dataset, model, resource), 2 usage error (bad option, unknown name). Heavy imports (torch, rich,
the recipes) happen inside the commands, so ``attack-recipe --help`` stays fast.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

import click

from . import __version__
from .evaluation.config import DEFAULT_EXAMPLE_TIMEOUT  # light (no model code); the defaults live there
from .evaluation.gate import DEFAULT_METRIC, METRICS

KINDS = ("recipe", "transformation", "constraint", "search", "victim", "dataset")
_KIND_ALIASES = {k + "s": k for k in KINDS} | {"searches": "search", "search-methods": "search", "models": "victim"}


class _EchoHandler(logging.Handler):
    """Log records to stderr through click, so they land above a progress bar and in CliRunner output."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            prefix = "warning: " if record.levelno >= logging.WARNING else ""
            click.echo(prefix + self.format(record), err=True)
        except Exception:  # pragma: no cover - logging must never crash the run
            self.handleError(record)


@contextmanager
def _logging_to_stderr(debug: bool) -> Iterator[None]:
    pkg = logging.getLogger("attack_recipe")
    handler = _EchoHandler()
    handler.setFormatter(logging.Formatter("%(message)s" if not debug else "%(name)s: %(message)s"))
    old_level = pkg.level
    pkg.addHandler(handler)
    pkg.setLevel(logging.DEBUG if debug else logging.WARNING)
    try:
        yield
    finally:
        pkg.removeHandler(handler)
        pkg.setLevel(old_level)


def _fail(exc: BaseException, debug: bool, runtime: type[RuntimeFailure] | None = None) -> None:
    """Translate an exception into click's exit codes: usage errors → 2, everything else → 1
    (``runtime``'s code instead, e.g. :class:`GateNotRun`)."""
    from .errors import AttackRecipeError, UsageError

    runtime = runtime or RuntimeFailure
    if debug:
        raise exc
    if isinstance(exc, UsageError):
        raise click.UsageError(str(exc)) from exc
    if isinstance(exc, AttackRecipeError):
        raise runtime(str(exc)) from exc
    raise runtime(
        f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback)"
    ) from exc


class RuntimeFailure(click.ClickException):
    """Exit 1 with a one-line ``error: ...`` message (no traceback)."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=file is None)


class GateNotRun(RuntimeFailure):
    """``check`` could not rerun the attack (model, dataset, resource): exit 3, so that CI tells a
    broken setup (3) from a model that became easier to break (1)."""

    exit_code = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="attack-recipe")
def main() -> None:
    """Find the inputs on which a text classifier fails."""


def _parse_recipe_options(ctx, param, values):
    from .errors import UsageError
    from .evaluation.config import parse_recipe_option

    try:
        options = tuple(parse_recipe_option(v) for v in values)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from exc
    names = [name for name, _ in options]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise click.BadParameter(f"given more than once: {', '.join(twice)} (which value was meant?)")
    return options


def _with_mlm(fields: dict) -> dict:
    """Fold the ``--mlm`` shortcut into the recipe options."""
    fields = dict(fields)
    mlm = fields.pop("mlm", None)
    if mlm:
        fields["recipe_options"] = (*[o for o in fields.get("recipe_options", ()) if o[0] != "mlm"], ("mlm", mlm))
    return fields


def _parse_headers(ctx, param, values):
    from .errors import UsageError
    from .models.http import parse_header

    try:
        return tuple(parse_header(v) for v in values)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from exc


def _http_options() -> list:
    """Options of an http(s):// --model (RunConfig.http_*; checked there, so the Python API gets the same errors)."""
    return [
        click.option("--http-timeout", type=float, default=None, metavar="SECONDS",
                     help="HTTP victim: seconds to wait for each request [default: 10]."),
        click.option("--http-retries", type=int, default=None, metavar="N",
                     help="HTTP victim: retries after a timeout, 5xx or malformed answer [default: 3]."),
        click.option("--http-backoff", type=float, default=None, metavar="SECONDS",
                     help="HTTP victim: first wait before a retry, doubled each time [default: 0.5]."),
        click.option("--http-header", "http_headers", multiple=True, metavar="'NAME: VALUE'",
                     callback=_parse_headers,
                     help="HTTP victim: request header, repeatable; run files record its name, never its value."),
    ]


def _config_options(f):
    """The options that define a run (shared by run, baseline and check); they mirror RunConfig."""
    options = [
        click.option("--recipe", default="textfooler", show_default=True,
                     help="Attack recipe (see `attack-recipe list recipes`)."),
        click.option("--model", default=None, help="Victim: HF id, path, module:callable, http URL or built-in "
                     "name [default: built-in sentiment-minilm]."),
        click.option("--dataset", default=None, help="Built-in name, .csv/.jsonl file or HF dataset id "
                     "[default: tweets when --model is omitted; required otherwise]."),
        click.option("--split", default="test", show_default=True,
                     help="Dataset split: a built-in dataset's or an HF dataset's (train, validation, test); "
                          "a local file is read whole and the name only labels its ids."),
        click.option("--num-examples", type=click.IntRange(min=1), default=50, show_default=True),
        click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True),
        click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                     help="Seed of every example's randomness (an integer >= 0)."),
        click.option("--query-budget", type=click.IntRange(min=1), default=None,
                     help="Max unique victim queries per example."),
        click.option("--text-column", default=None, help="Column holding the text (csv/jsonl/HF datasets)."),
        click.option("--label-column", default=None, help="Column holding the label."),
        click.option("--device", default=None, help="cpu, cuda, cuda:1, mps ... [default: best available]."),
        click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Texts per victim forward pass."),
        click.option("--preset", type=click.Choice(["strict"]), default=None,
                     help="Tighter constraints for word-swap recipes (Morris et al. 2020 style)."),
        click.option("--recipe-option", "-O", "recipe_options", multiple=True, metavar="NAME=VALUE",
                     callback=_parse_recipe_options,
                     help="Keyword argument for the recipe, repeatable (e.g. -O max_candidates=20)."),
        click.option("--mlm", default=None, metavar="ID_OR_PATH",
                     help="Masked LM for bae / bert-attack (Hugging Face id or folder); same as -O mlm=..."),
        click.option("--example-timeout", type=click.FloatRange(min=0), default=DEFAULT_EXAMPLE_TIMEOUT,
                     show_default=True,
                     metavar="SECONDS", help="Time limit per example; past it the example fails with reason "
                     "'timeout' and the run goes on (0: no limit)."),
        click.option("--judge/--no-judge", default=True, show_default=True,
                     help="Give every success the validity judge's verdict (docs/judge.md; loads spaCy, WordNet, "
                          "GloVe, VADER, SmolLM2-135M and multilingual-e5-small) and report the valid success rate."),
        click.option("--valid-only/--allow-invalid", "valid_only", default=None,
                     help="Search on past successes the judge rejects, so every success returned is valid "
                          "[default: on for word-swap recipes, off for deepwordbug, textbugger and paraphrase]."),
        click.option("--id-column", default=None, help="Column holding each row's id (csv/jsonl) [default: 'id' "
                     "if present, else ids are row positions]."),
        click.option("--order", type=click.Choice(["auto", "constraints-first", "victim-first"]), default="auto",
                     show_default=True,
                     help="Greedy recipes: check costly constraints (sentence encoder, tagger) before the victim, "
                          "or score with the victim first and check them in score order; the same texts either "
                          "way. auto measures which is cheaper on the first example (run.json records it)."),
        click.option("--encoder-precision", type=click.Choice(["float32", "bfloat16"]), default="float32",
                     show_default=True,
                     help="Numeric precision of the sentence encoder behind similarity constraints: bfloat16 is "
                          "about 2.5x faster on CPUs with AVX512-BF16, cosines within ~0.003 of float32 "
                          "(decisions at the threshold can change; part of the run's fingerprint)."),
        *_http_options(),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@main.command("run")
@_config_options
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Output folder [default: runs/<recipe>-<model>-<dataset>-s<seed>].")
@click.option("--overwrite", is_flag=True, help="Discard results already in --out instead of resuming them.")
@click.option("--validity/--no-validity", default=True, show_default=True, envvar="ATTACK_RECIPE_VALIDITY",
              help="Measure each success's fluency (perplexity ratio, SmolLM2-135M), similarity under a "
                   "second encoder (multilingual-e5-small) and under the attack's own encoder; --no-validity "
                   "measures none of them (no encoder pass that the search does not need).")
@click.option("--show-examples", type=click.IntRange(min=0), default=3, show_default=True,
              help="Successful examples to show as word diffs.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, table or examples; one summary line.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Examples attacked at once, each worker with its own victim and attack; same results as one "
                   "[default: 1 locally; on Ray one per CPU, or per GPU, of the cluster].")
@click.option("--backend", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where workers run: processes on this machine, or Ray actors (pip install 'attack-recipe[ray]').")
@click.option("--ray-address", default=None, metavar="ADDRESS",
              help="Ray cluster to join ('auto', 'ray://head:10001', 'host:6379') [default: $RAY_ADDRESS, else the "
                   "cluster last started here with `ray start`, else a Ray instance started for the run].")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def run_command(out_dir, overwrite, validity, show_examples, quiet, debug, **config_fields) -> None:
    """Attack a model over a dataset; write results.jsonl and summary.json.

    Started again with the same --out and the same configuration, a run resumes where it stopped.
    --workers / --backend ray attack several examples at once, with the same results (docs/parallel.md).
    """
    from .evaluation.config import RunConfig, execute, prepare
    from .evaluation.run_lock import ensure_folder_free

    with _logging_to_stderr(debug):
        try:
            config = RunConfig(**_with_mlm(config_fields), out_dir=out_dir, overwrite=overwrite, validity=validity)
            ensure_folder_free(config.resolved_out_dir)  # before minutes of loading
            prepared = prepare(config)
        except Exception as exc:
            _fail(exc, debug)
            return

        from rich.console import Console

        from .evaluation.console import print_examples, print_summary, progress
        from .evaluation.display import visible

        out = Console(highlight=False)
        try:
            if quiet:
                outcome = execute(prepared)
            else:
                with progress(len(prepared.examples), Console(stderr=True),
                              description=f"{config.recipe} on {visible(prepared.dataset_name)}") as reporter:
                    outcome = execute(prepared, on_result=reporter)
        except KeyboardInterrupt:
            click.echo(f"interrupted; partial results kept in {config.resolved_out_dir}", err=True)
            raise SystemExit(130)
        except Exception as exc:
            _fail(exc, debug)
            return

        s = outcome.summary
        if quiet:
            from .evaluation.console import rate_with_counts

            click.echo(
                f"succeeded {s['succeeded']}, failed {s['failed']}, skipped {s['skipped']}, errors {s['errors']}; "
                f"valid success rate {rate_with_counts(s)}, success rate {rate_with_counts(s, valid=False)}"
            )
        else:
            print_summary(s, out)
            if show_examples:
                out.print()
                print_examples(outcome.results, out, n=show_examples,
                               label_names=getattr(prepared.victim, "labels", None))
        click.echo(f"results: {outcome.results_path}")
        click.echo(f"summary: {outcome.summary_path}")
        click.echo(f"report:  {outcome.report_path or '(not written: see the warning above)'}")


@main.command("baseline")
@_config_options
@click.option("--baseline", "baseline_path", default="robustness-baseline.json", show_default=True,
              type=click.Path(dir_okay=False), help="Baseline file to write (commit it); `check --baseline` reads it.")
@click.option("--output", "-o", "old_output", default=None, type=click.Path(dir_okay=False), hidden=True,
              help="Old name of --baseline (easy to confuse with --out).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the run's files [default: runs/gate-<baseline file name>-baseline].")
@click.option("--max-success-rate-increase", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Tolerance recorded in the baseline: absolute rise in the gated success rate "
                   "(valid or raw, see `check --metric`).")
@click.option("--max-queries-decrease", type=click.FloatRange(0, 1), default=0.20, show_default=True,
              help="Tolerance recorded in the baseline: relative drop in queries per success.")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def baseline_command(baseline_path, old_output, out_dir, max_success_rate_increase, max_queries_decrease, debug,
                     **config_fields) -> None:
    """Run a seeded attack and record its figures as a robustness baseline (a small JSON file to commit)."""
    from .evaluation.config import RunConfig
    from .evaluation.gate import Tolerances, record_baseline

    if old_output:
        click.echo("warning: --output/-o is now --baseline (the file to write); --out is the run's folder", err=True)
        baseline_path = old_output
    output = baseline_path
    with _logging_to_stderr(debug):
        try:
            config = RunConfig(**_with_mlm(config_fields), out_dir=out_dir)
            tolerances = Tolerances(max_success_rate_increase, max_queries_decrease)
            data = record_baseline(config, output, tolerances)
        except Exception as exc:
            _fail(exc, debug)
            return
    figures = data["figures"]
    click.echo(f"baseline written to {output}: valid success rate {figures['valid_success_rate']}, "
               f"success rate {figures['attack_success_rate']}, "
               f"queries per success {figures['mean_queries_per_success']}")


@main.command("check")
@click.option("--baseline", "baseline_path", required=True, type=click.Path(dir_okay=False),
              help="Baseline file written by `attack-recipe baseline`.")
@click.option("--model", default=None, help="Check this model instead of the baseline's (e.g. the new version).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the run's files [default: runs/gate-<baseline file name>-check].")
@click.option("--verdict", "verdict_path", type=click.Path(dir_okay=False), default=None,
              help="Machine-readable verdict [default: verdict.json in the run's folder].")
@click.option("--metric", type=click.Choice(list(METRICS)), default=DEFAULT_METRIC,
              show_default=True, help="Rate the gate compares: successes the validity judge accepts, or all "
                                      "successes. A baseline without a valid rate is gated on the raw rate (said so).")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def check_command(baseline_path, model, out_dir, verdict_path, metric, debug) -> None:
    """Rerun a baseline's attack; exit 1 if the model became easier to break, 0 if not.

    Exit 2: a usage error (a bad or unreproducible baseline); exit 3: the attack could not run (the
    model, dataset or a resource failed), so CI can tell a broken setup from a weaker model."""
    from .evaluation.gate import check_robustness, gate_out_dir
    from .evaluation.records import write_summary

    with _logging_to_stderr(debug):
        try:
            out = out_dir or str(gate_out_dir(baseline_path, "check"))
            verdict = check_robustness(baseline_path, model=model, out_dir=out, metric=metric)
        except Exception as exc:
            _fail(exc, debug, runtime=GateNotRun)
            return
    path = verdict_path or f"{out}/verdict.json"
    write_summary(path, verdict.to_dict())
    click.echo(verdict.table())
    click.echo(f"verdict: {path}")
    if not verdict.passed:
        raise SystemExit(1)


@main.command("compare")
@click.argument("run_dirs", nargs=-1, required=True, type=click.Path(file_okay=False))
def compare_command(run_dirs) -> None:
    """Print several runs (recipes, models or seeds) side by side from their summary.json files."""
    from pathlib import Path

    from rich.console import Console

    from .evaluation.console import print_comparison
    from .evaluation.records import read_summary

    runs = []
    for run_dir in run_dirs:
        path = Path(run_dir) / "summary.json"
        try:
            runs.append((Path(run_dir).name or str(run_dir), read_summary(path)))
        except FileNotFoundError:
            raise RuntimeFailure(f"{path} does not exist: is {run_dir} a folder written by `attack-recipe run`?")
        except ValueError as exc:
            raise RuntimeFailure(f"{path} is not valid JSON: {exc}")
    print_comparison(runs, Console(highlight=False))
    different = _different_examples(run_dirs)
    if different:
        click.echo(f"warning: these runs attacked different examples ({different}); their rates are not "
                   "comparable example for example", err=True)


def _different_examples(run_dirs) -> str:
    """Empty when every run attacked the same example ids, else what differs, e.g. "run-a: 50, run-b: 20"."""
    from pathlib import Path

    from .evaluation.records import read_results

    covered = {}
    for run_dir in run_dirs:
        try:
            covered[Path(run_dir).name or str(run_dir)] = [r.example_id for r in read_results(Path(run_dir) / "results.jsonl")]
        except Exception:  # noqa: BLE001 - no or broken results: nothing to compare, the table stands alone
            return ""
    if len({tuple(ids) for ids in covered.values()}) <= 1:
        return ""
    first = next(iter(covered.values()))
    shared = set(first).intersection(*map(set, covered.values()))
    return ", ".join(f"{name}: {len(ids)}" for name, ids in covered.items()) + f"; {len(shared)} in common"


@main.command("report")
@click.argument("run_dir", type=click.Path(file_okay=False, exists=True))
def report_command(run_dir) -> None:
    """(Re)write RUN_DIR/report.html from its results.jsonl and summary.json."""
    from .evaluation.report import write_report

    try:
        click.echo(f"report: {write_report(run_dir)}")
    except (OSError, ValueError) as exc:
        raise RuntimeFailure(f"cannot build a report from {run_dir}: {exc}")


def _normalise_kind(ctx, param, value):
    if value is None:
        return None
    v = value.lower()
    v = _KIND_ALIASES.get(v, v)
    if v not in KINDS:
        from .errors import UnknownNameError

        raise click.BadParameter(str(UnknownNameError("kind", value, KINDS)))
    return v


@main.command("list")
@click.argument("kind", required=False, callback=_normalise_kind)
def list_command(kind: str | None) -> None:
    """List recipes, components, victims and built-in datasets (or one KIND of them).

    KIND is one of: recipe, transformation, constraint, search, victim, dataset (plurals work too)."""
    from . import registry

    for k in [kind] if kind else list(KINDS):
        click.secho(f"{k if k == 'search' else k + 's'}:", bold=True)
        if k == "dataset":
            _list_datasets()
            continue
        entries = registry.describe(k)
        if not entries:
            click.echo("  (none registered)")
        width = max((len(e.name) for e in entries), default=0)
        for e in entries:
            if e.error:
                click.echo(f"  {e.name:<{width}}  " + click.style(f"[broken] {e.error}", fg="red"))
            else:
                click.echo(f"  {e.name:<{width}}  {e.description or ''}".rstrip())
        click.echo()


def _list_datasets() -> None:
    try:
        from .resources.datasets import builtin_dataset_names

        names = list(builtin_dataset_names())
    except Exception as exc:  # a broken resources module must not take `list` down
        click.echo("  " + click.style(f"[unavailable] {type(exc).__name__}: {exc}", fg="red"))
        return
    for name in names or ["(none)"]:
        click.echo(f"  {name}")
    click.echo("  (also: a .csv / .jsonl file, or a Hugging Face dataset id)")


@main.command("judge")
@click.argument("pairs_path", metavar="PAIRS.jsonl", type=click.Path(dir_okay=False, exists=True))
@click.option("--out", "out_path", type=click.Path(dir_okay=False), default=None,
              help="Judged pairs (JSON lines) [default: PAIRS.judged.jsonl beside the input].")
@click.option("--embedding", default="glove-6b-50d", show_default=True,
              help="Word-vector space for word-level similarity (a name load_word_embedding knows).")
@click.option("--fluency/--no-fluency", default=True, show_default=True,
              help="Reject swaps that raise perplexity (SmolLM2-135M) past the threshold.")
@click.option("--similarity/--no-similarity", default=True, show_default=True,
              help="Reject swaps whose text drifts under the independent encoder (multilingual-e5-small).")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def judge_command(pairs_path, out_path, embedding, fluency, similarity, debug) -> None:
    """Judge whether each perturbed text is a valid stand-in for its original.

    PAIRS.jsonl holds one JSON object per line with "original", "perturbed" and optionally "label".
    Writes one line per pair, in input order, with "valid" (true/false) and "reasons". A malformed
    line stops the command (exit 2) naming its line number; nothing is written then.
    """
    from .evaluation import judge as judge_module
    from .evaluation.judge_files import judged_path, read_pairs, summarize_verdicts, write_judged

    with _logging_to_stderr(debug):
        try:
            rows = read_pairs(pairs_path)
            dest = judged_path(pairs_path, out_path)
            judge = judge_module.ValidityJudge(embedding=embedding, fluency=fluency, similarity=similarity)
            verdicts = judge.judge_many(rows)
            write_judged(dest, rows, verdicts)
        except Exception as exc:
            _fail(exc, debug)
            return
    s = summarize_verdicts(verdicts)
    share = f" ({100 * s['valid'] / s['pairs']:.1f}%)" if s["pairs"] else ""
    click.echo(f"pairs {s['pairs']}, valid {s['valid']}{share}, invalid {s['invalid']}")
    if s["reasons"]:
        click.echo("most common reasons (pairs):")
        width = max(len(k) for k, _, _ in s["reasons"])
        for kind, count, example in s["reasons"]:
            click.echo(f"  {kind:<{width}}  {count:>5}  e.g. {example}")
    click.echo(f"judged: {dest}")



@main.command("studio")
@click.option("--model", default=None, help="Victim: HF id, path, module:callable, http URL or built-in name "
              "[default: built-in sentiment-minilm].")
@click.option("--dataset", default=None, help="Where the queue of starting examples comes from: built-in name, "
              ".csv/.jsonl file or HF dataset id [default: tweets when --model is omitted; required otherwise].")
@click.option("--split", default="test", show_default=True, help="Dataset split.")
@click.option("--num-examples", type=click.IntRange(min=1), default=300, show_default=True,
              help="Examples read for the queue; those of the unsafe class that the victim flags are queued.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--text-column", default=None, help="Column holding the text (csv/jsonl/HF datasets).")
@click.option("--label-column", default=None, help="Column holding the label.")
@click.option("--id-column", default=None, help="Column holding each row's id.")
@click.option("--threshold", "threshold", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Threshold file from `attack-recipe calibrate` (its threshold on P(unsafe_class)) "
                   "[default: the decision boundary].")
@click.option("--unsafe-class", default=None, help="The class the filter flags, without a threshold file "
              "[default: 'negative' if the victim has it, else class 1].")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but 127.0.0.1 lets other machines use it (no login).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port (0: any free port, printed).")
@click.option("--out", default=None, type=click.Path(dir_okay=False),
              help="JSONL file saved examples are appended to [default: studio-<model>.jsonl].")
@click.option("--mlm", default=None, metavar="ID_OR_PATH",
              help="Masked LM for contextual suggestions and for bae / bert-attack [default: the causal-LM "
                   "fallback, SmolLM2-135M].")
@click.option("--sources", default="embedding,wordnet,lm", show_default=True,
              help="Suggestion sources, comma-separated: embedding (counter-fitted neighbours), wordnet, lm.")
@click.option("--recipe", default="textfooler", show_default=True,
              help="Recipe selected for \"finish it for me\" (the page lists every one the victim can run).")
@click.option("--finish-time-limit", type=click.FloatRange(min=1), default=60.0, show_default=True,
              metavar="SECONDS", help="Time limit of one \"finish it for me\" run.")
@click.option("--finish-query-budget", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Query budget of one \"finish it for me\" run.")
@click.option("--device", default=None, help="cpu, cuda, cuda:1, mps ... [default: best available].")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Texts per victim forward pass.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def studio_command(sources, open_browser, debug, **fields) -> None:
    """Rewrite flagged texts in the browser until the victim lets them through: a live score, saliency,
    ranked replacements, "finish it for me"; saved examples go to a JSONL file for harden / augment.

    Serves one page on http://127.0.0.1:PORT/ (printed) until Ctrl-C."""
    from .studio.server import StudioOptions, run_studio

    with _logging_to_stderr(debug):
        try:
            names = tuple(s.strip() for s in sources.split(",") if s.strip())
            run_studio(StudioOptions(**fields, sources=names), echo=click.echo, open_browser=open_browser)
        except KeyboardInterrupt:
            click.echo("studio stopped", err=True)
        except Exception as exc:
            _fail(exc, debug)


@main.command("doctor")
@click.option("--install", "install_missing", is_flag=True,
              help="Install what is missing: the pip packages (the --no-deps ones separately) and WordNet "
                   "(apt-get, as root or with password-less sudo; otherwise the command is printed), then check again.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as one JSON object on stdout.")
def doctor_command(install_missing, as_json) -> None:
    """Check every offline resource (models, vectors, WordNet, datasets): present or missing, where it
    was found, and the command that gets it. Exit 1 when a required one is missing."""
    from . import doctor

    code = doctor.main(install_missing=install_missing, as_json=as_json, echo=click.echo,
                       err=lambda line: click.echo(line, err=True))
    raise SystemExit(code)

if __name__ == "__main__":  # pragma: no cover
    main()


# ---------------------------------------------------------------------------------- high stakes
def _threshold_rule_options(f):
    for option in reversed([
        click.option("--unsafe-class", default=None,
                     help="The class the filter must catch (name or index) [default: 'negative' for the built-in filter]."),
        click.option("--max-flag-rate", type=click.FloatRange(0, 1, max_open=True), default=None, metavar="R",
                     help="Choose the lowest threshold that flags at most R of the safe inputs (the quality budget)."),
        click.option("--min-recall", type=click.FloatRange(0, 1, min_open=True), default=None, metavar="X",
                     help="Choose the highest threshold that still flags at least X of the unsafe inputs."),
    ]):
        f = option(f)
    return f


def _print_json(body) -> None:
    import json

    click.echo(json.dumps(body, indent=2))


def _data_options(f):
    for option in reversed([
        click.option("--text-column", default=None, help="Column holding the text (csv/jsonl/HF datasets)."),
        click.option("--label-column", default=None, help="Column holding the label."),
        click.option("--num-examples", type=click.IntRange(min=1), default=None, help="Use the first N rows only."),
    ]):
        f = option(f)
    return f


@main.command("calibrate")
@click.option("--model", default=None, help="Victim (any spec `run` accepts) [default: the built-in filter, "
              "sentiment-minilm read as a filter of negative tweets].")
@click.option("--dataset", default=None, help="Labelled held-out data [default: tweets, validation split, "
              "when --model is omitted].")
@click.option("--split", default=None, help="Split of a built-in or hub dataset [default: validation].")
@_threshold_rule_options
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True)
@click.option("--out", "out_path", default="threshold.json", show_default=True, type=click.Path(dir_okay=False),
              help="The threshold file (JSON: threshold, unsafe_class, curve, ...).")
@click.option("--plot", "plot_path", default=None, type=click.Path(dir_okay=False),
              help="The curve as PNG [default: the --out file with .png].")
@_data_options
@click.option("--json", "as_json", is_flag=True, help="Print the threshold file's content as JSON.")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def calibrate_command(model, dataset, split, unsafe_class, max_flag_rate, min_recall, confidence, out_path, plot_path,
                      text_column, label_column, num_examples, as_json, debug) -> None:
    """Choose a conservative threshold on P(unsafe) from labelled held-out data."""
    from .highstakes.commands import calibrate_filter

    with _logging_to_stderr(debug):
        try:
            body = calibrate_filter(model=model, dataset=dataset, split=split, unsafe_class=unsafe_class,
                                    max_flag_rate=max_flag_rate, min_recall=min_recall, confidence=confidence,
                                    out=out_path, plot=plot_path, num_examples=num_examples,
                                    text_column=text_column, label_column=label_column)
        except Exception as exc:
            _fail(exc, debug)
            return
    if as_json:
        _print_json(body)
        return
    from .highstakes.console import calibration_lines

    for line in calibration_lines(body):
        click.echo(line)
    click.echo(f"threshold file: {body['out']}")
    click.echo(f"plot:           {body['plot']}")


@main.command("estimate")
@click.option("--model", default=None, help="Victim [default: the built-in filter].")
@click.option("--threshold", "threshold_path", required=True, type=click.Path(dir_okay=False),
              help="A threshold file written by `attack-recipe calibrate`.")
@click.option("--dataset", default=None, help="Labelled in-distribution data [default: tweets, test split, "
              "when --model is omitted].")
@click.option("--split", default=None, help="Split of a built-in or hub dataset [default: test].")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True)
@click.option("--recipes", default="deepwordbug,textfooler", show_default=True,
              help="Recipes to run at the threshold for the effort comparison (comma-separated).")
@click.option("--no-attack", is_flag=True, help="Only the failure rate; run no recipe.")
@click.option("--attack-examples", type=click.IntRange(min=1), default=20, show_default=True,
              help="Flagged unsafe inputs each recipe attacks.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Folder for the attack runs and estimate.json [default: runs/estimate-<model>-<dataset>].")
@click.option("--overwrite", is_flag=True, help="Discard attack results already in --out instead of resuming them "
              "(needed after a new threshold).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--query-budget", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Max unique victim queries per attacked input.")
@click.option("--example-timeout", type=click.FloatRange(min=0), default=120.0, show_default=True, metavar="SECONDS")
@click.option("--judge/--no-judge", default=True, show_default=True,
              help="Count only successes the validity judge accepts (still unsafe, still readable).")
@_data_options
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object (samples, failures, failure_rate, interval, confidence, attacks, ...).")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def estimate_command(model, threshold_path, dataset, split, confidence, recipes, no_attack, attack_examples, out_dir,
                     overwrite, seed, query_budget, example_timeout, judge, text_column, label_column, num_examples, as_json,
                     debug) -> None:
    """Estimate the in-distribution failure rate at a threshold, beside what attacks spend per failure."""
    from .highstakes.commands import estimate_filter

    def announce(recipe, n):
        if not as_json:
            click.echo(f"attacking {n} flagged unsafe inputs with {recipe} ...", err=True)

    with _logging_to_stderr(debug):
        try:
            body = estimate_filter(model=model, threshold_file=threshold_path, dataset=dataset, split=split,
                                   confidence=confidence, recipes=() if no_attack else recipes,
                                   attack_examples=attack_examples, out_dir=out_dir, seed=seed,
                                   query_budget=query_budget, example_timeout=example_timeout, judge=judge,
                                   num_examples=num_examples, text_column=text_column, label_column=label_column,
                                   overwrite=overwrite, on_recipe=announce)
        except KeyboardInterrupt:
            click.echo("interrupted; finished attack results are kept (rerun to resume)", err=True)
            raise SystemExit(130)
        except Exception as exc:
            _fail(exc, debug)
            return
    if as_json:
        _print_json(body)
        return
    from rich.console import Console

    from .highstakes.console import estimate_table

    console = Console(highlight=False)
    for table in estimate_table(body):
        console.print(table)
    if body.get("out"):
        click.echo(f"estimate: {body['out']}/estimate.json")


@main.command("harden")
@click.option("--model", default=None, help="A trainable victim: a Hugging Face sequence classifier (folder or hub "
              "id) or an sklearn pipeline (module:attr returning a SklearnVictim) [default: the built-in filter].")
@click.option("--train", "train", default=None, help="Labelled training data [default: tweets train split].")
@click.option("--train-split", default=None, help="Split of a built-in or hub --train dataset.")
@click.option("--eval", "eval_", default=None, help="Labelled evaluation data [default: tweets test split].")
@click.option("--eval-split", default=None, help="Split of a built-in or hub --eval dataset.")
@click.option("--calibration", default=None, help="Labelled data to calibrate each round's threshold on "
              "[default: --eval; tweets validation split for the built-in filter].")
@click.option("--calibration-split", default=None)
@_threshold_rule_options
@click.option("--rounds", type=click.IntRange(min=1), default=2, show_default=True,
              help="Rounds of adversarial training after round 0 (which measures the model as given).")
@click.option("--recipes", default="deepwordbug,textfooler", show_default=True,
              help="Adversaries of every round, comma-separated (e.g. textfooler,paraphrase+swap).")
@click.option("--attack-examples", type=click.IntRange(min=1), default=100, show_default=True,
              help="Fresh flagged unsafe training inputs attacked per round (each recipe attacks the same ones).")
@click.option("--train-examples", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Clean training examples mixed into every round's training data.")
@click.option("--adversarial-repeats", type=click.IntRange(min=1), default=3, show_default=True,
              help="Times each adversarial example appears in a round's training data.")
@click.option("--extra-adversarial", default=None, type=click.Path(dir_okay=False, exists=True),
              help="JSONL of more adversarial examples (e.g. saved in the studio) for the first hardening round.")
@click.option("--paraphrase-previous", is_flag=True, help="From round 1, also run the paraphrase recipe on earlier "
              "rounds' adversarial examples that the model now flags (slow: LM sampling).")
@click.option("--review", is_flag=True, help="Write each round's successes to review.jsonl and wait for a person's "
              "reviewed.jsonl instead of trusting the validity judge.")
@click.option("--judge/--no-judge", default=True, show_default=True, help="Keep only judge-accepted successes.")
@click.option("--epochs", type=click.IntRange(min=1), default=None, help="Fine-tuning epochs per round [default: 1].")
@click.option("--learning-rate", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Fine-tuning learning rate [default: 2e-5].")
@click.option("--vat-weight", type=click.FloatRange(min=0), default=None,
              help="Weight of SiFT-style virtual adversarial training (0: off) [default: 0].")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--query-budget", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--example-timeout", type=click.FloatRange(min=0), default=120.0, show_default=True, metavar="SECONDS")
@click.option("--out", "out_dir", default="runs/harden", show_default=True, type=click.Path(file_okay=False))
@click.option("--overwrite", is_flag=True, help="Start the rounds afresh in --out.")
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def harden_command(model, train, train_split, eval_, eval_split, calibration, calibration_split, unsafe_class,
                   max_flag_rate, min_recall, rounds, recipes, attack_examples, train_examples, adversarial_repeats,
                   extra_adversarial, paraphrase_previous, review, judge, epochs, learning_rate, vat_weight, seed, query_budget,
                   example_timeout, out_dir, overwrite, debug) -> None:
    """Adversarial training in rounds: attack at the threshold, keep valid successes, retrain, re-measure.

    Killed, it resumes at the round and stage it was in when run again with the same options."""
    from .highstakes.attacking import parse_recipes
    from .highstakes.harden import DataSpec, HardenConfig, harden

    fine_tune = tuple((k, v) for k, v in (("epochs", epochs), ("learning_rate", learning_rate),
                                          ("vat_weight", vat_weight)) if v is not None)
    with _logging_to_stderr(debug):
        try:
            config = HardenConfig(
                model=model, train=DataSpec(train, train_split) if train else None,
                eval=DataSpec(eval_, eval_split) if eval_ else None,
                calibration=DataSpec(calibration, calibration_split) if calibration else None,
                unsafe_class=unsafe_class, max_flag_rate=max_flag_rate, min_recall=min_recall, rounds=rounds,
                recipes=tuple(parse_recipes(recipes)), attack_examples=attack_examples, train_examples=train_examples,
                adversarial_repeats=adversarial_repeats, seed=seed, query_budget=query_budget,
                example_timeout=example_timeout, judge=judge, review=review, extra_adversarial=extra_adversarial,
                paraphrase_previous=paraphrase_previous,
                fine_tune=fine_tune, out_dir=out_dir, overwrite=overwrite)
            summary = harden(config, echo=lambda line: click.echo(line, err=True))
        except KeyboardInterrupt:
            click.echo(f"interrupted; finished rounds and attack results are kept in {out_dir} "
                       "(rerun the same command to resume)", err=True)
            raise SystemExit(130)
        except Exception as exc:
            _fail(exc, debug)
            return
    from rich.console import Console

    from .highstakes.console import matrix_table, round_table

    console = Console(highlight=False)
    console.print(round_table(summary))
    console.print(matrix_table(summary))
    change = summary.get("effort_change") or {}
    if change.get("ratio") is not None:
        console.print(f"queries per valid adversarial example: round 0 {change['queries_per_valid_round_0']} -> "
                      f"last round {change['queries_per_valid_last']} ({change['ratio']}x)")
    click.echo(f"summary: {out_dir}/summary.json")
    click.echo(f"report:  {out_dir}/report.html")


@main.command("augment")
@click.option("--recipe", default="deepwordbug", show_default=True,
              help="A word-swap or character-edit recipe whose transformation and constraints make the copies.")
@click.option("--dataset", required=True, help="Labelled data: built-in name, .csv/.jsonl file or HF dataset id.")
@click.option("--split", default=None, help="Split of a built-in or hub dataset [default: test].")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="A .jsonl or .csv file.")
@click.option("--copies", type=click.IntRange(min=1), default=2, show_default=True, help="Variants per example (at most).")
@click.option("--pct-words", type=click.FloatRange(0, 1, min_open=True), default=0.1, show_default=True,
              help="Share of each text's words to change.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--judge/--no-judge", default=True, show_default=True,
              help="Keep only copies the validity judge accepts for the example's label.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@_data_options
@click.option("--debug", is_flag=True, help="Debug logging and full tracebacks.")
def augment_command(recipe, dataset, split, out_path, copies, pct_words, seed, judge, offset, text_column,
                    label_column, num_examples, debug) -> None:
    """Write perturbed copies of a dataset (label kept, judged valid), as TextAttack's augment does."""
    from .highstakes.commands import augment_dataset

    with _logging_to_stderr(debug):
        try:
            stats = augment_dataset(recipe=recipe, dataset=dataset, split=split, out=out_path, copies=copies,
                                    pct_words=pct_words, seed=seed, judge=judge, num_examples=num_examples,
                                    offset=offset, text_column=text_column, label_column=label_column)
        except Exception as exc:
            _fail(exc, debug)
            return
    rejected = ", ".join(f"{k} {v}" for k, v in sorted(stats["rejected_by_rule"].items())) or "none"
    click.echo(f"{stats['kept']} copies of {stats['examples']} examples written to {stats['out']} "
               f"({stats['proposed']} built, rejected by the judge: {rejected})")
