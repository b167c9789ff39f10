"""Run one attack over a dataset: attack each example, keep every result, write the result files.

One bad example never ends the run: an :class:`~attack_recipe.errors.InputError`, another package
error or an unexpected exception raised while attacking it becomes a result with status ``error``
(and is logged), and the run goes on. An example the dataset loader could not read (its ``problem``
is set, e.g. "line 7: not valid JSON: ...") becomes such a result at once, without asking the
victim. Errors that are the *caller's* mistake (:class:`~attack_recipe.errors.UsageError`, e.g. a
white-box recipe against a black-box victim) propagate at once: every example would fail the same way.
(:mod:`.example_runner` attacks one example; this module orders, writes and summarises.)

Where examples are attacked is an executor's business (:mod:`.executors`): in this process by
default, or in worker processes / Ray actors that finish them in any order. Results are written to
``results.jsonl`` in dataset order all the same; one that finishes before an earlier example is held
until its turn, and meanwhile kept in ``ahead.jsonl`` (fsynced), so an interrupted parallel run
loses only the examples that were still running. ``ahead.jsonl`` is removed when the run completes.

Results are written as they arrive (``results.jsonl``, fsynced per line), so an interrupted run
loses nothing it finished; ``summary.json`` is written at the end, and also on Ctrl-C (with
``"interrupted": true``) or when a usage error aborts the run (with ``"aborted"``). A run holds an
exclusive lock on its folder (:mod:`.run_lock`): a second run on the same folder is refused at once
instead of mixing its lines into the first one's.

Resume: ``run.json`` records the configuration that defines the results (recipe and its full
``repr``, model, dataset, split, offset, seed, budget, whether a validity judge labelled the
successes and whether the search kept only judge-accepted ones). Started again on the same folder,
a run with the same configuration keeps the finished examples (dropping a line cut off by a kill),
their verdicts included, and those in ``ahead.jsonl``, and attacks only the rest (with any executor:
the number of workers is not part of the configuration); since every example's randomness and caches
depend on that example alone, the final ``results.jsonl`` equals an uninterrupted run's, timings
aside. A different configuration is refused
(``overwrite=True`` discards the old results instead).
"""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

from ..attacks.results import SCHEMA_VERSION, AttackResult
from ..errors import UsageError
from .example_runner import ExampleRunner
from .executors import Executor, InProcessExecutor
from .metrics import summarize
from .run_lock import RunFolderLock
from .records import ResultsWriter, drop_partial_tail, read_results, read_summary, write_summary

logger = logging.getLogger(__name__)

RESULTS_FILE = "results.jsonl"
SUMMARY_FILE = "summary.json"
RUN_FILE = "run.json"
AHEAD_FILE = "ahead.jsonl"  # results that finished before an earlier example (parallel runs)

#: run_info keys that define what the results are; a resumed run must match them all.
#: (num_examples is not among them: a finished run can be extended with more examples.)
FINGERPRINT_KEYS = ("recipe", "attack", "model", "victim", "dataset", "split", "offset", "seed",
                    "query_budget", "schema_version", "validity", "preset", "judge", "valid_only")


class ExampleLike(Protocol):
    """``id``, ``text`` and ``label``; optionally ``problem`` (why the loader could not read the row)."""

    id: str
    text: str
    label: int | str


