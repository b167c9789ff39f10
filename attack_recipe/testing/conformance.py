"""Options that make a recipe fast enough for a conformance run on the toy victims (seconds, not minutes).

A recipe that generates text with a model would spend minutes per example in a test, so generative
models are swapped for stand-ins, chosen from what the recipe's factory accepts:

* a parameter named ``mlm`` gets a tiny masked LM built from a config in seconds
  (:func:`~attack_recipe.testing.models.build_tiny_masked_lm`);
* a parameter named ``generator`` gets the deterministic :class:`~attack_recipe.testing.generators.FakeParaphraser`.

A recipe module may add options of its own by declaring, at module level::

    #: Options for the conformance run on the toy victims (attack_recipe/testing/conformance.py): why.
    CONFORMANCE_OPTIONS = {"sim_threshold": 0.5}

Declared options win over stand-ins; each factory of the module gets those it accepts. The real
models run in the slow tests on the built-in victim. Plugin authors' tests can use the same helper::

    options = conformance_options(my_factory, StandIns(tmp_path))
    attack = my_factory(**options)
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from typing import Any, Callable, Mapping

#: Name of the module-level mapping in which a recipe module declares its conformance options.
MODULE_OPTIONS = "CONFORMANCE_OPTIONS"


def _tiny_masked_lm(folder: Path) -> str:
    from .models import build_tiny_masked_lm

    return build_tiny_masked_lm(folder / "tiny-mlm")


def _fake_paraphraser(folder: Path):
    from .generators import FakeParaphraser

    return FakeParaphraser()


#: Factory parameter -> builder of its stand-in (given a scratch folder).
STAND_INS: Mapping[str, Callable[[Path], Any]] = {"mlm": _tiny_masked_lm, "generator": _fake_paraphraser}


class StandIns:
    """Builds each stand-in the first time a recipe needs it, once, under ``folder``."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._built: dict[str, Any] = {}

    def __getitem__(self, parameter: str) -> Any:
        if parameter not in self._built:
            self._built[parameter] = STAND_INS[parameter](self.folder)
        return self._built[parameter]


def declared_options(factory: Callable) -> dict[str, Any]:
    """The ``CONFORMANCE_OPTIONS`` of the module that defines ``factory`` ({} if it declares none)."""
    module = importlib.import_module(factory.__module__)
    declared = getattr(module, MODULE_OPTIONS, {})
    if not isinstance(declared, Mapping) or not all(isinstance(k, str) for k in declared):
        raise TypeError(f"{factory.__module__}.{MODULE_OPTIONS} must map option names to values, "
                        f"got {declared!r}")
    return dict(declared)


def conformance_options(factory: Callable, stand_ins: StandIns) -> dict[str, Any]:
    """Keyword arguments for ``factory``: a stand-in for each generative model it takes, then the
    options its module declares (those the factory accepts)."""
    params = inspect.signature(factory).parameters
    keyword = {name for name, p in params.items() if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    takes_any = any(p.kind is p.VAR_KEYWORD for p in params.values())
    options = {name: stand_ins[name] for name in STAND_INS if name in keyword}
    options.update({k: v for k, v in declared_options(factory).items() if k in keyword or takes_any})
    return options
