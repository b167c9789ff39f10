"""Contextual word checks of the word-swap recipes: tags aligned to words, strict POS, protected
words, inflected substitutes and WordNet senses by context.

Most tests use :class:`~attack_recipe.testing.judge.TinyTagger` (tags from a word list), so each says
which tag it relies on; one test reads the real packaged spaCy model on the cases that motivated
the change ("you just made my day", "the firm hired").
"""

from __future__ import annotations

import pytest

from attack_recipe.attacks.transformations.base import WordSwap
from attack_recipe.attacks.transformations.wordnet_swap import WordSwapWordNet
from attack_recipe.constraints.contextual_pos import ContextualPartOfSpeech
from attack_recipe.constraints.protected import ProtectedWords
from attack_recipe.core.text import AttackedText
from attack_recipe.errors import UsageError
from attack_recipe.recipes.word_context import part_of_speech
from attack_recipe.resources.word_tags import WordTag, WordTagger
from attack_recipe.testing.judge import TinyTagger

TAGS = {"the": ("DET", "DT"), "movie": ("NOUN", "NN"), "movies": ("NOUN", "NNS"), "film": ("NOUN", "NN"),
        "films": ("NOUN", "NNS"), "was": ("AUX", "VBD"), "great": ("ADJ", "JJ"), "good": ("ADJ", "JJ"),
        "loved": ("VERB", "VBD"), "adore": ("VERB", "VBP"), "adored": ("VERB", "VBD"), "love": ("VERB", "VBP"),
        "i": ("PRON", "PRP"), "it": ("PRON", "PRP"), "in": ("ADP", "IN"), "quickly": ("ADV", "RB")}


def tagger(**entities):
    return WordTagger(TinyTagger(TAGS, entities=entities))


def test_word_tags_align_with_words_and_are_cached():
    t = tagger(Boston="GPE")
    text = AttackedText("I loved the movie in Boston!! #great")
    tags = t.tags([text])[0]
    assert len(tags) == text.num_words == 7
    assert tags[1] == WordTag("VERB", "VBD") and tags[5].ent == "GPE"
    assert tags[6].pos == "NOUN"  # the tiny tagger reads "#great" as one unknown token; it still aligns
    calls = t.tagger.calls
    t.tags([text, AttackedText(text.text)])
    assert t.tagger.calls == calls  # answered from the cache


def test_shouting_text_is_tagged_lower_cased():
    t = tagger()
    tags = t.tags([AttackedText("THE MOVIE WAS GREAT")])[0]
    assert [x.pos for x in tags] == ["DET", "NOUN", "AUX", "ADJ"]  # not PROPN for each capitalised word


def test_contextual_pos_keeps_pos_and_form():
    pos = ContextualPartOfSpeech(tagger=tagger())
    text = AttackedText("I loved the movie")
    ok = [text.replace_word(3, "film"), text.replace_word(1, "adored")]
    wrong_form = [text.replace_word(3, "films"), text.replace_word(1, "adore")]  # NN -> NNS, VBD -> VBP
    wrong_pos = [text.replace_word(3, "great"), text.replace_word(1, "quickly")]
    assert pos.filter(ok + wrong_form + wrong_pos) == ok
    assert ContextualPartOfSpeech(check_form=False, tagger=tagger()).filter(ok + wrong_form) == ok + wrong_form


def test_contextual_pos_compares_each_step_with_the_text_it_was_made_from():
    pos = ContextualPartOfSpeech(tagger=tagger())
    step1 = AttackedText("I loved the movie").replace_word(3, "film")
    step2 = step1.replace_word(1, "adored")
    assert pos.filter([step2]) == [step2]


def test_verb_noun_swap_only_when_allowed():
    text = AttackedText("I loved the movie")
    cand = text.replace_word(3, "love")  # NOUN -> VERB (VBP)
    assert ContextualPartOfSpeech(tagger=tagger(), check_form=False).filter([cand]) == []
    assert ContextualPartOfSpeech(allow_verb_noun_swap=True, check_form=False, tagger=tagger()).filter([cand]) == [cand]


