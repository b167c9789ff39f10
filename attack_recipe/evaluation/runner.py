"""Loading what a :class:`~attack_recipe.evaluation.config.RunConfig` names, then running it.

:func:`prepare` loads the recipe first (cheap: a typo fails before any model loads), then the
dataset, then the victim, checks they fit together, and aligns dataset labels with the victim's
classes; :func:`execute` gives the attack the run's validity judge (unless ``judge=False``) and hands
it to the harness. Two steps, so that the CLI reports a loading error apart from a failure during the
attack, and tests can substitute a prepared run.

The judge: one :class:`~attack_recipe.evaluation.judge.ValidityJudge` per run, built by
:func:`new_judge` — the one place that makes it, so fast tests replace that function with
:func:`attack_recipe.testing.judge.tiny_judge` (tests/conftest.py does) instead of loading spaCy,
WordNet, GloVe, VADER, SmolLM2 and E5. Its resources load before the first example, so a missing one
stops the run at once and loading is not billed to the first success.

Parallel runs (``workers`` > 1, or ``backend="ray"``): :func:`run_executor` hands the harness an
executor whose workers each build their own victim, attack, judge and validity scorer from the config
(:mod:`.worker_build`); this process keeps its victim (loaded by :func:`prepare`, for the labels and
the capability check) but loads neither the judge's resources nor the scorer's models.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from .recipe_options import build_recipe

if TYPE_CHECKING:  # pragma: no cover - config re-exports this module, so no import at run time
    from .config import RunConfig

logger = logging.getLogger(__name__)


class _Example(NamedTuple):
    id: str
    text: str
    label: int | str
    problem: str | None = None  # a row the loader could not read: the harness records it as an error


@dataclass
class PreparedRun:
    """A config with its recipe, victim and examples loaded, ready for :func:`execute`."""

    config: RunConfig
    attack: Any
    victim: Any
    examples: list
    dataset_name: str
    split: str | None
    run_info: dict[str, Any]
    #: the attack as :func:`execute` runs it (the recipe with the run's judge); see :func:`armed_attack`
    armed: Any = None


def align_labels(examples, label_names, victim) -> list:
    """Pass labels by *name* when the dataset names its classes and the victim knows those names.

    That protects against a dataset whose class order differs from the model's output columns.
    Otherwise labels are passed as given: integers as column indices, strings as class names.
    """
    victim_labels = [str(x).lower() for x in getattr(victim, "labels", ())]
    names = [str(x) for x in (label_names or ())]
    if not names or not all(n.lower() in victim_labels for n in names):
        if names and victim_labels and [n.lower() for n in names] != victim_labels:
            by_name = any(isinstance(e.label, str) for e in examples)
            logger.warning(
                "dataset classes %s do not match the model's classes %s; %s",
                names, list(getattr(victim, "labels", ())),
                "labels are matched to the model's classes by name, and an example whose label is not one of "
                "them becomes an error" if by_name else "integer labels are used as column indices",
            )
        return [_Example(str(e.id), e.text, e.label, getattr(e, "problem", None)) for e in examples]
    out = []
    for e in examples:
        label = e.label
        if isinstance(label, int) and not isinstance(label, bool) and 0 <= label < len(names):
            label = names[label]
        out.append(_Example(str(e.id), e.text, label, getattr(e, "problem", None)))
    return out


def load_attack(config: RunConfig):
    """The recipe ``config`` names, built with its options and preset (no judge yet: :func:`arm`)."""
    from .. import registry

    factory = registry.load("recipe", config.recipe)
    attack = build_recipe(factory, config.recipe, dict(config.recipe_options))
    if config.preset is not None:
        from ..recipes.presets import apply_preset

        attack = apply_preset(attack, config.preset)
    if config.encoder_precision != "float32":
        attack = with_encoder_precision(attack, config.encoder_precision)
    return attack


def with_encoder_precision(attack, precision: str):
    """A copy of ``attack`` whose sentence-similarity constraints run their encoder in ``precision``
    (``--encoder-precision``). A recipe without one is refused: the option would change nothing."""
    from ..constraints.sentence_similarity import SentenceSimilarity
    from ..errors import UsageError

    if not any(isinstance(c, SentenceSimilarity) for c in attack.constraints):
        raise UsageError(f"--encoder-precision {precision}: {attack.name} has no sentence-similarity constraint")
    return attack._copy(constraints=tuple(c.with_precision(precision) if isinstance(c, SentenceSimilarity) else c
                                          for c in attack.constraints))


def load_run_victim(config: RunConfig):
    """The victim ``config`` names (a Victim object given in ``model`` is returned as it is)."""
    from ..models.loading import load_victim

    return load_victim(config.model, device=config.device, batch_size=config.batch_size, http=config.http_options)


def prepare(config: RunConfig) -> PreparedRun:
    """Load the recipe (cheap, fails fast on a typo), then the dataset, then the victim."""
    from .. import registry

    attack = load_attack(config)

    from ..resources.datasets import load_dataset_examples

    loaded = load_dataset_examples(
        config.dataset,
        config.split,
        text_column=config.text_column,
        label_column=config.label_column,
        num_examples=config.num_examples,
        offset=config.offset,
        id_column=config.id_column,
    )
    if not loaded.examples:
        from ..errors import UsageError
        from ..resources.datasets import empty_reason

        raise UsageError(f"nothing to attack: {empty_reason(loaded, config.offset)}")
    victim = load_run_victim(config)
    getattr(victim, "labels", None)  # an http victim asks for its classes now: a dead endpoint stops the run here
    from ..attacks.capabilities import check_capabilities
    from ..errors import WhiteBoxRequiredError

    try:
        check_capabilities(attack, victim, needed_by=f"recipe {config.recipe!r}")
    except WhiteBoxRequiredError as exc:
        runnable = [n for n, factory in registry.available("recipe") if not factory().needs_gradients]
        raise WhiteBoxRequiredError(f"{exc}; recipes that run on it: {', '.join(runnable)}") from None
    examples = align_labels(loaded.examples, getattr(loaded, "label_names", None), victim)
    run_info = {
        "recipe": config.recipe,
        "model": config.model_name,
        "dataset": loaded.name,
        "split": loaded.split,
        "num_examples": len(examples),
        "offset": config.offset,
        "preset": config.preset,
        "config": config.to_dict(),
    }
    return PreparedRun(config, attack, victim, examples, loaded.name, loaded.split, run_info)


def armed_attack(prepared: PreparedRun):
    """The attack exactly as :func:`execute` runs it: the recipe with the run's validity judge (its
    resources loaded now) and valid-only search as configured, or without a judge under ``judge=False``.
    Built once per prepared run; the gate compares its ``repr`` with a baseline's before rerunning."""
    if prepared.armed is None:
        from ..attacks.ordering import choose_order

        # workers in other processes load their own judges: here it only has to say what it is
        armed = arm(prepared.attack, prepared.victim, prepared.config, load=not prepared.config.parallel)
        # once per run, here, so every worker runs the same order (its choice is timing-dependent)
        choice = choose_order(armed, prepared.victim, prepared.examples, prepared.config.order,
                              query_budget=prepared.config.query_budget)
        prepared.run_info["order"] = choice.to_dict()
        prepared.armed = armed.with_order(choice.order)
    return prepared.armed


