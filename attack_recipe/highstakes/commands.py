"""What ``calibrate``, ``estimate`` and ``augment`` do, as functions the CLI and Python code share.

Each returns plain data (what the CLI prints as tables or ``--json``) and writes its files; the
CLI only parses options and prints. ``harden`` lives in :mod:`.harden`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Sequence

from ..errors import UsageError

logger = logging.getLogger(__name__)

#: the built-in filter's data when no model is given: calibrate on validation, estimate on test
BUILTIN_DATASET = "tweets"


def _data(model, dataset: str | None, split: str | None, default_split: str) -> tuple[str, str | None]:
    if dataset is None:
        if model is not None:
            raise UsageError("--dataset is required with --model (a labelled .csv/.jsonl file, a built-in name "
                             "or a Hugging Face dataset id)")
        return BUILTIN_DATASET, split or default_split
    return dataset, split  # None: the loader's default (a local file is read whole)


def calibrate_filter(*, model=None, dataset: str | None = None, split: str | None = None, unsafe_class=None,
                     max_flag_rate: float | None = None, min_recall: float | None = None, confidence: float = 0.95,
                     out: str | Path = "threshold.json", plot: str | Path | None = None,
                     num_examples: int | None = None, text_column: str | None = None,
                     label_column: str | None = None) -> dict[str, Any]:
    """Score the labelled data, choose the threshold, write the threshold file and its plot."""
    from ..models.loading import load_victim
    from .calibration import calibrate
    from .labelled import load_labelled, scores, unsafe_index
    from .plots import plot_calibration
    from .threshold_file import write_threshold_file

    if max_flag_rate is None and min_recall is None:
        raise UsageError("give --max-flag-rate R (the share of safe inputs you accept to flag) or --min-recall X")
    dataset, split = _data(model, dataset, split, "validation")
    victim = load_victim(model)
    index = unsafe_index(victim, unsafe_class)
    data = load_labelled(victim, dataset, split, num_examples=num_examples, text_column=text_column,
                         label_column=label_column)
    result = calibrate(scores(victim, data.texts, index), [y == index for y in data.labels],
                       max_flag_rate=max_flag_rate, min_recall=min_recall, confidence=confidence)
    body = write_threshold_file(out, result, unsafe_class=victim.labels[index], unsafe_index=index,
                                labels=victim.labels, model=victim.name,
                                data={"dataset": data.name, "split": data.split, "examples": len(data),
                                      "left_out": data.left_out})
    plot_path = Path(plot) if plot else Path(out).with_suffix(".png")
    plot_calibration(body, plot_path)
    return {**body, "out": str(out), "plot": str(plot_path)}


def estimate_filter(*, model=None, threshold_file: str | Path, dataset: str | None = None, split: str | None = None,
                    confidence: float = 0.95, recipes: Sequence[str] = (), attack_examples: int = 20,
                    out_dir: str | Path | None = None, seed: int = 0, query_budget: int | None = 2000,
                    example_timeout: float | None = 120.0, judge: bool = True, num_examples: int | None = None,
                    text_column: str | None = None, label_column: str | None = None, overwrite: bool = False,
                    on_recipe: Callable[[str, int], None] | None = None) -> dict[str, Any]:
    """The failure rate at the file's threshold, and each recipe's effort per valid adversarial example."""
    from ..evaluation.config import sanitise
    from ..evaluation.records import write_summary
    from ..models.loading import load_victim
    from .attacking import ThresholdAttacker, flagged_targets, parse_recipes
    from .estimate import comparison, effort, estimate_failure_rate
    from .labelled import load_labelled, scores
    from .threshold_file import read_threshold_file

    spec = read_threshold_file(threshold_file)
    recipes = parse_recipes(recipes) if recipes else []
    dataset, split = _data(model, dataset, split, "test")
    victim = load_victim(model)
    index = spec.index_for(victim)
    data = load_labelled(victim, dataset, split, num_examples=num_examples, text_column=text_column,
                         label_column=label_column)
    unsafe = data.where([y == index for y in data.labels])
    estimate = estimate_failure_rate(scores(victim, unsafe.texts, index), spec.threshold, total=len(data),
                                     confidence=confidence)
    body: dict[str, Any] = {**estimate.to_dict(), "unsafe_class": spec.unsafe_class, "model": victim.name,
                            "threshold_file": str(spec.path),
                            "data": {"dataset": data.name, "split": data.split, "examples": len(data),
                                     "left_out": data.left_out},
                            "attacks": []}
    out = Path(out_dir or Path("runs") / f"estimate-{sanitise(victim.name)}-{sanitise(data.name)}")
    if recipes:
        targets = flagged_targets(victim, unsafe, index, spec.threshold, limit=attack_examples, seed=seed)
        if not targets:
            logger.warning("the filter flags none of the unsafe inputs: nothing to attack")
        else:
            attacker = ThresholdAttacker(victim, spec.threshold, index, judge=judge, seed=seed,
                                         query_budget=query_budget, time_limit=example_timeout or None,
                                         command="estimate")
            efforts = []
            for recipe in recipes:
                if on_recipe:
                    on_recipe(recipe, len(targets))
                run = attacker.attack(recipe, targets, out / recipe, overwrite=overwrite)
                efforts.append(effort(recipe, run.results, judged=run.judged))
            body["attacks"] = comparison(estimate, efforts)
        body["out"] = str(out)
        write_summary(out / "estimate.json", body)
    return body


def augment_dataset(*, recipe: str, dataset: str, split: str | None = None, out: str | Path, copies: int = 2,
                    pct_words: float = 0.1, seed: int = 0, judge: bool = True, num_examples: int | None = None,
                    offset: int = 0, text_column: str | None = None, label_column: str | None = None,
                    on_example: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Write perturbed, judged-valid copies of ``dataset`` to ``out`` (.jsonl or .csv)."""
    from ..resources.datasets import load_dataset_examples
    from .adversarial_file import write_jsonl
    from .augment import augment

    out = Path(out)
    if out.suffix.lower() not in (".jsonl", ".csv"):
        raise UsageError(f"--out {out}: write a .jsonl or a .csv file")
    loaded = load_dataset_examples(dataset, split, text_column=text_column, label_column=label_column,
                                   num_examples=num_examples, offset=offset)
    if not loaded.examples:
        raise UsageError(f"dataset {dataset!r} has no rows to augment")
    records, stats = augment(recipe, loaded.examples, label_names=getattr(loaded, "label_names", None), copies=copies,
                             pct_words=pct_words, seed=seed, judge=judge, on_example=on_example)
    if out.suffix.lower() == ".csv":
        _write_csv(out, records)
    else:
        write_jsonl(out, records)
    return {"out": str(out), "recipe": recipe, "dataset": loaded.name, "split": loaded.split, **stats.to_dict()}


def _write_csv(path: Path, records) -> None:
    import csv
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "source_id", "text", "label", "original", "recipe"])
            for r in records:
                writer.writerow([r["id"], r["source_id"], r["text"], r["label"], r["original"], r["recipe"]])
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
