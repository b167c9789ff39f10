"""attack-recipe: find the inputs on which a text classifier fails.

``import attack_recipe`` is light (standard library and this package's small modules only); models,
encoders and datasets load on first use. The public API::

    import attack_recipe as ar
    attack = ar.load_recipe("textfooler")
    victim = ar.load_victim()                       # the built-in sentiment-minilm
    result = attack.run(victim, "what a lovely day", label="positive")

    # a whole dataset, with the same files as `attack-recipe run` (results, summary, report.html):
    victim = ar.SklearnVictim(my_pipeline)          # or HuggingFaceVictim, CallableVictim, HttpVictim, ...
    outcome = ar.run(ar.RunConfig(recipe="deepwordbug", model=victim, dataset="holdout.csv", out_dir="runs/x"))

    # your own texts, without a file:
    examples = [ar.Example(id=str(i), text=t, label=y) for i, (t, y) in enumerate(rows)]
    outcome = ar.run_dataset(attack, victim, examples, out_dir="runs/y")

    # the robustness gate, in your tests:
    ar.assert_robust("robustness-baseline.json", model=victim)

    # a high-stakes filter (docs/highstakes.md): threshold, failure rate, adversarial training
    ar.calibrate_filter(model=victim, dataset="heldout.csv", unsafe_class="unsafe", max_flag_rate=0.25)
    ar.estimate_filter(model=victim, threshold_file="threshold.json", dataset="heldout.csv", recipes=["deepwordbug"])
    ar.harden(ar.HardenConfig(model=victim, train=ar.DataSpec("train.csv"), eval=ar.DataSpec("heldout.csv"),
                              unsafe_class="unsafe", rounds=2, out_dir="runs/harden"))
"""

from __future__ import annotations

import importlib
import logging as _logging

__version__ = "0.1.0"

_logging.getLogger(__name__).addHandler(_logging.NullHandler())

#: public name -> "module:attribute", imported on first access (keeps ``import attack_recipe`` light)
_LAZY = {
    "Attack": "attack_recipe.attacks.attack:Attack",
    "AttackedText": "attack_recipe.core.text:AttackedText",
    "AttackResult": "attack_recipe.attacks.results:AttackResult",
    "Status": "attack_recipe.attacks.results:Status",
    "Untargeted": "attack_recipe.attacks.goals:Untargeted",
    "Targeted": "attack_recipe.attacks.goals:Targeted",
    "Threshold": "attack_recipe.attacks.goals:Threshold",
    "Victim": "attack_recipe.models.base:Victim",
    "HuggingFaceVictim": "attack_recipe.models.huggingface:HuggingFaceVictim",
    "SklearnVictim": "attack_recipe.models.callable:SklearnVictim",
    "CallableVictim": "attack_recipe.models.callable:CallableVictim",
    "SentenceTransformerHeadVictim": "attack_recipe.models.sentence_transformer:SentenceTransformerHeadVictim",
    "HttpVictim": "attack_recipe.models.http:HttpVictim",
    "Example": "attack_recipe.resources.datasets.examples:Example",
    "RunConfig": "attack_recipe.evaluation.config:RunConfig",
    "run": "attack_recipe.evaluation.runner:run_from_config",
    "record_baseline": "attack_recipe.evaluation.gate:record_baseline",
    "check_robustness": "attack_recipe.evaluation.gate:check_robustness",
    "assert_robust": "attack_recipe.evaluation.gate:assert_robust",
    "write_report": "attack_recipe.evaluation.report:write_report",
    "load_victim": "attack_recipe.models.loading:load_victim",
    "load_dataset": "attack_recipe.resources.datasets:load_dataset_examples",
    "run_dataset": "attack_recipe.evaluation.harness:run_dataset",
    "summarize": "attack_recipe.evaluation.metrics:summarize",
    "AttackRecipeError": "attack_recipe.errors:AttackRecipeError",
    # the high-stakes workflow (docs/highstakes.md)
    "calibrate_filter": "attack_recipe.highstakes.commands:calibrate_filter",
    "estimate_filter": "attack_recipe.highstakes.commands:estimate_filter",
    "augment_dataset": "attack_recipe.highstakes.commands:augment_dataset",
    "harden": "attack_recipe.highstakes.harden:harden",
    "HardenConfig": "attack_recipe.highstakes.harden:HardenConfig",
    "DataSpec": "attack_recipe.highstakes.harden:DataSpec",
    "read_threshold_file": "attack_recipe.highstakes.threshold_file:read_threshold_file",
}

__all__ = sorted([*_LAZY, "load_recipe", "list_recipes", "__version__"])


def load_recipe(name: str, **options):
    """Build the registered recipe ``name`` (e.g. "textfooler"), passing ``options`` to its factory.

    Options are checked as the CLI's ``-O`` are (name, type, range): a bad one raises ``UsageError``."""
    from .evaluation.recipe_options import build_recipe
    from .registry import load

    return build_recipe(load("recipe", name), name, options)


def list_recipes() -> list[str]:
    """Names of every registered recipe (built-ins and plugins), without importing them."""
    from .registry import names

    return names("recipe")


def __getattr__(name: str):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'attack_recipe' has no attribute {name!r}")
    module, attr = target.split(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__():
    return __all__
