"""Datasets from the Hugging Face hub (``name`` or ``name:config``), the last thing a spec is tried as.

The hub is not tried for a near-typo of a built-in name, nor when an offline variable is set or the
hub is unreachable; each case says so in the error. ``datasets`` is imported only here.
"""

from __future__ import annotations

import difflib

from ...errors import DatasetError
from ..paths import hub_reachable, network_allowed
from .builtin import builtin_dataset_names
from .columns import LABEL_COLUMNS, TEXT_COLUMNS, id_column_of, pick_column, rows_to_dataset
from .examples import LoadedDataset
from .files import LOCAL_SUFFIXES


def _unknown(spec: str, reason: str) -> DatasetError:
    names = builtin_dataset_names()
    close = difflib.get_close_matches(spec, names, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
    return DatasetError(
        f"cannot load dataset {spec!r}: it is not a built-in dataset (built-ins: {', '.join(names)}),"
        f" not an existing local file ({', '.join(LOCAL_SUFFIXES)}), and {reason}.{hint}"
    )


def load_hub(spec: str, split: str | None, text_column: str | None, label_column: str | None,
             id_column: str | None = None) -> LoadedDataset:
    close = difflib.get_close_matches(spec, builtin_dataset_names(), n=1, cutoff=0.8)
    if close and "/" not in spec:
        raise _unknown(spec, "looks like a typo of a built-in name, so the hub was not tried")
    if not network_allowed():
        raise _unknown(spec, "the Hugging Face hub was not tried because an offline variable "
                             "(HF_HUB_OFFLINE / HF_DATASETS_OFFLINE / ATTACK_RECIPE_OFFLINE) is set")
    if not hub_reachable():
        raise _unknown(spec, "the Hugging Face hub is not reachable from this machine (offline?)")
    name, _, config = spec.partition(":")
    split = split or "test"
    try:
        import datasets

        ds = datasets.load_dataset(name, config or None, split=split)
    except Exception as exc:  # noqa: BLE001 - network, auth, missing split: all mean "not from the hub"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _unknown(spec, f"could not be loaded from the Hugging Face hub (offline? {first})") from exc
    columns = list(ds.column_names)
    tcol = pick_column(columns, text_column, TEXT_COLUMNS, "text", spec)
    lcol = pick_column(columns, label_column, LABEL_COLUMNS, "label", spec)
    feature = ds.features.get(lcol)
    label_names = tuple(feature.names) if getattr(feature, "names", None) else None
    icol = id_column_of(columns, id_column, spec)
    rows = ({tcol: t, lcol: l} for t, l in zip(ds[tcol], ds[lcol]))
    if icol is not None:  # the id column only when there is one: reading every column costs memory
        rows = ({**row, icol: i} for row, i in zip(rows, ds[icol]))
    return rows_to_dataset(spec.replace("/", "_").replace(":", "_"), split, rows, columns, tcol, lcol, spec,
                            label_names=label_names, id_column=icol)
