"""WordNet 3.0 for synonym candidates (PWWS), antonym filtering and a part-of-speech constraint.

Why this is more than ``nltk.corpus.wordnet``: ``pip install nltk`` ships no data and
``nltk.download`` needs GitHub. Debian's ``wordnet-base`` + ``wordnet-sense-index`` packages hold the
same WordNet 3.0 database files NLTK reads, minus one small file (``lexnames``). So we resolve, in order:

1. NLTK's own search path (``$NLTK_DATA``, ``~/nltk_data``, ...), for users who already downloaded it;
2. our copy in ``<cache_dir>/nltk_data/corpora/wordnet``;
3. build that copy from ``/usr/share/wordnet`` (real file copies - NLTK will not follow links out of its
   root - plus the standard 45-line ``lexnames``), written to a temporary folder and renamed into place
   so concurrent processes never see a half-built corpus;
4. ``nltk.download("wordnet")`` into our cache, only when the network may be reachable;
5. otherwise :class:`ResourceNotFoundError` with the apt-get / nltk command.

Our ``nltk_data`` folder is appended to ``nltk.data.path`` when it is used (inside the call, never at
import), so NLTK helpers that look WordNet up themselves (``WordNetLemmatizer``) find the same copy.
"""

from __future__ import annotations

import functools
import os
import pathlib
import re
import shutil
import tempfile
import warnings
from typing import Any

from ..errors import ResourceNotFoundError
from .paths import cache_dir, host_reachable, install_hint

DEBIAN_WORDNET = pathlib.Path("/usr/share/wordnet")
APT_PACKAGES = ("wordnet-base", "wordnet-sense-index")
APT_INSTALL = "apt-get install -y " + " ".join(APT_PACKAGES)
NLTK_INSTALL = "python -m nltk.downloader wordnet"

#: The 45 lexicographer files of WordNet 3.0, in order, with their syntactic category
#: (1 noun, 2 verb, 3 adjective, 4 adverb). Debian's packages omit this file; NLTK needs it.
LEXNAMES: tuple[tuple[str, int], ...] = (
    ("adj.all", 3), ("adj.pert", 3), ("adv.all", 4),
    ("noun.Tops", 1), ("noun.act", 1), ("noun.animal", 1), ("noun.artifact", 1),
    ("noun.attribute", 1), ("noun.body", 1), ("noun.cognition", 1), ("noun.communication", 1),
    ("noun.event", 1), ("noun.feeling", 1), ("noun.food", 1), ("noun.group", 1),
    ("noun.location", 1), ("noun.motive", 1), ("noun.object", 1), ("noun.person", 1),
    ("noun.phenomenon", 1), ("noun.plant", 1), ("noun.possession", 1), ("noun.process", 1),
    ("noun.quantity", 1), ("noun.relation", 1), ("noun.shape", 1), ("noun.state", 1),
    ("noun.substance", 1), ("noun.time", 1),
    ("verb.body", 2), ("verb.change", 2), ("verb.cognition", 2), ("verb.communication", 2),
    ("verb.competition", 2), ("verb.consumption", 2), ("verb.contact", 2), ("verb.creation", 2),
    ("verb.emotion", 2), ("verb.motion", 2), ("verb.perception", 2), ("verb.possession", 2),
    ("verb.social", 2), ("verb.stative", 2), ("verb.weather", 2),
    ("adj.ppl", 3),
)

#: Files without which NLTK's reader cannot work; a copy missing any of them is rebuilt.
_REQUIRED = ("lexnames", "data.noun", "data.verb", "data.adj", "data.adv",
             "index.noun", "index.verb", "index.adj", "index.adv")


def lexnames_text() -> str:
    """The ``lexnames`` file: ``NN<TAB>lexname<TAB>category`` per line, 45 lines."""
    return "".join(f"{i:02d}\t{name}\t{cat}\n" for i, (name, cat) in enumerate(LEXNAMES))


def _nltk_data_dir(create: bool = True) -> pathlib.Path:
    return cache_dir(create) / "nltk_data"


def _is_complete(folder: pathlib.Path) -> bool:
    return all((folder / f).is_file() for f in _REQUIRED)


@functools.lru_cache(maxsize=1)
def _reader_class() -> type:
    """NLTK's reader, minus a 4-second start-up step we never need.

    On construction NLTK maps synset ids from the corpus called "wordnet" to the loaded one (``map_wn``)
    by reading ``index.sense`` twice; the map only serves the Open Multilingual Wordnet, which we do not
    load. Skipping it cuts loading from ~7 s to ~2.5 s.
    """
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    class EnglishWordNetCorpusReader(WordNetCorpusReader):
        def map_wn(self, version: str = "wordnet"):
            return None

    return EnglishWordNetCorpusReader


