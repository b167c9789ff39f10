"""Adversarial training in rounds (Ziegler et al. 2022, section 4), resumable round by round.

Round 0 measures the model as given; each later round first trains on everything found so far.
Every round, in its own folder ``round-<i>/``:

1. ``model/`` (or ``model.joblib``) + ``training.json`` — rounds >= 1 only: the previous round's
   victim trained on a fixed clean sample of the training data plus every adversarial example found
   in earlier rounds (and ``--extra-adversarial``, e.g. the studio's), each repeated
   ``adversarial_repeats`` times, labelled unsafe (:mod:`.trainers`);
2. ``threshold.json`` + ``calibration.png`` — the threshold re-calibrated for this model;
3. ``estimate.json`` — clean accuracy, flag rate on safe and the in-distribution failure rate on the
   evaluation data;
4. ``targets.jsonl`` and ``attacks/<recipe>/`` — fresh unsafe training inputs the model flags, attacked
   at the threshold by each recipe (harness run folders: a killed run resumes inside a recipe); with
   ``paraphrase_previous``, also ``attacks/paraphrase-previous/``: the paraphrase recipe on earlier
   rounds' adversarial examples that the model now flags;
5. ``adversarial.jsonl`` — the successes the validity judge accepts (or, with ``review``, the ones a
   person accepted in ``reviewed.jsonl``), labelled unsafe;
6. ``figures.json`` — the round's row of the table; written last, it marks the round as done.

A killed run restarts at the first missing file. ``harden.json`` holds the configuration; a
different one in the same folder is refused unless ``overwrite``. ``summary.json``, ``report.html``
and ``rounds.png`` hold the round table and the cross-round matrix (:mod:`.rounds`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import UsageError

logger = logging.getLogger(__name__)

CONFIG_FILE = "harden.json"
#: the folder and table name of the paraphrase adversary on earlier rounds' adversarial examples
PARAPHRASE_PREVIOUS = "paraphrase-previous"
SUMMARY_FILE = "summary.json"


@dataclass(frozen=True)
class DataSpec:
    """A labelled dataset as the CLI names it: spec, split, slice and columns."""

    dataset: str
    split: str | None = None
    num_examples: int | None = None
    text_column: str | None = None
    label_column: str | None = None

    def load(self, victim):
        from .labelled import load_labelled

        return load_labelled(victim, self.dataset, self.split, num_examples=self.num_examples,
                             text_column=self.text_column, label_column=self.label_column)


#: the built-in filter: the built-in sentiment victim read as a filter whose unsafe class is "negative"
BUILTIN_TRAIN = DataSpec("tweets", "train")
BUILTIN_EVAL = DataSpec("tweets", "test")
BUILTIN_CALIBRATION = DataSpec("tweets", "validation")


@dataclass(frozen=True)
class HardenConfig:
    model: Any = None  # a victim spec or a Victim; None: the built-in filter (with the built-in data)
    train: DataSpec | None = None
    eval: DataSpec | None = None
    calibration: DataSpec | None = None  # None: calibrate on the evaluation data
    unsafe_class: str | None = None
    max_flag_rate: float | None = None
    min_recall: float | None = None
    rounds: int = 2
    recipes: tuple[str, ...] = ("deepwordbug", "textfooler")
    attack_examples: int = 100  # unsafe training inputs attacked per recipe per round
    train_examples: int = 2000  # clean training sample mixed into every round's training data
    adversarial_repeats: int = 3
    seed: int = 0
    query_budget: int | None = 2000
    example_timeout: float | None = 120.0
    confidence: float = 0.95
    judge: bool = True
    review: bool = False
    extra_adversarial: str | None = None
    #: rounds >= 1 also run the paraphrase recipe on earlier rounds' adversarial examples the model
    #: still flags (Redwood's "paraphrase the earlier adversarial examples" adversary)
    paraphrase_previous: bool = False
    #: recipe factory options, as (recipe, name, value) triples (e.g. a paraphrase generator)
    recipe_options: tuple[tuple[str, str, Any], ...] = ()
    fine_tune: tuple[tuple[str, Any], ...] = ()  # fine-tuning options (models/fine_tuning.DEFAULTS)
    out_dir: str = "runs/harden"
    overwrite: bool = False

    def resolved(self) -> "HardenConfig":
        """Fill the built-in filter's defaults and check what can be checked before loading anything."""
        changes: dict[str, Any] = {}
        if self.model is None:
            changes.update(train=self.train or BUILTIN_TRAIN, eval=self.eval or BUILTIN_EVAL,
                           calibration=self.calibration or (None if self.eval else BUILTIN_CALIBRATION))
        elif self.train is None or self.eval is None:
            raise UsageError("--train and --eval are required with --model (labelled .csv/.jsonl files, "
                             "built-in names or hub datasets)")
        if self.max_flag_rate is None and self.min_recall is None:
            changes["max_flag_rate"] = 0.25
        for name, low in (("rounds", 1), ("attack_examples", 1), ("train_examples", 0), ("adversarial_repeats", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise UsageError(f"{name} must be an integer >= {low}, got {value!r}")
        if not self.recipes:
            raise UsageError("name at least one recipe (--recipes textfooler,deepwordbug)")
        return dataclasses.replace(self, **changes)

    def fingerprint(self) -> dict[str, Any]:
        """What defines the rounds' results (not where they go or whether to overwrite)."""
        data = dataclasses.asdict(self)
        data.pop("out_dir")
        data.pop("overwrite")
        data["model"] = None if self.model is None else (self.model if isinstance(self.model, str)
                                                         else getattr(self.model, "name", repr(self.model)))
        data["recipes"] = list(self.recipes)
        data["fine_tune"] = [list(p) for p in self.fine_tune]
        data["recipe_options"] = [list(p) for p in self.recipe_options]
        return json.loads(json.dumps(data, default=str))


@dataclass
class RoundState:
    """One round's victim, threshold and adversarial examples, kept for the cross-round matrix."""

    index: int
    victim: Any
    threshold: float
    unsafe_index: int
    adversarial: list[dict[str, Any]] = field(default_factory=list)
    row: dict[str, Any] = field(default_factory=dict)


def round_dir(out: Path, index: int) -> Path:
    return out / f"round-{index}"


def harden(config: HardenConfig, *, echo: Callable[[str], None] = logger.info,
           review_poll_seconds: float = 5.0) -> dict[str, Any]:
    """Run (or resume) every round; returns the summary (also written to ``summary.json``)."""
    from ..evaluation.run_lock import RunFolderLock

    config = config.resolved()
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with RunFolderLock(out):
        _check_folder(out, config)
        return _Rounds(config, out, echo, review_poll_seconds).run()


def _check_folder(out: Path, config: HardenConfig) -> None:
    from ..evaluation.records import write_summary

    path = out / CONFIG_FILE
    fingerprint = config.fingerprint()
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            if not config.overwrite:
                raise UsageError(f"{path} is unreadable ({exc}); pass --overwrite to start the rounds afresh") from None
            previous = None
        if config.overwrite:
            _clear(out)  # a folder harden wrote (it holds harden.json): start afresh
        elif previous != fingerprint:
            changed = sorted(k for k in set(previous) | set(fingerprint) if previous.get(k) != fingerprint.get(k))
            raise UsageError(f"{out} holds hardening rounds with another configuration (differs in: "
                             f"{', '.join(changed)}); pass --overwrite to start afresh, or another --out")
    elif not _only_lock(out):
        # never cleared, even with --overwrite: it may be anyone's folder (runs/, the project itself)
        raise UsageError(f"{out} is not empty and holds no hardening rounds ({CONFIG_FILE}); choose another --out")
    write_summary(path, fingerprint)


def _only_lock(out: Path) -> bool:
    return all(p.name == ".lock" for p in out.iterdir())


def _clear(out: Path) -> None:
    for p in out.iterdir():
        if p.name == ".lock":
            continue
        shutil.rmtree(p) if p.is_dir() else p.unlink()


def _round_seed(seed: int, index: int, what: str) -> int:
    return zlib.crc32(f"{seed}:{index}:{what}".encode()) & 0x7FFFFFFF


class _Rounds:
    """The loop of :func:`harden` with what every round shares (data, trainer, earlier rounds)."""

    def __init__(self, config: HardenConfig, out: Path, echo, poll: float):
        self.config, self.out, self.echo, self.poll = config, out, echo, poll
        self.rounds: list[RoundState] = []

    def run(self) -> dict[str, Any]:
        from ..models.loading import load_victim
        from .labelled import unsafe_index
        from .trainers import trainer_for

        cfg = self.config
        start = load_victim(cfg.model)
        self.unsafe = unsafe_index(start, cfg.unsafe_class)
        self.unsafe_name = start.labels[self.unsafe]
        self.trainer = trainer_for(start, dict(cfg.fine_tune))
        self.train = cfg.train.load(start)
        self.eval = cfg.eval.load(start)
        self.calibration = cfg.calibration.load(start) if cfg.calibration else self.eval
        self.extra = self._extra_adversarial(start)
        self.clean = self._clean_sample()
        victim = start
        for index in range(cfg.rounds + 1):
            folder = round_dir(self.out, index)
            folder.mkdir(parents=True, exist_ok=True)
            if index > 0:
                victim = self._train(index, victim, folder)
            self.rounds.append(self._measure(index, victim, folder))
            self._write_summary()
        return self._write_summary(final=True)

    # ------------------------------------------------------------------ data
    def _extra_adversarial(self, victim) -> list[dict[str, Any]]:
        if not self.config.extra_adversarial:
            return []
        from .adversarial_file import read_adversarial

        records = read_adversarial(self.config.extra_adversarial, victim)
        self.echo(f"{len(records)} extra adversarial example(s) from {self.config.extra_adversarial}")
        return records

    def _clean_sample(self) -> tuple[list[str], list[int]]:
        import numpy as np

        n = min(self.config.train_examples, len(self.train))
        rows = np.random.default_rng(_round_seed(self.config.seed, 0, "clean")).permutation(len(self.train))[:n]
        return [self.train.texts[i] for i in rows], [self.train.labels[i] for i in rows]

    def _training_data(self, index: int) -> tuple[list[str], list[int], int]:
        texts, labels = list(self.clean[0]), list(self.clean[1])
        adversarial = [(r["text"], r["label_index"]) for r in self.extra]
        for state in self.rounds[:index]:
            adversarial += [(r["text"], self.unsafe) for r in state.adversarial]
        for _ in range(self.config.adversarial_repeats):
            texts += [t for t, _ in adversarial]
            labels += [y for _, y in adversarial]
        return texts, labels, len(adversarial)

    # ------------------------------------------------------------------ stages
    def _train(self, index: int, previous, folder: Path):
        texts, labels, adversarial = self._training_data(index)
        seed = _round_seed(self.config.seed, index, "train")
        if self.trainer.saved(folder):
            self.echo(f"round {index}: loading the model trained before ({folder})")
            return self.trainer.load(previous, texts, labels, seed=seed, folder=folder)
        self.echo(f"round {index}: training on {len(texts)} examples ({adversarial} adversarial, "
                  f"x{self.config.adversarial_repeats})")
        return self.trainer.fit(previous, texts, labels, seed=seed, folder=folder)

    def _measure(self, index: int, victim, folder: Path) -> RoundState:
        from ..evaluation.records import read_summary, write_summary
        from .rounds import round_row

        threshold = self._calibrate(index, victim, folder)
        state = RoundState(index, victim, threshold, self.unsafe)
        figures_path = folder / "figures.json"
        if figures_path.exists() and (folder / "adversarial.jsonl").exists():  # a finished round
            state.adversarial = self._adversarial(index, folder, None, victim)
            state.row = read_summary(figures_path)
            self.echo(f"round {index}: done before ({figures_path})")
            return state
        estimate = self._estimate(index, victim, folder, threshold)
        runs = self._attack(index, victim, folder, threshold)
        state.adversarial = self._adversarial(index, folder, runs, victim)
        training = read_summary(folder / "training.json") if (folder / "training.json").exists() else None
        state.row = round_row(index, folder, threshold, estimate, runs, len(state.adversarial), training)
        write_summary(figures_path, state.row)  # last: marks the round done
        return state

    def _calibrate(self, index: int, victim, folder: Path) -> float:
        from .calibration import calibrate
        from .labelled import scores
        from .plots import plot_calibration
        from .threshold_file import read_threshold_file, write_threshold_file

        path = folder / "threshold.json"
        if path.exists():
            return read_threshold_file(path).threshold
        cfg = self.config
        data = self.calibration
        result = calibrate(scores(victim, data.texts, self.unsafe), [y == self.unsafe for y in data.labels],
                           max_flag_rate=cfg.max_flag_rate, min_recall=cfg.min_recall, confidence=cfg.confidence)
        body = write_threshold_file(path, result, unsafe_class=self.unsafe_name, unsafe_index=self.unsafe,
                                    labels=victim.labels, model=victim.name,
                                    data={"dataset": data.name, "split": data.split, "examples": len(data)})
        plot_calibration(body, folder / "calibration.png")
        chosen = result.chosen
        self.echo(f"round {index}: threshold {result.threshold:.4g} on P({self.unsafe_name}) "
                  f"(flag rate on safe {chosen.flag_rate:.3f}, recall on unsafe {chosen.recall:.3f}, {data.describe()})")
        return result.threshold

    def _estimate(self, index: int, victim, folder: Path, threshold: float) -> dict[str, Any]:
        from ..evaluation.records import read_summary, write_summary
        from .binomial import clopper_pearson
        from .estimate import estimate_failure_rate
        from .labelled import accuracy, scores

        path = folder / "estimate.json"
        if path.exists():
            return read_summary(path)
        data = self.eval
        p = scores(victim, data.texts, self.unsafe)
        is_unsafe = [y == self.unsafe for y in data.labels]
        safe_p = [s for s, u in zip(p, is_unsafe) if not u]
        flagged_safe = sum(1 for s in safe_p if s >= threshold)
        estimate = estimate_failure_rate([s for s, u in zip(p, is_unsafe) if u], threshold, total=len(data),
                                         confidence=self.config.confidence)
        body = {"clean_accuracy": round(accuracy(victim, data), 6),
                "flag_rate_safe": round(flagged_safe / len(safe_p), 6) if safe_p else None,
                "flag_rate_interval": [round(x, 6) for x in clopper_pearson(flagged_safe, len(safe_p), self.config.confidence)],
                "data": {"dataset": data.name, "split": data.split, "examples": len(data)},
                **estimate.to_dict()}
        write_summary(path, body)
        self.echo(f"round {index}: failure rate {body['failures']}/{body['samples']} = {body['failure_rate']:.4f} "
                  f"[{body['interval'][0]:.4f}, {body['interval'][1]:.4f}], clean accuracy {body['clean_accuracy']:.3f}")
        return body

    def _targets(self, index: int, victim, folder: Path, threshold: float):
        from .adversarial_file import read_jsonl, write_jsonl
        from .attacking import Target, flagged_targets

        path = folder / "targets.jsonl"
        if path.exists():
            return [Target(r["id"], r["text"], int(r["label"])) for r in read_jsonl(path, what="targets file")]
        targets = flagged_targets(victim, self.train, self.unsafe, threshold, limit=self.config.attack_examples,
                                  seed=_round_seed(self.config.seed, index, "targets"))
        if not targets:
            raise UsageError(f"round {index}: the model flags none of the unsafe training inputs at threshold "
                             f"{threshold:.4g}: nothing to attack")
        write_jsonl(path, [t._asdict() for t in targets])
        return targets

    def _attack(self, index: int, victim, folder: Path, threshold: float) -> list:
        from .attacking import ThresholdAttacker

        cfg = self.config
        targets = self._targets(index, victim, folder, threshold)
        attacker = ThresholdAttacker(victim, threshold, self.unsafe, judge=cfg.judge, seed=cfg.seed,
                                     query_budget=cfg.query_budget, time_limit=cfg.example_timeout or None)
        jobs = [(recipe, recipe, targets) for recipe in cfg.recipes]
        if cfg.paraphrase_previous and index > 0:
            jobs.append(("paraphrase", PARAPHRASE_PREVIOUS, self._previous_targets(index, victim, threshold)))
        runs = []
        for recipe, name, group in jobs:
            if not group:
                self.echo(f"round {index}: {name}: nothing to attack")
                continue
            self.echo(f"round {index}: {name} on {len(group)} flagged unsafe inputs")
            options = {k: v for r, k, v in cfg.recipe_options if r == recipe}
            run = attacker.attack(recipe, group, folder / "attacks" / name, run_info={"round": index},
                                  options=options)
            run.recipe = name
            s = run.summary
            self.echo(f"round {index}: {name}: {s['succeeded']} successes, "
                      f"{s.get('valid_successes') if run.judged else 'unjudged'} valid, of {s['succeeded'] + s['failed']} attacked")
            runs.append(run)
        return runs

    def _previous_targets(self, index: int, victim, threshold: float):
        """Earlier rounds' adversarial texts that this round's model flags (training on them usually
        made it flag them), as the starting points of the paraphrase adversary."""
        from .attacking import Target
        from .labelled import scores

        earlier = [(f"round{s.index}-{r['id']}", r["text"]) for s in self.rounds[:index] for r in s.adversarial]
        if not earlier:
            return []
        p = scores(victim, [t for _, t in earlier], self.unsafe)
        flagged = [Target(i, t, self.unsafe) for (i, t), s in zip(earlier, p) if s >= threshold]
        return flagged[: self.config.attack_examples]

    def _adversarial(self, index: int, folder: Path, runs, victim) -> list[dict[str, Any]]:
        from .adversarial_file import read_jsonl, write_jsonl
        from .attacking import valid_successes

        path = folder / "adversarial.jsonl"
        if path.exists():
            return [{k: v for k, v in r.items() if k != "_line"} for r in read_jsonl(path, what="adversarial file")]
        if self.config.review:
            records = self._reviewed(index, folder, runs, victim)
        else:
            records = [r for run in runs for r in valid_successes(run, victim.labels)]
        write_jsonl(path, records)
        return records

    def _reviewed(self, index: int, folder: Path, runs, victim) -> list[dict[str, Any]]:
        """Write every success for a person to accept or reject, wait for the reviewed file, keep the accepted."""
        from ..attacks.results import Status
        from .adversarial_file import read_jsonl, write_jsonl

        review, reviewed = folder / "review.jsonl", folder / "reviewed.jsonl"
        if not review.exists():
            candidates = [{"id": r.example_id, "recipe": run.recipe, "original": r.original_text,
                           "text": r.perturbed_text, "label": victim.labels[r.label], "judgement": r.judgement,
                           "accept": None}
                          for run in runs for r in run.results if Status(r.status) is Status.SUCCEEDED]
            write_jsonl(review, candidates)
        if not reviewed.exists():
            self.echo(f"round {index}: review {review}: set \"accept\" to true for each text that is still "
                      f"{self.unsafe_name} and reads naturally, false otherwise, and save it as {reviewed}. "
                      "Waiting for that file (Ctrl-C is safe: rerun the same command to continue).")
            while not reviewed.exists():
                time.sleep(self.poll)
        records = read_jsonl(reviewed, what="reviewed file")
        for r in records:
            if not isinstance(r.get("accept"), bool):
                raise UsageError(f"reviewed file {reviewed}, line {r['_line']}: \"accept\" must be true or false, "
                                 f"got {r.get('accept')!r}")
        return [{k: v for k, v in r.items() if k not in ("_line", "accept")} | {"reviewed": True}
                for r in records if r["accept"]]

    # ------------------------------------------------------------------ outputs
    def _write_summary(self, final: bool = False) -> dict[str, Any]:
        from .rounds import write_outputs

        return write_outputs(self.out, self.config, self.rounds, self.extra, final=final)
