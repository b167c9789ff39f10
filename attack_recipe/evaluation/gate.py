"""Robustness regression gate: record a seeded attack's figures, later fail when the model got easier to break.

A *baseline* is a small JSON file meant to be committed next to the model's code: the run
configuration (recipe, model, dataset slice, seed, budget), the figures it produced, and the
tolerances. ``check`` reruns the same configuration (optionally against another model, e.g. the
new version) and compares:

* the gated success rate may rise by at most ``success_rate_increase`` (absolute, default 0.05);
* mean victim queries per success may fall by at most ``queries_decrease`` (relative, default 0.20).

Either breach means the model became easier to break: the verdict fails. The same seed, recipe,
victim and data give the same results, so an unchanged model passes with identical figures.

A baseline pins everything that defines the attack: recipe, ``-O`` options (``--mlm`` among them),
preset, judge and valid-only search, seed, budget, the dataset slice, the victim spec, and the
attack-recipe version. It also records what those produced, so that ``check`` can tell when it
cannot rerun the same attack: the full ``repr`` of the attack and of its validity judge, and a digest
of the examples attacked. ``check`` prepares the rerun and refuses (:class:`BaselineMismatchError`,
exit 2 on the CLI) before attacking anything if any of them differs — a changed recipe default in a
newer version, a dataset file edited since, an option the baseline cannot express. A gate that
quietly ran another attack would compare two different things and could pass or fail for nothing.

A baseline names its victim as a spec; a ``module:attr`` spec makes ``check`` import that module
and call it, so a baseline file is code in that sense: review baselines you did not write as you
would a Python file.

The gated rate is the *valid* success rate by default (successes the validity judge accepts, over
attacked examples), ``metric="success_rate"`` gates on the raw attack success rate. A baseline that
has no valid success rate — recorded before the judge existed, or with ``--no-judge`` — is gated on
the raw rate, and the verdict says so in ``notes``; a baseline from before the judge is rerun
without it, as it was recorded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .config import RunConfig, execute, prepare
from .runner import armed_attack
from .records import write_summary

BASELINE_SCHEMA = 1
#: RunConfig fields a baseline pins (out_dir/overwrite/device/batch_size do not change results).
PINNED = ("recipe", "model", "dataset", "split", "num_examples", "offset", "seed", "query_budget",
          "text_column", "label_column", "preset", "judge", "valid_only", "recipe_options",
          "example_timeout", "id_column", "order")
#: what a baseline from before the judge (or before options were pinned) ran with: the fields it lacks
_OLDER_DEFAULTS = {"judge": False, "valid_only": False, "recipe_options": (), "example_timeout": None,
                   "order": "constraints-first"}
COMPARED = ("valid_success_rate", "attack_success_rate", "valid_share", "mean_queries_per_success",
            "median_queries_per_success", "accuracy_under_attack", "succeeded", "failed", "skipped", "errors")


#: ``--metric`` name -> summary key of the rate the gate compares
METRICS = {"valid_success_rate": "valid_success_rate", "success_rate": "attack_success_rate"}
DEFAULT_METRIC = "valid_success_rate"


@dataclass(frozen=True)
class Tolerances:
    success_rate_increase: float = 0.05  # absolute, e.g. 0.40 -> 0.45 still passes
    queries_decrease: float = 0.20  # relative, e.g. 100 -> 80 queries per success still passes

    def __post_init__(self) -> None:
        for name in ("success_rate_increase", "queries_decrease"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise UsageError(f"tolerance {name} must be in [0, 1], got {value}")


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: tuple[str, ...]
    baseline: dict[str, Any]
    current: dict[str, Any]
    tolerances: Tolerances = field(default_factory=Tolerances)
    #: the summary key whose rise was gated, and why it is not the one asked for (if it is not)
    metric: str = METRICS[DEFAULT_METRIC]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "reasons": list(self.reasons), "baseline": self.baseline,
                "current": self.current, "tolerances": dataclasses.asdict(self.tolerances),
                "metric": self.metric, "notes": list(self.notes)}

    def table(self) -> str:
        """Plain-text side-by-side table (also what a pytest assertion shows)."""
        rows = [("figure", "baseline", "now")]
        for key in COMPARED:
            rows.append((key, _fmt(self.baseline.get(key)), _fmt(self.current.get(key))))
        width = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = ["  ".join(cell.ljust(width[i]) for i, cell in enumerate(row)) for row in rows]
        lines.insert(1, "  ".join("-" * w for w in width))
        status = "PASSED" if self.passed else "FAILED: " + "; ".join(self.reasons)
        notes = [f"note: {n}" for n in self.notes]
        return "\n".join(lines + notes + [f"robustness gate {status} (gated on {self.metric})"])


class BaselineMismatchError(UsageError):
    """``check`` cannot rerun the attack a baseline recorded (another attack, judge or dataset)."""


def examples_digest(examples) -> str:
    """SHA-256 over the attacked examples' ids, texts and labels: same digest, same data slice."""
    h = hashlib.sha256()
    for e in examples:
        h.update(json.dumps([str(e.id), str(e.text), str(e.label)], ensure_ascii=False).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def record_baseline(config: RunConfig, path: str | os.PathLike, tolerances: Tolerances = Tolerances()) -> dict:
    """Run ``config`` and write its figures as a baseline file; returns the baseline dict.

    ``valid_only`` is pinned as resolved (the recipe's default then), so a later change of that
    default does not change what ``check`` reruns; so is the candidate ``order`` ("auto" measures
    costs, and the other order spends other numbers of queries per success)."""
    from .. import __version__

    config = dataclasses.replace(config, out_dir=config.out_dir or str(gate_out_dir(path, "baseline")),
                                 overwrite=True, validity=False)
    prepared = prepare(config)
    attack = armed_attack(prepared)
    outcome = execute(prepared, command="baseline")
    base_dir = Path(path).resolve().parent
    pinned = {k: getattr(config, k) for k in PINNED} | {"valid_only": config.resolved_valid_only,
                                                         "order": attack.order}
    pinned["recipe_options"] = [list(pair) for pair in config.recipe_options]
    pinned["model"] = _portable(config.model_name if config.model is not None else None, base_dir)
    pinned["dataset"] = _portable(config.dataset, base_dir)
    baseline = {
        "schema": BASELINE_SCHEMA,
        "config": pinned,
        "figures": {k: outcome.summary.get(k) for k in COMPARED},
        "tolerances": dataclasses.asdict(tolerances),
        "attack": repr(attack),
        "judge_rules": _judge_rules(attack),
        "victim": getattr(prepared.victim, "name", type(prepared.victim).__name__),
        "examples": {"count": len(prepared.examples), "digest": examples_digest(prepared.examples)},
        "package_version": __version__,
        **({"model_object": config.model_name} if not isinstance(config.model, (str, type(None))) else {}),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_summary(path, baseline)
    return baseline


def load_baseline(path: str | os.PathLike) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"baseline file {path} does not exist; record one with `attack-recipe baseline`") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"baseline file {path} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA or "config" not in data:
        raise UsageError(f"{path} is not an attack-recipe baseline (schema {BASELINE_SCHEMA} expected)")
    unknown = set(data["config"]) - set(PINNED)
    if unknown:
        raise UsageError(f"{path}: unknown config fields {sorted(unknown)}")
    return data


def gated_metric(baseline: dict[str, Any], metric: str = DEFAULT_METRIC) -> tuple[str, tuple[str, ...]]:
    """The summary key to gate on for ``metric`` (a :data:`METRICS` name) and notes on a fallback:
    a baseline without a valid success rate is gated on the raw attack success rate."""
    if metric not in METRICS:
        raise UsageError(f"unknown gate metric {metric!r}; choose one of {', '.join(METRICS)}")
    key = METRICS[metric]
    if key == "valid_success_rate" and baseline.get(key) is None:
        return "attack_success_rate", (
            "the baseline has no valid_success_rate (recorded before the validity judge, or with --no-judge): "
            "gating on attack_success_rate instead; record a new baseline to gate on the valid success rate",)
    return key, ()


def compare(baseline: dict[str, Any], current: dict[str, Any], tolerances: Tolerances,
            metric: str = DEFAULT_METRIC, notes: tuple[str, ...] = ()) -> Verdict:
    """Pure comparison of two figure dicts under ``tolerances``, gating on ``metric``'s rate."""
    key, fallback = gated_metric(baseline, metric)
    reasons = []
    b_rate, c_rate = baseline.get(key), current.get(key)
    if c_rate is not None and (b_rate or 0.0) + tolerances.success_rate_increase < c_rate:
        reasons.append(f"{key.replace('_', ' ')} rose from {_fmt(b_rate)} to {_fmt(c_rate)} "
                       f"(tolerance +{tolerances.success_rate_increase})")
    b_q, c_q = baseline.get("mean_queries_per_success"), current.get("mean_queries_per_success")
    if b_q and c_q is not None and c_q < b_q * (1 - tolerances.queries_decrease):
        reasons.append(f"queries per success fell from {_fmt(b_q)} to {_fmt(c_q)} "
                       f"(tolerance -{tolerances.queries_decrease:.0%})")
    return Verdict(not reasons, tuple(reasons), baseline, current, tolerances, key, (*notes, *fallback))


def check_robustness(baseline_path: str | os.PathLike, *, model: Any = None,
                     out_dir: str | None = None, tolerances: Tolerances | None = None,
                     metric: str = DEFAULT_METRIC) -> Verdict:
    """Rerun a baseline's configuration (against ``model`` if given) and compare; never raises on a breach.

    Usable from another project's tests::

        def test_classifier_is_not_easier_to_break():
            verdict = check_robustness("tests/robustness-baseline.json", model="path/to/new/model")
            assert verdict.passed, verdict.table()
    """
    data = load_baseline(baseline_path)
    gated_metric(data["figures"], metric)  # an unknown metric fails before the run
    fields = rerun_fields(data, baseline_path)
    if model is not None:
        fields["model"] = model
    elif data.get("model_object"):
        raise UsageError(f"{baseline_path} was recorded against a Python victim object ({data['model_object']}), "
                         "which a file cannot name: pass model= (the victim to check)")
    tol = tolerances or Tolerances(**data.get("tolerances", {}))
    config = RunConfig(**fields, out_dir=out_dir or str(gate_out_dir(baseline_path, "check")), overwrite=True,
                       validity=False)
    prepared = prepare(config)
    refuse_unreproducible(data, prepared, baseline_path)
    outcome = execute(prepared, command="check")
    current = {k: outcome.summary.get(k) for k in COMPARED}
    notes = ("the baseline predates the validity judge: rerun without it, as recorded",) \
        if "judge" not in data["config"] else ()
    return compare(data["figures"], current, tol, metric, notes)


def refuse_unreproducible(data: dict, prepared, baseline_path: str | os.PathLike) -> None:
    """Raise :class:`BaselineMismatchError` when the prepared rerun is not the attack the baseline
    recorded: its attack or judge ``repr`` or its examples differ. Fields a baseline does not hold
    (older baselines) are not compared."""
    from .. import __version__

    recorded_version = data.get("package_version")
    version = (f"; the baseline was recorded with attack-recipe {recorded_version}, this is {__version__}"
               if recorded_version and recorded_version != __version__ else "")
    advice = f"Record a new baseline (`attack-recipe baseline ... --baseline {baseline_path}`) if the change is intended."
    attack = armed_attack(prepared)
    problems = []
    if data.get("attack") is not None and data["attack"] != repr(attack):
        problems.append("the attack differs:\n" + _first_difference(data["attack"], repr(attack)))
    judge = _judge_rules(attack)
    if "judge_rules" in data and data["judge_rules"] != judge:
        problems.append("the validity judge differs:\n" + _first_difference(str(data["judge_rules"]), str(judge)))
    recorded = data.get("examples")
    if recorded is not None:
        digest = examples_digest(prepared.examples)
        if recorded.get("count") != len(prepared.examples) or recorded.get("digest") != digest:
            problems.append(f"the examples differ: {recorded.get('count')} recorded, {len(prepared.examples)} now, "
                            "and their ids, texts or labels are not the same (was the dataset file edited?)")
    if problems:
        raise BaselineMismatchError(
            f"cannot reproduce the attack recorded in {baseline_path}{version}: " + "; ".join(problems) + "\n" + advice)


def _judge_rules(attack) -> str | None:
    """The attack's judge as its rules (not the victim's class names, which a checked model may name
    differently), None without a judge."""
    judge = getattr(attack, "judge", None)
    return None if judge is None else getattr(judge, "rules", repr(judge))


def _first_difference(recorded: str, now: str, context: int = 60) -> str:
    """Both strings around their first differing character, so a long repr's change is visible."""
    i = next((k for k, (a, b) in enumerate(zip(recorded, now)) if a != b), min(len(recorded), len(now)))
    start = max(0, i - context)
    cut = lambda text: ("…" if start else "") + text[start:i + context] + ("…" if len(text) > i + context else "")  # noqa: E731
    return f"  recorded: {cut(recorded)}\n  now:      {cut(now)}"


def rerun_fields(data: dict, baseline_path: str | os.PathLike | None = None) -> dict[str, Any]:
    """The RunConfig fields a baseline pins; one from before the judge reruns without it. Relative
    local paths (dataset, model) are read relative to the baseline file, where they were written."""
    fields = {**_OLDER_DEFAULTS, **data["config"]}
    fields["recipe_options"] = tuple(tuple(pair) for pair in fields["recipe_options"] or ())
    if baseline_path is not None:
        base_dir = Path(baseline_path).resolve().parent
        for key in ("dataset", "model"):
            value = fields.get(key)
            if isinstance(value, str) and not Path(value).is_absolute() and (base_dir / value).exists():
                fields[key] = str(base_dir / value)
    return fields


def gate_out_dir(baseline_path: str | os.PathLike, command: str) -> Path:
    """Where ``baseline`` / ``check`` write their run when not told: ``runs/gate-<file stem>-<command>``,
    a folder of their own, so a gate run never replaces the results of ``attack-recipe run``."""
    from .config import sanitise

    return Path("runs") / f"gate-{sanitise(Path(baseline_path).stem)}-{command}"


def _portable(value: str | None, base_dir: Path) -> str | None:
    """A local path as relative to the baseline file's folder (so ``check`` works from any folder
    and on another machine with the same layout); names, ids and URLs unchanged."""
    if not isinstance(value, str) or "://" in value or not Path(value).expanduser().exists():
        return value
    return os.path.relpath(Path(value).expanduser().resolve(), base_dir)


def assert_robust(baseline_path: str | os.PathLike, **kwargs) -> Verdict:
    """pytest helper: ``AssertionError`` with the side-by-side table when the gate fails.

    ``kwargs`` are :func:`check_robustness`'s: ``model`` (a spec or a Victim object: the model to
    check, default the baseline's), ``out_dir`` (default ``runs/gate-<baseline stem>-check``),
    ``tolerances`` (default the baseline's) and ``metric`` ("valid_success_rate" or "success_rate")."""
    verdict = check_robustness(baseline_path, **kwargs)
    if not verdict.passed:
        raise AssertionError("model became easier to break:\n" + verdict.table())
    return verdict