def _reader_at(folder: pathlib.Path):
    """A WordNet reader over ``folder``; registers its nltk_data root for NLTK's own helpers."""
    import nltk

    WordNetCorpusReader = _reader_class()

    root = str(folder.parent.parent)  # <nltk_data>/corpora/wordnet -> <nltk_data>
    if root not in nltk.data.path:
        nltk.data.path.append(root)
    with warnings.catch_warnings():
        # Without the Open Multilingual Wordnet NLTK warns that multilingual lookups are unavailable;
        # we only use English.
        warnings.simplefilter("ignore")
        return WordNetCorpusReader(str(folder), None)


def _from_nltk_search_path():
    """WordNet from NLTK's own data path, or None when it is not there."""
    import nltk
    from nltk.data import FileSystemPathPointer

    try:
        pointer = nltk.data.find("corpora/wordnet")
    except LookupError:
        try:
            nltk.data.find("corpora/wordnet.zip")
        except LookupError:
            return None
        pointer = None
    try:
        if isinstance(pointer, FileSystemPathPointer):
            folder = pathlib.Path(pointer.path)
            if _is_complete(folder):
                return _reader_at(folder)
        from nltk.corpus import wordnet  # zipped corpus: let NLTK's lazy loader open it

        wordnet.ensure_loaded()
        return wordnet
    except (LookupError, OSError):
        return None


