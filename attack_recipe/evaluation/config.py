"""``RunConfig``: one typed description of a dataset run, shared by the CLI and the Python API.

>>> from attack_recipe.evaluation.config import RunConfig, run_from_config
>>> outcome = run_from_config(RunConfig(recipe="deepwordbug", model="toy-sentiment",
...                                     dataset="reviews.csv", num_examples=10))  # doctest: +SKIP

The CLI's ``run`` options map one to one onto these fields; the CLI only parses, prints and
translates errors into exit codes.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple

from ..errors import UsageError

logger = logging.getLogger(__name__)

DEFAULT_RECIPE = "textfooler"
DEFAULT_MODEL = "sentiment-minilm"
DEFAULT_DATASET = "tweets"  # the built-in victim's own test set, used only when no model is given


def sanitise(name: str, max_len: int = 60) -> str:
    """A file-name-safe slug of a model or dataset spec (``org/model`` → ``org-model``, a path → its stem)."""
    text = str(name).rstrip("/\\")
    path = Path(text)
    looks_like_file = bool(path.suffix) and path.suffix[1:].isalnum() and len(path.suffix) <= 6
    if path.is_absolute() or text.startswith((".", "~")) or looks_like_file or path.exists():
        text = path.stem if looks_like_file else path.name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return slug[:max_len] or "run"


def _missing_local_path(spec: str) -> bool:
    """A model spec that is clearly a filesystem path (not a hub id or entry point) and does not exist."""
    from ..models.huggingface import looks_like_path

    return ":" not in spec.split("/")[0] and looks_like_path(spec) and not Path(spec).expanduser().exists()


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a dataset run. ``None`` means "the default" (see each field)."""

    recipe: str = DEFAULT_RECIPE
    model: str | None = None  # None: the built-in sentiment-minilm victim
    dataset: str | None = None  # None: "tweets" if model is None, else required
    split: str | None = "test"
    num_examples: int = 50
    offset: int = 0
    seed: int = 0
    query_budget: int | None = None
    out_dir: str | None = None  # None: runs/<recipe>-<model>-<dataset>-s<seed>
    text_column: str | None = None
    label_column: str | None = None
    device: str | None = None
    batch_size: int | None = None
    overwrite: bool = False  # discard results already in out_dir instead of resuming them
    validity: bool = False  # measure each success's perplexity ratio and independent similarity
    preset: str | None = None  # e.g. "strict": tighter constraints for word-swap recipes (recipes/presets.py)
    #: keyword arguments for the recipe factory, as (name, value) pairs, e.g. (("mlm", "bert-base-uncased"),)
    recipe_options: tuple[tuple[str, Any], ...] = ()

    def __post_init__(self) -> None:
        if self.model is not None and _missing_local_path(self.model):
            from ..errors import ResourceNotFoundError

            raise ResourceNotFoundError(
                f"victim model {self.model!r}", [f"model path {Path(self.model).expanduser().resolve()} does not exist"],
                "check the path; a model folder holds config.json, weights and tokenizer files (save_pretrained)",
            )
        if self.dataset is None:
            if self.model is not None:
                raise UsageError(
                    f"a dataset is required with model {self.model!r}: pass --dataset "
                    "(a built-in name, a .csv/.jsonl file or a Hugging Face dataset id)"
                )
            object.__setattr__(self, "dataset", DEFAULT_DATASET)
        options = tuple((str(k), v) for k, v in (self.recipe_options or ()))  # JSON gives lists back
        object.__setattr__(self, "recipe_options", options)
        for name, low in (("num_examples", 1), ("offset", 0), ("query_budget", 1), ("batch_size", 1)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
                raise UsageError(f"{name} must be an integer >= {low}, got {value!r}")

    @property
    def model_name(self) -> str:
        return self.model if self.model is not None else DEFAULT_MODEL

    @property
    def resolved_out_dir(self) -> Path:
        if self.out_dir is not None:
            return Path(self.out_dir)
        parts = [sanitise(self.recipe), sanitise(self.model_name), sanitise(self.dataset or "data")]
        return Path("runs") / f"{'-'.join(parts)}-s{self.seed}"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


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


def parse_recipe_option(spec: str) -> tuple[str, Any]:
    """``"key=value"`` → ``("key", value)``; the value becomes an int, float, bool or None if it reads as one."""
    key, sep, raw = spec.partition("=")
    key = key.strip().replace("-", "_")
    if not sep or not key.isidentifier():
        raise UsageError(f"recipe option {spec!r} is not of the form NAME=VALUE")
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    if lowered in ("none", "null"):
        return key, None
    for cast in (int, float):
        try:
            return key, cast(raw)
        except ValueError:
            pass
    return key, raw


def build_recipe(factory: Callable, name: str, options: dict[str, Any]):
    """Call a recipe factory with ``options``; an option it does not take is a usage error naming those it does."""
    import inspect

    if options:
        params = inspect.signature(factory).parameters
        takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        accepted = [p for p, v in params.items() if v.kind in (v.KEYWORD_ONLY, v.POSITIONAL_OR_KEYWORD) and p != "goal"]
        unknown = sorted(set(options) - set(accepted))
        if unknown and not takes_any:
            raise UsageError(f"recipe {name!r} takes no option {', '.join(map(repr, unknown))}; "
                             f"its options: {', '.join(accepted) or 'none'}")
    return factory(**options)


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
        runnable = [n for n in registry.names("recipe") if not registry.load("recipe", n)().needs_gradients]
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
