"""Substitutes take the grammatical form of the word they replace (lemminflect's packaged tables)."""

import pytest

from attack_recipe.resources.inflection import inflect_like


@pytest.mark.parametrize("substitute, tag, expected", [
    ("adore", "VBD", "adored"),      # "loved" -> "adored", not "adore"
    ("adores", "VBD", "adored"),     # any form of the substitute is lemmatised first
    ("film", "NNS", "films"),
    ("films", "NN", "film"),
    ("child", "NNS", "children"),    # irregular plural
    ("good", "JJR", "better"),       # irregular comparative
    ("run", "VBG", "running"),
])
def test_substitute_takes_the_original_form(substitute, tag, expected):
    assert inflect_like(substitute, tag) == expected


@pytest.mark.parametrize("substitute, tag", [
    ("customers", "VB"),   # no verb lemma: left alone (POS agreement is the POS constraint's job)
    ("xqzt", "NNS"),       # unknown word
    ("vegas", "NNP"),      # proper nouns are not inflected
    ("the", "DT"),
    ("awesome", None),     # no tag known
])
def test_unknown_or_uninflectable_is_left_unchanged(substitute, tag):
    assert inflect_like(substitute, tag) == substitute
