"""Our English stopword list: words a word-swap attack must leave alone.

Why our own list: NLTK's stopwords corpus needs ``nltk.download`` (no network here, and a hidden side
effect elsewhere), and TextAttack keeps its list inline in code. Ours is package data
(``resources/data/stopwords.txt``): articles, pronouns, auxiliaries and modals, the pieces that
contractions split into ("n't", "'s", "don", "t"), prepositions, conjunctions, negations (not / no /
nor / never) and degree adverbs (very / too). Negations are on it on purpose: swapping "not" flips
meaning, so a sentiment attack that did so would not be a label-preserving perturbation.
"""

from __future__ import annotations

import functools
import importlib.resources


@functools.lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """The packaged stopword list as a frozen set of lower-case strings (read once)."""
    text = (importlib.resources.files("attack_recipe.resources") / "data" / "stopwords.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
