"""Loading what a :class:`~attack_recipe.evaluation.config.RunConfig` names, then running it.

:func:`prepare` loads the recipe first (cheap: a typo fails before any model loads), then the
dataset, then the victim, checks they fit together, and aligns dataset labels with the victim's
classes; :func:`execute` hands the result to the harness. Two steps, so that the CLI reports a
loading error apart from a failure during the attack, and tests can substitute a prepared run.
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


def _align_labels(examples, label_names, victim) -> list:
    """Pass labels by *name* when the dataset names its classes and the victim knows those names.

    That protects against a dataset whose class order differs from the model's output columns.
    Otherwise integer labels are used as column indices, as given.
    """
    victim_labels = [str(x).lower() for x in getattr(victim, "labels", ())]
    names = [str(x) for x in (label_names or ())]
    if not names or not all(n.lower() in victim_labels for n in names):
        if names and victim_labels and [n.lower() for n in names] != victim_labels:
            logger.warning(
                "dataset classes %s do not match the model's classes %s; integer labels are used as column indices",
                names, list(getattr(victim, "labels", ())),
            )
        return [_Example(str(e.id), e.text, e.label) for e in examples]
    out = []
    for e in examples:
        label = e.label
        if isinstance(label, int) and not isinstance(label, bool) and 0 <= label < len(names):
            label = names[label]
        out.append(_Example(str(e.id), e.text, label))
    return out


def prepare(config: RunConfig) -> PreparedRun:
    """Load the recipe (cheap, fails fast on a typo), then the dataset, then the victim."""
    from .. import registry

    factory = registry.load("recipe", config.recipe)
    attack = build_recipe(factory, config.recipe, dict(config.recipe_options))
    if config.preset is not None:
        from ..recipes.presets import apply_preset

        attack = apply_preset(attack, config.preset)

    from ..models.loading import load_victim
    from ..resources.datasets import load_dataset_examples

    loaded = load_dataset_examples(
        config.dataset,
        config.split,
        text_column=config.text_column,
        label_column=config.label_column,
        num_examples=config.num_examples,
        offset=config.offset,
    )
    victim = load_victim(config.model, device=config.device, batch_size=config.batch_size)
    from ..attacks.capabilities import check_capabilities
    from ..errors import WhiteBoxRequiredError

    try:
        check_capabilities(attack, victim, needed_by=f"recipe {config.recipe!r}")
    except WhiteBoxRequiredError as exc:
        runnable = [n for n, factory in registry.available("recipe") if not factory().needs_gradients]
        raise WhiteBoxRequiredError(f"{exc}; recipes that run on it: {', '.join(runnable)}") from None
    examples = _align_labels(loaded.examples, getattr(loaded, "label_names", None), victim)
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


def execute(prepared: PreparedRun, *, on_result: Callable | None = None):
    """Run a prepared config with :func:`~attack_recipe.evaluation.harness.run_dataset`."""
    from .harness import run_dataset

    cfg = prepared.config
    return run_dataset(
        prepared.attack,
        prepared.victim,
        prepared.examples,
        seed=cfg.seed,
        query_budget=cfg.query_budget,
        out_dir=cfg.resolved_out_dir,
        run_info=prepared.run_info,
        on_result=on_result,
        overwrite=cfg.overwrite,
        validity=_validity_scorer() if cfg.validity else None,
    )


def _validity_scorer():
    """A scorer with its models already loaded, so loading is not billed to the first success."""
    from .validity import ValidityScorer

    scorer = ValidityScorer()
    scorer.lm, scorer.encoder  # noqa: B018 - load both now
    return scorer


def run_from_config(config: RunConfig, *, on_result: Callable | None = None):
    """Load everything ``config`` names and attack the dataset; returns a ``RunOutcome``."""
    return execute(prepare(config), on_result=on_result)