def test_protected_words_are_entities_proper_nouns_hashtags_and_numbers():
    protect = ProtectedWords(tagger=tagger(Boston="GPE"))
    text = AttackedText("I loved the 2 movies in Boston with Alice #great @bob http://x.y/z")
    words = text.words
    protected = {words[i] for i in protect.protected(text)}
    assert protected == {"2", "Boston", "Alice", "great"}  # URL and @mention are no words at all
    assert {words[i] for i in protect.modifiable(text)} == {"I", "loved", "the", "movies", "in", "with"}
    nothing = ProtectedWords(entities=False, hashtags=False, numbers=False, tagger=tagger())
    assert nothing.protected(text) == set()


def test_a_shouting_capitalised_word_is_not_taken_for_a_name():
    protect = ProtectedWords(tagger=tagger())
    text = AttackedText("YOURE AMAZING AND GOOD")  # TinyTagger: unknown capitalised words are PROPN
    assert protect.protected(text) == set()


def test_protection_follows_the_original_so_it_is_stable_along_the_path():
    protect = ProtectedWords(tagger=tagger())
    text = AttackedText("I met Alice today").replace_word(3, "yesterday")
    assert protect.protected(text) == {2}


class Table(WordSwap):
    def __init__(self, table, inflect=True, tagger=None):
        self.table, self.inflect, self.tagger = table, inflect, tagger

    def replacements(self, word, index, text, rng=None):
        return self.table.get(word.lower(), [])


def test_inflection_and_case_follow_the_replaced_word():
    swap = Table({"loved": ["adore", "cherish"], "amazing": ["awesome"], "movies": ["film"]}, tagger=tagger())
    out = [c.text for c in swap(AttackedText("I loved the movies"), [1, 3])]
    assert out == ["I adored the movies", "I cherished the movies", "I loved the films"]
    assert [c.text for c in swap(AttackedText("YOURE AMAZING"), [1])] == ["YOURE AWESOME"]
    plain = Table({"loved": ["adore"]}, inflect=False, tagger=tagger())
    assert [c.text for c in plain(AttackedText("I loved it"), [1])] == ["I adore it"]


def test_a_replacement_that_inflects_back_to_the_word_is_dropped():
    swap = Table({"loved": ["love", "loving"]}, tagger=tagger())
    assert [c.text for c in swap(AttackedText("I loved it"), [1])] == []


def test_wordnet_senses_follow_the_contextual_pos():
    text = AttackedText("I loved the movie")
    contextual = WordSwapWordNet(senses="contextual", tagger=tagger())
    everything = WordSwapWordNet(senses="all", tagger=tagger())
    verbs = set(contextual.replacements("loved", 1, text))
    assert verbs and "passion" not in {w.lower() for w in verbs}  # "love" the noun is not offered for a verb
    assert "passion" in {w.lower() for w in everything.replacements("love", 1, text)}
    assert contextual.replacements("the", 2, text) == []  # a determiner has no WordNet senses
    with pytest.raises(UsageError):
        WordSwapWordNet(senses="some")


def test_pos_check_names():
    assert [type(c).__name__ for c in part_of_speech("contextual")] == ["ContextualPartOfSpeech"]
    assert [type(c).__name__ for c in part_of_speech("wordnet")] == ["PartOfSpeech"]
    assert part_of_speech("none") == []
    with pytest.raises(UsageError, match="pos_check"):
        part_of_speech("nltk")


def test_real_tagger_reads_the_motivating_cases():
    pytest.importorskip("spacy")
    pos = ContextualPartOfSpeech()
    made = AttackedText("you just made my day")
    # every-sense WordNet offers "cook" (a verb: fine) and "brand" (a noun: rejected in context)
    kept = pos.filter([made.replace_word(2, "cooked"), made.replace_word(2, "brand")])
    assert [c.words[2] for c in kept] == ["cooked"]
    firm = AttackedText("the firm hired two people")
    assert pos.filter([firm.replace_word(1, "loyal")]) == []
    assert pos.filter([firm.replace_word(1, "company")])