@dataclass
class RunOutcome:
    """What :func:`run_dataset` produced. ``out_dir`` is ``None`` when nothing was written."""

    results: list[AttackResult]
    summary: dict[str, Any]
    out_dir: Path | None = None
    interrupted: bool = False
    report_path: Path | None = None  # report.html, when the caller wrote one (evaluation.runner.execute)

    @property
    def results_path(self) -> Path | None:
        return self.out_dir / RESULTS_FILE if self.out_dir else None

    @property
    def summary_path(self) -> Path | None:
        return self.out_dir / SUMMARY_FILE if self.out_dir else None


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def run_dataset(
    attack,
    victim,
    examples: Iterable[ExampleLike],
    *,
    seed: int = 0,
    query_budget: int | None = None,
    out_dir: str | Path | None = None,
    run_info: dict[str, Any] | None = None,
    on_result: Callable[[AttackResult], None] | None = None,
    overwrite: bool = False,
    validity=None,
    time_limit: float | None = None,
    command: str | None = None,
    executor: Executor | None = None,
) -> RunOutcome:
    """Attack every example in order and summarise the results.

    ``examples`` are objects with ``id``, ``text`` and ``label`` (a class index or name).
    With ``out_dir``, writes ``results.jsonl`` (one line per result, as it finishes) and
    ``summary.json`` (:func:`~attack_recipe.evaluation.metrics.summarize` plus a ``"run"`` section
    built from ``run_info`` and the run's own facts). ``on_result`` is called after each example.
    ``validity`` (a :class:`~attack_recipe.evaluation.validity.ValidityScorer`) measures each success.
    ``time_limit``: seconds per example, after which its result is ``failed`` with reason ``timeout``
    (None: no limit). Not part of the resume fingerprint: a timeout depends on the machine anyway.
    ``command`` (e.g. "run", "baseline") is recorded in ``run.json``; a folder that another command
    wrote is refused, even with ``overwrite``, so a gate run never replaces a user's results.
    ``executor`` (:mod:`.executors`): where examples are attacked; None: in this process with
    ``attack``, ``victim`` and ``validity``. An executor's workers build their own, which must be the
    same (:mod:`.worker_build` checks the attack's ``repr``): ``attack``, ``victim`` and ``validity``
    then only say what the run is, for ``run.json`` and the summary.
    """
    from .. import __version__

    examples = list(examples)
    info: dict[str, Any] = dict(run_info or {})
    info.setdefault("num_examples", len(examples))
    info.update(
        seed=seed,
        query_budget=query_budget,
        example_timeout=time_limit,
        command=command,
        attack=repr(attack),
        victim=getattr(victim, "name", type(victim).__name__),
        package_version=__version__,
        python_version=platform.python_version(),
        started_at=_utc_now(),
    )
    info["schema_version"] = SCHEMA_VERSION
    info["validity"] = validity is not None
    judge = getattr(attack, "judge", None)  # Attack.with_judge: verdicts on successes, maybe valid-only
    info["judge"] = judge is not None
    info["valid_only"] = bool(getattr(attack, "require_valid", False))
    info["judge_config"] = repr(judge) if judge is not None else None
    if executor is None:
        executor = InProcessExecutor(ExampleRunner(attack, victim, seed=seed, query_budget=query_budget,
                                                   time_limit=time_limit, validity=validity))
    info["executor"] = executor.describe()  # not in the fingerprint: results are the same on any executor
    out = Path(out_dir) if out_dir is not None else None
    lock = RunFolderLock(out).acquire() if out is not None else None  # one run per folder
    try:
        return _run_locked(examples, info, out, executor, on_result=on_result, overwrite=overwrite)
    finally:
        if lock is not None:
            lock.release()


def _run_locked(examples, info, out, executor: Executor, *, on_result, overwrite):
    """:func:`run_dataset` once it holds the folder's lock (if it writes one)."""
    writer = None
    results: list[AttackResult] = []
    ahead: dict[int, AttackResult] = {}  # position -> a result that finished before an earlier example
    if out is not None:
        fingerprint = {k: info.get(k) for k in FINGERPRINT_KEYS}
        _refuse_another_commands_folder(out, info.get("command"))
        if (out / RESULTS_FILE).exists() and not overwrite:
            results = _finished_results(out, fingerprint, examples)
            ahead = _results_ahead(out, examples, len(results))
            if results or ahead:
                logger.warning("resuming %s: %d of %d examples already done", out, len(results) + len(ahead),
                               len(examples))
        else:
            (out / AHEAD_FILE).unlink(missing_ok=True)  # a fresh start: nothing earlier is ours
        write_summary(out / RUN_FILE, {**fingerprint, "command": info.get("command")})
        writer = ResultsWriter(out / RESULTS_FILE, overwrite=not results)
    ahead_writer = None
    todo = [(i, examples[i]) for i in range(len(results), len(examples)) if i not in ahead]

    def finish(**flags: Any) -> dict[str, Any]:
        summary = summarize(results, judge=info["judge"], valid_only=info["valid_only"])
        summary["run"] = {**info, "finished_at": _utc_now(), "num_attacked": len(results)}
        # the identifying facts also sit at the top level, where readers of summary.json look first
        for key in ("recipe", "model", "dataset", "split", "seed", "num_examples", "query_budget"):
            summary.setdefault(key, info.get(key))
        summary["interrupted"] = bool(flags.pop("interrupted", False))
        summary.update(flags)
        if out is not None:
            write_summary(out / SUMMARY_FILE, summary)
        return summary

    def write_in_order(fresh: set[int]) -> None:
        """Every result whose turn has come: appended, fsynced, reported."""
        while len(results) in ahead:
            position = len(results)
            result = ahead.pop(position)
            results.append(result)
            if writer is not None:
                writer.write(result)
            if on_result is not None and position in fresh:
                on_result(result)

    def close_files() -> None:
        for file in (writer, ahead_writer):
            if file is not None:
                file.close()

    try:
        write_in_order(fresh=set())  # results kept ahead by an interrupted run, if their turn has come
        if todo:
            fresh: set[int] = set()
            try:
                executor.start(len(todo))  # inside: workers that did start are stopped if another cannot
                for position, result in executor.run(todo):
                    fresh.add(position)
                    ahead[position] = result
                    if position != len(results) and out is not None:  # not its turn yet: keep it durable
                        if ahead_writer is None:
                            ahead_writer = ResultsWriter(out / AHEAD_FILE)
                        ahead_writer.write(result)
                    write_in_order(fresh)
            finally:
                executor.close()  # workers stop before the summary is written
    except KeyboardInterrupt:
        logger.warning("interrupted after %d of %d examples; writing a partial summary", len(results), len(examples))
        close_files()
        finish(interrupted=True)
        raise
    except BaseException as exc:
        close_files()
        finish(aborted=f"{type(exc).__name__}: {exc}")
        raise
    close_files()
    if out is not None:
        (out / AHEAD_FILE).unlink(missing_ok=True)  # every result in it is in results.jsonl now
    return RunOutcome(results=results, summary=finish(), out_dir=out)


