"""A small, model-free attack for tests: character edits, greedy by ``[UNK]`` importance.

It needs no encoder, vectors or WordNet, so a test that is about the harness, resume or the CLI
plumbing (not about a recipe) runs in milliseconds.
"""

from __future__ import annotations

from ..attacks.attack import Attack
from ..attacks.search.greedy_wir import GreedyWordSwapWIR
from ..attacks.transformations.base import Composite
from ..attacks.transformations.char_edits import NeighbourCharacterSwap, RandomCharacterSubstitution
from ..constraints.repeat import RepeatModification


def character_attack() -> Attack:
    """Neighbour swaps and substitutions, each word once, words ranked by ``[UNK]`` replacement."""
    return Attack(Composite([NeighbourCharacterSwap(), RandomCharacterSubstitution()]),
                  GreedyWordSwapWIR("unk"), [RepeatModification()], similarity_model=None, name="chars")