@pytest.mark.parametrize("name", ["textfooler", "a2t", "genetic", "pso", "pwws", "bert-attack", "bae",
                                  "paraphrase+swap"])
def test_word_swap_recipes_read_words_in_context_by_default(name):
    from attack_recipe import load_recipe
    from attack_recipe.attacks.transformations.embedding_swap import WordSwapEmbedding

    attack = load_recipe(name)
    assert any(isinstance(p, ProtectedWords) for p in attack.pre_constraints)
    assert not any(isinstance(p, ProtectedWords) for p in load_recipe(name, protect=False).pre_constraints)
    t = attack.transformation
    if isinstance(t, WordSwapEmbedding):
        assert t.embedding == "counter-fitted-glove-50d" and t.inflect
    if isinstance(t, WordSwapWordNet):
        assert t.senses == "contextual" and t.inflect
    if name in ("textfooler", "a2t", "bert-attack", "bae", "paraphrase+swap"):
        assert any(isinstance(c, ContextualPartOfSpeech) and not c.allow_verb_noun_swap for c in attack.constraints)


def test_the_papers_versions_stay_available():
    from attack_recipe import load_recipe
    from attack_recipe.constraints.part_of_speech import PartOfSpeech

    assert load_recipe("pwws", senses="all").transformation.senses == "all"
    tf = load_recipe("textfooler", pos_check="wordnet", embedding="glove-6b-50d", inflect=False)
    assert any(isinstance(c, PartOfSpeech) for c in tf.constraints) and not tf.transformation.inflect


def test_every_pre_constraint_allows_what_it_calls_modifiable():
    """``allows`` (a greedy step asks about one position at a time) is ``modifiable`` restricted to the
    positions asked about, for the per-word rules that override it and the default alike."""
    from attack_recipe.constraints.repeat import RepeatModification
    from attack_recipe.constraints.stopwords import StopwordModification
    from attack_recipe.constraints.word_length import MinWordLength

    text = AttackedText("I loved the 2 movies in Boston with Alice #great").replace_word(1, "adored")
    pres = [RepeatModification(), StopwordModification(), MinWordLength(4),
            ProtectedWords(tagger=tagger(Boston="GPE"))]
    asked = [0, 1, 2, 4, 6, 9]
    for pre in pres:
        allowed = pre.modifiable(text)
        assert pre.allows(text, asked) == [i for i in asked if i in allowed], pre
    assert RepeatModification().allows(text, [1, 4]) == [4]


class SlowTagger(TinyTagger):
    """A tagger that takes 5 ms a call, so its time is measurable."""

    def tag_many(self, texts):
        import time

        time.sleep(0.005)
        return super().tag_many(texts)


def test_the_taggers_time_is_its_own_in_the_time_split_not_rest():
    from attack_recipe.attacks.attack import Attack
    from attack_recipe.attacks.search.greedy_wir import GreedyWordSwapWIR
    from attack_recipe.evaluation.console import time_split_line
    from attack_recipe.evaluation.metrics import time_split
    from attack_recipe.testing import KeywordSentimentVictim

    slow = WordTagger(SlowTagger(TAGS))
    swap = Table({"loved": ["adore", "hate"], "movie": ["film"]}, tagger=slow)
    attack = Attack(swap, GreedyWordSwapWIR("delete"), [ContextualPartOfSpeech(tagger=slow)], similarity_model=None)
    result = attack.run(KeywordSentimentVictim({"loved": 2.0, "hate": -3.0}), "I loved the movie", 1)
    assert slow.tagger.calls >= 2  # inflecting the candidates and checking their POS
    assert result.seconds.tagger >= 0.005 * slow.tagger.calls * 0.9
    assert result.seconds.rest < result.seconds.tagger
    split = time_split([result])
    assert split["tagger_seconds"] == round(result.seconds.tagger, 4)
    assert " tagger " in time_split_line(split)
    assert " tagger " not in time_split_line(time_split([attack.run(KeywordSentimentVictim(), "fine", 1)]))