def arm(attack, victim, config: RunConfig, *, judge_factory: Callable | None = None, load: bool = True):
    """``attack`` with the judge ``config`` asks for (built by ``judge_factory``, default :func:`new_judge`;
    its resources loaded now unless ``load=False``) and valid-only search as configured, or without a
    judge under ``judge=False``. The one place a run's attack gets its judge: :func:`armed_attack` in
    the harness's process, :func:`~attack_recipe.evaluation.worker_build.build_example_runner` in a worker."""
    if config.judge:
        return attack.with_judge(run_judge(victim, factory=judge_factory, load=load),
                                 require_valid=config.resolved_valid_only)
    if getattr(attack, "judge", None) is not None:
        return attack.with_judge(None)  # --no-judge: no verdicts and no valid-only search
    return attack


def execute(prepared: PreparedRun, *, on_result: Callable | None = None, command: str = "run"):
    """Run a prepared config with :func:`~attack_recipe.evaluation.harness.run_dataset`, then write
    ``report.html`` beside the results — the same files whether the CLI or Python code ran it.

    ``command`` names what the run is for: "run" (the CLI's ``run`` and Python code alike),
    "baseline" or "check"; it is recorded in ``run.json``, and a folder another command wrote is
    never overwritten (harness)."""
    from .harness import run_dataset

    cfg = prepared.config
    armed = armed_attack(prepared)
    outcome = run_dataset(
        armed,
        prepared.victim,
        prepared.examples,
        seed=cfg.seed,
        query_budget=cfg.query_budget,
        out_dir=cfg.resolved_out_dir,
        run_info=prepared.run_info,
        on_result=on_result,
        overwrite=cfg.overwrite,
        # workers measure successes with scorers of their own: this one only says that they do
        validity=validity_scorer(load=not cfg.parallel) if cfg.resolved_validity else None,
        time_limit=cfg.example_timeout or None,
        command=command,
        executor=run_executor(cfg, armed),
    )
    if outcome.out_dir is not None:
        from .report import write_report

        try:
            outcome.report_path = write_report(outcome.out_dir, label_names=getattr(prepared.victim, "labels", None))
        except Exception as exc:  # the results are written and kept; a report can be rebuilt later
            logger.warning("could not write report.html in %s (%s: %s); `attack-recipe report %s` rebuilds it",
                           outcome.out_dir, type(exc).__name__, exc, outcome.out_dir)
    return outcome