def build_from_debian(source: pathlib.Path = DEBIAN_WORDNET,
                      dest: pathlib.Path | None = None) -> pathlib.Path:
    """Copy Debian's WordNet files into ``dest`` (default: our nltk_data copy) and add ``lexnames``.

    Safe against concurrent builders: files go to a temporary sibling folder that is renamed into
    place in one step; if another process won the race, its complete copy is kept and ours dropped.
    Returns ``dest``. Raises FileNotFoundError when ``source`` lacks the database files.
    """
    dest = dest or _nltk_data_dir() / "corpora" / "wordnet"
    missing = [f for f in _REQUIRED if f != "lexnames" and not (source / f).is_file()]
    if missing:
        raise FileNotFoundError(f"{source} lacks {', '.join(missing)}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix=".wordnet-build-", dir=dest.parent))
    try:
        for entry in source.iterdir():
            if entry.is_file():  # follows links: we want the bytes, not a link
                shutil.copyfile(entry, tmp / entry.name)
        (tmp / "lexnames").write_text(lexnames_text(), encoding="utf-8")
        if dest.exists() and not _is_complete(dest):
            shutil.rmtree(dest, ignore_errors=True)  # a broken copy left by an older, killed build
        try:
            os.rename(tmp, dest)
        except OSError:
            if not _is_complete(dest):  # lost the race to a process that left garbage: surface it
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _network_reachable() -> bool:
    return host_reachable("https://raw.githubusercontent.com")


def locate_wordnet() -> tuple[str, pathlib.Path | None]:
    """Where :func:`load_wordnet` would find WordNet, without loading it: ``(kind, folder)``.

    ``kind`` is "nltk" (NLTK's data path), "cache" (our copy), "debian" (``/usr/share/wordnet``, copied
    into our cache on first use) or "missing" (folder None; the download is the only way left). Same
    order as :func:`load_wordnet`; nothing is written.
    """
    try:
        import nltk

        try:
            return "nltk", pathlib.Path(str(nltk.data.find("corpora/wordnet")))
        except LookupError:
            pass
        try:
            return "nltk", pathlib.Path(str(nltk.data.find("corpora/wordnet.zip")))
        except LookupError:
            pass
    except ImportError:
        return "missing", None
    ours = _nltk_data_dir(create=False) / "corpora" / "wordnet"
    if _is_complete(ours):
        return "cache", ours
    if all((DEBIAN_WORDNET / f).is_file() for f in _REQUIRED if f != "lexnames"):
        return "debian", DEBIAN_WORDNET
    return "missing", None


@functools.lru_cache(maxsize=1)
def load_wordnet() -> Any:
    """A working ``nltk.corpus.reader.WordNetCorpusReader`` (built once per process)."""
    tried: list[str] = []
    try:
        found = _from_nltk_search_path()
    except ImportError as exc:
        raise ResourceNotFoundError("WordNet (nltk)", [f"import nltk ({exc})"], "pip install nltk") from exc
    if found is not None:
        return found
    tried.append("NLTK data path (corpora/wordnet not found; $NLTK_DATA, ~/nltk_data, ...)")

    ours = _nltk_data_dir() / "corpora" / "wordnet"
    if _is_complete(ours):
        return _reader_at(ours)
    tried.append(f"our copy at {ours} (absent)")

    try:
        return _reader_at(build_from_debian(DEBIAN_WORDNET, ours))
    except (OSError, ValueError) as exc:
        tried.append(f"Debian WordNet at {DEBIAN_WORDNET} ({exc})")

    if _network_reachable():
        try:
            import nltk

            if nltk.download("wordnet", download_dir=str(_nltk_data_dir()), quiet=True):
                zipped = _nltk_data_dir() / "corpora" / "wordnet.zip"
                if zipped.is_file() and not ours.exists():
                    import zipfile

                    with zipfile.ZipFile(zipped) as zf:
                        zf.extractall(ours.parent)
                if _is_complete(ours):
                    return _reader_at(ours)
            tried.append("nltk.download('wordnet') (failed)")
        except Exception as exc:  # noqa: BLE001 - any download failure just means "not this way"
            tried.append(f"nltk.download('wordnet') ({type(exc).__name__}: {exc})")
        install = f"{APT_INSTALL}   (or, online: {NLTK_INSTALL})"
    else:
        tried.append("nltk.download('wordnet') (skipped: offline)")
        install = APT_INSTALL
    raise ResourceNotFoundError("WordNet 3.0", tried, install_hint(install))


@functools.lru_cache(maxsize=200_000)
def wordnet_pos_sets(word: str) -> frozenset[str]:
    """The WordNet parts of speech of ``word``'s senses, among ``{'n', 'v', 'a', 'r'}``.

    Adjective satellites (``'s'``) count as ``'a'``, so a POS constraint compares like with like.
    Lookup goes through WordNet's morphology, so inflected forms ("running") are covered.
    """
    wn = load_wordnet()
    return frozenset("a" if s.pos() == "s" else s.pos() for s in wn.synsets(word.lower()))


#: WordNet's data files and the part of speech whose synsets each holds (satellites are in data.adj)
_DATA_FILES = (("n", "data.noun"), ("v", "data.verb"), ("a", "data.adj"), ("r", "data.adv"))
#: the syntactic marker an adjective may carry in the data files ("galore(ip)"); NLTK drops it
_ADJ_MARKER = re.compile(r"\((?:a|p|ip)\)$")


@functools.lru_cache(maxsize=1)
def _lemma_names_by_offset(wordnet: Any) -> dict[tuple[str, int], tuple[str, ...]]:
    """Every synset's lemma names, in WordNet's order, keyed by (data file's part of speech, byte offset).

    One pass over the four data files (117,659 synsets, about 0.3 s). NLTK instead parses a synset the
    first time it is asked for (0.25 ms each): a PWWS run over 20 news articles asks for 3,654 of them,
    0.9 s, three quarters of its time outside a TF-IDF victim. Names are as NLTK gives them
    (``Lemma.name()``: underscores kept, an adjective's syntactic marker such as "(a)" dropped).
    """
    table: dict[tuple[str, int], tuple[str, ...]] = {}
    for pos, name in _DATA_FILES:
        with wordnet.root.join(name).open() as stream:
            for line in stream:
                if line.startswith(b"  "):  # the licence header
                    continue
                head = line.split(b" ", 4)  # offset, lex_filenum, ss_type, w_cnt (hex), rest
                count = int(head[3], 16)
                fields = head[4].split(b" ", 2 * count)
                table[(pos, int(head[0]))] = tuple(
                    _ADJ_MARKER.sub("", w.decode("utf-8")) for w in fields[: 2 * count : 2])
    return table



def sense_lemma_names(word: str, pos: str | None = None) -> list[tuple[str, ...]]:
    """The lemma names of each synset ``wordnet.synsets(word, pos)`` returns, in the same order.

    Same lookup as NLTK's (its morphology, then its lemma index), without building synset objects: see
    :func:`_lemma_names_by_offset`. Falls back to ``synsets()`` if this NLTK lacks the two internals.
    """
    wn = load_wordnet()
    morphy = getattr(wn, "_morphy", None)
    index = getattr(wn, "_lemma_pos_offset_map", None)
    root = getattr(wn, "root", None)
    if morphy is None or index is None or not hasattr(root, "join"):
        return [tuple(lemma.name() for lemma in s.lemmas()) for s in wn.synsets(word, pos=pos)]
    table = _lemma_names_by_offset(wn)
    word = word.lower()
    out = []
    for p in ("n", "v", "a", "r") if pos is None else (pos,):
        file_pos = "a" if p == "s" else p
        for form in morphy(word, p):
            out.extend(table[(file_pos, offset)] for offset in index[form].get(p, ()))
    return out
