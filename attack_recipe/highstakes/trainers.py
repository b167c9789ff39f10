"""Training a victim on its adversarial examples: fine-tuning (Hugging Face) or refitting (sklearn).

A round's trainer gets the round's training texts and labels (class indices of the victim) and
returns the hardened victim, saved in the round's folder:

* :class:`HuggingFaceTrainer` continues fine-tuning the previous round's model
  (:func:`attack_recipe.models.fine_tuning.fine_tune`, seeded, optional SiFT-style virtual
  adversarial training) and writes it with ``save_pretrained`` into ``<round>/model``; a resumed
  run loads that folder.
* :class:`SklearnTrainer` refits a clone of the pipeline on all the data from scratch (refitting is
  how sklearn models learn new data) and writes ``model.joblib`` for the user. A resumed run
  refits again from the recorded data instead of unpickling: the fit is deterministic and cheap,
  and nothing this program reads back is a pickle.
"""

from __future__ import annotations

import abc
import logging
import os
import shutil
from pathlib import Path
from typing import Any, Sequence

from ..errors import UsageError

logger = logging.getLogger(__name__)


class Trainer(abc.ABC):
    kind: str

    @abc.abstractmethod
    def fit(self, start, texts: Sequence[str], labels: Sequence[int], *, seed: int, folder: Path):
        """Train from victim ``start`` on the data; save into ``folder``; return the new victim."""

    @abc.abstractmethod
    def load(self, start, texts: Sequence[str], labels: Sequence[int], *, seed: int, folder: Path):
        """The victim :meth:`fit` saved in ``folder`` (or its deterministic equivalent)."""

    def saved(self, folder: Path) -> bool:
        return (folder / "training.json").exists()


class HuggingFaceTrainer(Trainer):
    kind = "huggingface"

    def __init__(self, hparams: dict[str, Any] | None = None, progress: bool = True):
        from ..models.fine_tuning import DEFAULTS

        unknown = set(hparams or {}) - set(DEFAULTS)
        if unknown:
            raise UsageError(f"unknown fine-tuning option(s) {sorted(unknown)}; known: {sorted(DEFAULTS)}")
        self.hparams = {**DEFAULTS, **(hparams or {})}
        self.progress = progress

    def fit(self, start, texts, labels, *, seed, folder):
        import copy

        import torch

        from ..models.fine_tuning import fine_tune
        from ..models.huggingface import HuggingFaceVictim

        torch.manual_seed(seed)
        model = copy.deepcopy(start.model).to("cpu")
        figures = fine_tune(model, start.tokenizer, texts, labels, self.hparams, seed=seed,
                            title=f"fine-tuning {folder.name}", progress=self.progress)
        tmp = folder / "model.partial"
        shutil.rmtree(tmp, ignore_errors=True)
        model.save_pretrained(tmp)
        start.tokenizer.save_pretrained(tmp)
        shutil.rmtree(folder / "model", ignore_errors=True)
        os.replace(tmp, folder / "model")  # a killed save leaves model.partial, never half a model
        _write_training(folder, {"trainer": self.kind, "hparams": self.hparams, "seed": seed, **figures})
        return HuggingFaceVictim(model, start.tokenizer, name=f"{start.name}@{folder.name}", device=start.device,
                                 batch_size=start.batch_size, labels=start.labels)

    def load(self, start, texts, labels, *, seed, folder):
        from ..models.huggingface import HuggingFaceVictim

        return HuggingFaceVictim.from_pretrained(folder / "model", device=start.device, batch_size=start.batch_size,
                                                 name=f"{start.name}@{folder.name}")


class SklearnTrainer(Trainer):
    kind = "sklearn"

    def fit(self, start, texts, labels, *, seed, folder):
        victim = self._refit(start, texts, labels, seed, folder)
        try:
            import joblib

            joblib.dump(victim.estimator, folder / "model.joblib")  # for the user; never read back here
        except Exception as exc:  # an unpicklable custom step: the round still counts
            logger.warning("could not save %s/model.joblib (%s: %s)", folder, type(exc).__name__, exc)
        _write_training(folder, {"trainer": self.kind, "seed": seed, "examples": len(texts)})
        return victim

    def load(self, start, texts, labels, *, seed, folder):
        return self._refit(start, texts, labels, seed, folder)

    @staticmethod
    def _refit(start, texts, labels, seed, folder):
        from sklearn.base import clone

        from ..models.callable import SklearnVictim

        estimator = clone(start.estimator)
        _seed_estimator(estimator, seed)
        estimator.fit(list(texts), [start.classes[i] for i in labels])  # keep the class values and order
        return SklearnVictim(estimator, labels=start.labels, batch_size=start.batch_size,
                             name=f"{start.name}@{folder.name}")


def _seed_estimator(estimator, seed: int) -> None:
    """Set every ``random_state`` parameter of the estimator (and pipeline steps) to ``seed``."""
    params = estimator.get_params(deep=True)
    seeded = {k: seed for k in params if k == "random_state" or k.endswith("__random_state")}
    if seeded:
        estimator.set_params(**seeded)


def _write_training(folder: Path, figures: dict[str, Any]) -> None:
    from ..evaluation.records import write_summary

    write_summary(folder / "training.json", figures)


def trainer_for(victim, hparams: dict[str, Any] | None = None, *, progress: bool = True) -> Trainer:
    """The trainer that can harden ``victim``, or a :class:`UsageError` saying which victims can be."""
    from ..models.callable import SklearnVictim
    from ..models.huggingface import HuggingFaceVictim

    if isinstance(victim, HuggingFaceVictim):
        return HuggingFaceTrainer(hparams, progress=progress)
    if isinstance(victim, SklearnVictim):
        if hparams:
            raise UsageError("fine-tuning options apply to Hugging Face victims; an sklearn pipeline is refit")
        return SklearnTrainer()
    raise UsageError(f"victim {victim.name} ({type(victim).__name__}) cannot be trained by harden: it trains "
                     "Hugging Face sequence classifiers (a model folder or hub id) and sklearn pipelines "
                     "(SklearnVictim, given as module:attr)")