def run_executor(config: RunConfig, armed):
    """The executor of a parallel run (None: the harness attacks in its own process): local worker
    processes or Ray actors, each building its own victim and the attack ``armed`` from ``config``."""
    if not config.parallel:
        return None
    from .worker_build import worker_spec

    # new_judge as it stands now (tests replace it): the workers build their judges with it
    spec = worker_spec(config, armed, judge_factory=new_judge, validity=config.resolved_validity)
    if config.backend == "ray":
        from .ray_executor import RayExecutor

        return RayExecutor(spec, workers=config.workers, address=config.ray_address)
    from .executors import LocalWorkersExecutor

    return LocalWorkersExecutor(spec, workers=config.workers or 1)


def label_polarity(label_names) -> dict[int, int] | None:
    """The judge's ``label_polarity`` for a victim: ``{index: -1 | +1}`` when its class names are
    exactly "negative" and "positive" (in either order, any letter case), else None.

    Only then is it certain which class is the positive one; a guess ("LABEL_1", "pos", three
    classes) would make the judge's "sentiment weakened" rule fire on the wrong side, so it stays off.
    """
    names = [str(n).lower() for n in (label_names or ())]
    if sorted(names) != ["negative", "positive"]:
        return None
    return {i: (1 if n == "positive" else -1) for i, n in enumerate(names)}


def new_judge(**options):
    """A :class:`~attack_recipe.evaluation.judge.ValidityJudge` with ``options``; its models load on
    first use. The injection point for tests (same signature as ``testing.judge.tiny_judge``)."""
    from .judge import ValidityJudge

    return ValidityJudge(**options)


def run_judge(victim, *, factory: Callable | None = None, load: bool = True):
    """The run's judge for ``victim`` (label polarity from its class names), resources loaded now
    (unless ``load=False``). ``factory`` builds it (default: :func:`new_judge`, looked up at call time)."""
    from ..errors import AttackRecipeError

    judge = (factory or new_judge)(label_polarity=label_polarity(getattr(victim, "labels", None)))
    if not load:
        return judge
    parts = ["wordnet", "embedding", "lexicon", "tagger", "stopwords"]
    if judge.fluency:
        parts.append("lm")
    if judge.similarity:
        parts.append("encoder")
    try:
        for part in parts:
            getattr(judge, part)  # each property loads its resource once
    except AttackRecipeError:
        logger.warning("the validity judge could not load its %s; --no-judge runs without verdicts", part)
        raise
    return judge


def validity_scorer(*, load: bool = True):
    """A scorer with its models already loaded (unless ``load=False``), so loading is not billed to the
    first success."""
    from .validity import ValidityScorer

    scorer = ValidityScorer()
    if load:
        scorer.lm, scorer.encoder  # noqa: B018 - load both now
    return scorer


def run_from_config(config: RunConfig, *, on_result: Callable | None = None):
    """Load everything ``config`` names and attack the dataset, writing results.jsonl, summary.json and
    report.html as ``attack-recipe run`` does; returns a ``RunOutcome``."""
    return execute(prepare(config), on_result=on_result)
