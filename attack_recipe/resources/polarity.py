"""Word polarity from VADER's lexicon (Hutto & Gilbert 2014), read straight from the installed wheel.

Why a lexicon: a word swap that turns "love" into "hate" moves a sentence embedding very little, but
the two words sit at +3.2 and -2.7 on VADER's human-rated -4..+4 scale, so a polarity flip, a removed
sentiment word ("bad" -> "definitely") or an added one ("buy" -> "corrupt") is visible word by word.
We read ``vaderSentiment/vader_lexicon.txt`` (7.5k words and emoticons) without importing the package:
only the numbers are needed, not its sentence scorer.
"""

from __future__ import annotations

import functools
import os
import pathlib

from ..errors import ResourceNotFoundError
from .paths import install_hint, package_path, pip_command

PACKAGE = "vaderSentiment"
LEXICON_FILE = "vader_lexicon.txt"
ENV_VAR = "ATTACK_RECIPE_POLARITY_LEXICON"
PIP = ("vaderSentiment==3.3.2",)
INSTALL = pip_command(*PIP)


def read_lexicon(path: str | os.PathLike) -> dict[str, float]:
    """``token<TAB>mean<TAB>sd<TAB>ratings`` per line -> ``{token: mean}`` (tokens lower-cased)."""
    lexicon: dict[str, float] = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                continue
            try:
                lexicon.setdefault(parts[0].lower(), float(parts[1]))
            except ValueError:
                continue
    return lexicon


@functools.lru_cache(maxsize=2)
def load_polarity_lexicon(path: str | None = None) -> dict[str, float]:
    """The polarity lexicon: ``path`` → ``$ATTACK_RECIPE_POLARITY_LEXICON`` → the installed VADER wheel."""
    tried: list[str] = []
    explicit = path or os.environ.get(ENV_VAR)
    if explicit:
        p = pathlib.Path(explicit).expanduser()
        if p.is_file():
            return read_lexicon(p)
        tried.append(f"{'path argument' if path else '$' + ENV_VAR}: {p} (not a file)")
    packaged = packaged_lexicon()
    if packaged is not None:
        return read_lexicon(packaged)
    root = package_path(PACKAGE)
    tried.append(f"python package {PACKAGE}: " + ("not installed" if root is None else f"no {LEXICON_FILE} in {root}"))
    raise ResourceNotFoundError("polarity lexicon (VADER)", tried, install_hint(INSTALL))


def packaged_lexicon() -> pathlib.Path | None:
    """VADER's ``vader_lexicon.txt`` inside the installed wheel (not imported), or None."""
    root = package_path(PACKAGE)
    return root / LEXICON_FILE if root is not None and (root / LEXICON_FILE).is_file() else None