def _refuse_another_commands_folder(out: Path, command: str | None) -> None:
    """A folder whose ``run.json`` says another command wrote it is not ours to replace: ``baseline``
    and ``check`` overwrite their own folders on every call and must never take a user's ``run``."""
    run_file = out / RUN_FILE
    if command is None or not run_file.exists():
        return
    try:
        previous = read_summary(run_file).get("command")
    except (OSError, ValueError, AttributeError):
        return  # unreadable: _finished_results says so when it matters
    if previous is not None and previous != command:
        raise UsageError(
            f"{out} was written by `attack-recipe {previous}`; `{command}` does not replace another command's "
            "results. Pass another --out (out_dir)."
        )


def _finished_results(out: Path, fingerprint: dict[str, Any], examples: list) -> list[AttackResult]:
    """Results an earlier run with the same configuration left in ``out`` (raises if they cannot be reused)."""
    run_file = out / RUN_FILE
    if not run_file.exists():
        raise UsageError(
            f"{out} holds {RESULTS_FILE} but no {RUN_FILE}, so the configuration that wrote it is unknown; "
            "refusing to mix results. Use another --out, or --overwrite to discard them."
        )
    try:
        previous = read_summary(run_file)
        if not isinstance(previous, dict):
            raise ValueError(f"a JSON {type(previous).__name__}, not an object")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(
            f"{run_file} is unreadable ({exc}), so the configuration of the results beside it is unknown; "
            "refusing to mix results. Use another --out, or --overwrite to discard them."
        ) from None
    changed = {k: (previous.get(k), fingerprint[k]) for k in fingerprint if previous.get(k) != fingerprint[k]}
    if changed:
        lines = "; ".join(f"{k}: {old!r} there, {new!r} now" for k, (old, new) in changed.items())
        raise UsageError(
            f"{out} holds results of a different configuration ({lines}); refusing to mix them. "
            "Use another --out, or --overwrite to discard them."
        )
    drop_partial_tail(out / RESULTS_FILE)
    done = read_results(out / RESULTS_FILE)
    expected = [str(e.id) for e in examples[: len(done)]]
    if [r.example_id for r in done] != expected or len(done) > len(examples):
        raise UsageError(
            f"{out}/{RESULTS_FILE} holds {len(done)} results that are not the first examples of this dataset "
            "slice; refusing to mix them. Use another --out, or --overwrite to discard them."
        )
    return done


def _results_ahead(out: Path, examples: list, done: int) -> dict[int, AttackResult]:
    """Results an interrupted parallel run finished before an earlier example (``ahead.jsonl``, whose
    configuration is the one ``run.json`` holds), by position; only examples not done yet, matched by
    id and text."""
    path = out / AHEAD_FILE
    if not path.exists():
        return {}
    drop_partial_tail(path)
    positions: dict[str, int] = {}
    for i in range(done, len(examples)):
        positions.setdefault(str(examples[i].id), i)
    kept = {}
    for result in read_results(path):
        i = positions.get(result.example_id)
        if i is not None and result.original_text == str(examples[i].text):
            kept[i] = result
    return kept


__all__ = ["RunOutcome", "run_dataset", "AHEAD_FILE", "RESULTS_FILE", "SUMMARY_FILE", "RUN_FILE"]
