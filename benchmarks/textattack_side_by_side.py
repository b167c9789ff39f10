"""Run TextAttack 0.3.11's own recipes on our built-in victim, offline, for a side-by-side comparison.

Runs in a SEPARATE TextAttack environment (see benchmarks/README.md), on the files written by
benchmarks/export_for_textattack.py:

    NLTK_DATA=/tmp/ta-nltk HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
        /tmp/ta-venv/bin/python benchmarks/textattack_side_by_side.py pwws --inputs /tmp/ta-inputs

Writes <out>/<recipe>.jsonl (per example) and <out>/<recipe>_summary.json with TextAttack's own
metrics (its query count includes cache hits and averages over failures; see docs/metrics.md).

Offline substitutions, each also noted in docs/recipes.md:
* TextAttack's stock HuggingFaceModelWrapper pads every batch to 512 tokens (~10x slower on CPU);
  DynamicPadWrapper keeps the 512 truncation and pads per batch (identical outputs up to 3e-7).
* nltk.download is disabled (no network); NLTK stopwords come from our list (export writes it).
* textfooler: GloVe-50d instead of counter-fitted vectors, all-MiniLM-L6-v2 (mean pooling) instead
  of USE with TextAttack's thresholds and window, and, with --pos wordnet, a lexical WordNet POS check
  instead of NLTK's tagger (whose data does not ship offline).
"""
import argparse
import json
import os
import sys
import time

for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(k, "1")

import nltk

nltk.download = lambda *a, **k: True  # offline: textattack calls nltk.download at import

import numpy as np
import torch

import textattack
from textattack import AttackArgs, Attacker
from textattack.attack_results import FailedAttackResult, SkippedAttackResult, SuccessfulAttackResult
from textattack.metrics import AttackQueries, AttackSuccessRate, WordsPerturbed
from textattack.models.wrappers import HuggingFaceModelWrapper
from transformers import AutoModelForSequenceClassification, AutoTokenizer

# set from --inputs in main()
VICTIM = MINILM = EMB_DIR = OUT = ""


class DynamicPadWrapper(HuggingFaceModelWrapper):
    """Stock HuggingFaceModelWrapper pads every batch to max_length=512 (model_max_length); on 2 CPU
    cores that is ~10x slower. Same truncation (512), dynamic padding instead: identical logits up to
    float noise (attention mask hides pad tokens)."""

    def __call__(self, text_input_list):
        enc = self.tokenizer(
            list(text_input_list), add_special_tokens=True, padding=True, max_length=512,
            truncation=True, return_tensors="pt",
        )
        with torch.no_grad():
            out = self.model(**enc)
        return out.logits


def build_textfooler(model_wrapper):
    """TextFooler (TextAttack's recipe) with offline substitutes:
    - WordEmbedding: GloVe 6B-50d as exported by attack_recipe's loader, nn matrix of 50 neighbours
      precomputed by cosine (TextAttack's counter-fitted Paragram vectors come from S3).
    - Sentence encoder: all-MiniLM-L6-v2 (mean pooling) instead of USE (TF-Hub); same threshold,
      metric, window, compare_against_original=False, skip_text_shorter_than_window=True.
    - PartOfSpeech: see POS note below (NLTK perceptron tagger data is not available offline)."""
    from textattack import Attack
    from textattack.constraints.grammaticality import PartOfSpeech
    from textattack.constraints.pre_transformation import (
        InputColumnModification, RepeatModification, StopwordModification,
    )
    from textattack.constraints.semantics import WordEmbeddingDistance
    from textattack.constraints.semantics.sentence_encoders import SentenceEncoder
    from textattack.goal_functions import UntargetedClassification
    from textattack.search_methods import GreedyWordSwapWIR
    from textattack.shared import WordEmbedding
    from textattack.transformations import WordSwapEmbedding
    from textattack.attack_recipes.textfooler_jin_2019 import TextFoolerJin2019

    words = json.load(open(os.path.join(EMB_DIR, "words.json")))
    matrix = np.load(os.path.join(EMB_DIR, "matrix.npy"))
    nn = np.load(os.path.join(EMB_DIR, "nn.npy"))
    w2i = {w: i for i, w in enumerate(words)}
    i2w = {i: w for i, w in enumerate(words)}
    emb = WordEmbedding(matrix, w2i, i2w, nn)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from sbs_victims import MeanPooledEncoder  # the one mean-pooled MiniLM of the benchmarks

    class MiniLMEncoder(SentenceEncoder):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.pooled = MeanPooledEncoder(MINILM)

        def encode(self, sentences):
            return self.pooled.encode(list(sentences))

    if STOPWORDS:  # the side-by-side's shared definition: attack-recipe's stopword list
        sw = set(open(STOPWORDS, encoding="utf-8").read().split())
    else:  # TextAttack's own set for TextFooler (hard-coded in the recipe source)
        import inspect, ast, re
        src = inspect.getsource(TextFoolerJin2019.build)
        sw = set(ast.literal_eval(re.search(r"set\(\s*(\[.*?\])\s*\)", src, re.S).group(1)))

    WordNetPOS = _make_wordnet_pos()
    transformation = WordSwapEmbedding(max_candidates=50, embedding=emb)
    constraints = [RepeatModification(), StopwordModification(stopwords=sw)]
    constraints.append(InputColumnModification(["premise", "hypothesis"], {"premise"}))
    constraints.append(WordEmbeddingDistance(embedding=emb, min_cos_sim=0.5))
    if POS_MODE == "nltk":  # needs averaged_perceptron_tagger(_eng) + universal_tagset: not offline
        constraints.append(PartOfSpeech(allow_verb_noun_swap=True))
    elif POS_MODE == "wordnet":
        constraints.append(WordNetPOS(allow_verb_noun_swap=True))
    encoder = MiniLMEncoder(threshold=0.840845057, metric="angular", compare_against_original=False,
                            window_size=15, skip_text_shorter_than_window=SKIP_SHORT)
    timed_encode = encoder.encode

    def encode(sentences):
        start = time.perf_counter()
        try:
            return timed_encode(sentences)
        finally:
            TIMERS["encoder_s"] += time.perf_counter() - start

    encoder.encode = encode
    constraints.append(encoder)
    goal_function = UntargetedClassification(model_wrapper)
    search_method = GreedyWordSwapWIR(wir_method="delete")
    return Attack(goal_function, constraints, transformation, search_method)


POS_MODE = "none"
STOPWORDS = ""  # a file of stopwords for TextFooler (--stopwords); "" keeps TextAttack's own set
SKIP_SHORT = True  # TextAttack's TextFooler skips the encoder check for texts shorter than the window
OUR_WORDS = False  # --our-words: modify only what attack-recipe counts as modifiable words
TIMERS = {"encoder_s": 0.0}


def _wordnet_pos_sets(word):
    from nltk.corpus import wordnet as wn
    return {("a" if s.pos() == "s" else s.pos()) for s in wn.synsets(word.lower())}


def _make_wordnet_pos():
    from textattack.constraints import Constraint

    class WordNetPOS(Constraint):
        """Lexical POS check mirroring attack_recipe's offline PartOfSpeech: the swap is allowed when
        both words can share a WordNet POS (n/v interchangeable); words unknown to WordNet may only
        be swapped for unknown words. Replaces TextAttack's contextual NLTK-tagger check."""

        def __init__(self, allow_verb_noun_swap=True):
            super().__init__(compare_against_original=True)
            self.allow_verb_noun_swap = allow_verb_noun_swap

        def _ok(self, a_word, b_word):
            a, b = _wordnet_pos_sets(a_word), _wordnet_pos_sets(b_word)
            if not a or not b:
                return not a and not b
            if a & b:
                return True
            return self.allow_verb_noun_swap and bool(a & {"n", "v"}) and bool(b & {"n", "v"})

        def _check_constraint(self, transformed_text, reference_text):
            idx = transformed_text.attack_attrs.get("newly_modified_indices", set())
            for i in idx:
                if not self._ok(reference_text.words[i], transformed_text.words[i]):
                    return False
            return True

        def check_compatibility(self, transformation):
            from textattack.transformations import WordSwap
            return isinstance(transformation, WordSwap)

    return WordNetPOS


def _make_our_words(stopwords):
    """A pre-transformation constraint that leaves TextAttack only the words attack-recipe may modify.

    Two differences in TextAttack 0.3.11's word handling, found by diffing per-example results on the
    built-in victim (docs/speed.md): its StopwordModification compares the word as written, so "I",
    "This" and "And" are swapped although "i", "this" and "and" are stopwords; and words_from_text
    splits @mentions and URLs into words ("@United" -> "United", "http://t.co/x" -> "http", "t",
    "co", "x"), so the addressee and the link get swapped. attack-recipe treats neither as a word
    to change (attack_recipe/core/text.py's PROTECTED_PATTERN, imported from this checkout: that
    module needs nothing TextAttack's environment lacks)."""
    import re

    from textattack.constraints import PreTransformationConstraint
    from textattack.shared.utils import words_from_text

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from attack_recipe.core.text import PROTECTED_PATTERN

    protected = re.compile(PROTECTED_PATTERN)
    lowered = {w.lower() for w in stopwords}

    class OurWords(PreTransformationConstraint):
        def _get_modifiable_indices(self, current_text):
            # words_from_text splits on whitespace and segments each piece: redo it piece by piece to
            # know which words come from a mention or URL.
            inside, index = set(), 0
            for piece in current_text.text.split():
                count = len(words_from_text(piece))
                if protected.search(piece):
                    inside.update(range(index, index + count))
                index += count
            return {i for i, w in enumerate(current_text.words) if i not in inside and w.lower() not in lowered}

    return OurWords()


class CountingWrapper(textattack.models.wrappers.ModelWrapper):
    """TextAttack's wrapper around a side-by-side victim (benchmarks/sbs_victims.py): the same
    prediction function and counters as attack-recipe's side of the comparison."""

    def __init__(self, model):
        self.model = model

    def __call__(self, text_input_list):
        return self.model(list(text_input_list))


def main():
    global POS_MODE, VICTIM, MINILM, EMB_DIR, OUT, STOPWORDS, SKIP_SHORT, OUR_WORDS
    ap = argparse.ArgumentParser()
    ap.add_argument("recipe", choices=["pwws", "deepwordbug", "textfooler"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--inputs", default="/tmp/ta-inputs", help="folder written by export_for_textattack.py")
    ap.add_argument("--out", default="/tmp/ta-results")
    ap.add_argument("--pos", default="none", choices=["none", "nltk", "wordnet"])
    ap.add_argument("--victim", default="builtin",
                    help="builtin (our sentiment-minilm, tweets from --inputs) or a side-by-side victim of "
                         "benchmarks/sbs_victims.py, whose files are in --work")
    ap.add_argument("--work", default="/tmp/sbs", help="folder written by side_by_side.py build")
    ap.add_argument("--stopwords", default="", help="TextFooler's stopword file (default: TextAttack's own set)")
    ap.add_argument("--check-short-texts", action="store_true",
                    help="TextFooler: apply the encoder check to texts shorter than its window too")
    ap.add_argument("--our-words", action="store_true",
                    help="modify only what attack-recipe may: stopwords in any case, no word of an @mention or URL "
                         "(see _make_our_words)")
    ap.add_argument("--json-out", default="", help="write the timing record here too")
    args = ap.parse_args()
    POS_MODE, STOPWORDS, SKIP_SHORT, OUR_WORDS = args.pos, args.stopwords, not args.check_short_texts, args.our_words
    paths = json.load(open(os.path.join(args.inputs, "paths.json")))
    VICTIM, MINILM, EMB_DIR, OUT = paths["victim"], paths["minilm"], os.path.join(args.inputs, "glove"), args.out
    torch.set_num_threads(args.threads)
    os.makedirs(OUT, exist_ok=True)

    counting = None
    if args.victim == "builtin":
        rows = [json.loads(line) for line in open(os.path.join(args.inputs, "tweets.jsonl"))][: args.n]
        tok = AutoTokenizer.from_pretrained(VICTIM)
        model = AutoModelForSequenceClassification.from_pretrained(VICTIM).eval()
        padded = DynamicPadWrapper(model, tok)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import sbs_victims  # the same counter of seconds and distinct texts as the side-by-side victims

        counting = sbs_victims.CountingModel(lambda texts: padded(texts).numpy(),
                                             [model.config.id2label[i] for i in range(model.config.num_labels)])
        wrapper = CountingWrapper(counting)
        pairs = [(r["text"], r["label"]) for r in rows]
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import sbs_victims

        counting = sbs_victims.load(args.victim, args.work)
        wrapper = CountingWrapper(counting)
        rows = [json.loads(line) for line in open(os.path.join(args.work, f"{args.victim}.jsonl"))][: args.n]
        pairs = [(r["text"], counting.labels.index(r["label"])) for r in rows]
    dataset = textattack.datasets.Dataset(pairs)

    if args.recipe == "pwws":
        attack = textattack.attack_recipes.PWWSRen2019.build(wrapper)
    elif args.recipe == "deepwordbug":
        attack = textattack.attack_recipes.DeepWordBugGao2018.build(wrapper)
    else:
        attack = build_textfooler(wrapper)
    if OUR_WORDS:  # the recipe's own stopwords, matched in any case; mentions and URLs left alone
        from textattack.constraints.pre_transformation import StopwordModification

        stopwords = next(c.stopwords for c in attack.pre_transformation_constraints
                         if isinstance(c, StopwordModification))
        attack.pre_transformation_constraints.append(_make_our_words(stopwords))
    print(attack, file=sys.stderr)

    attack_args = AttackArgs(num_examples=len(rows), disable_stdout=True, random_seed=0,
                             query_budget=None, silent=True)
    attacker = Attacker(attack, dataset, attack_args)
    if counting is not None:
        counting.reset()
    TIMERS["encoder_s"] = 0.0
    t0 = time.time()
    results = attacker.attack_dataset()
    wall = time.time() - t0

    name = args.recipe + ("" if args.recipe != "textfooler" else f"_pos-{args.pos}") + ("_our-words" if OUR_WORDS else "")
    if args.victim != "builtin":
        name = f"{args.victim}_{name}"
    with open(os.path.join(OUT, f"{name}.jsonl"), "w") as f:
        for r, res in zip(rows, results):
            status = {SuccessfulAttackResult: "succeeded", FailedAttackResult: "failed",
                      SkippedAttackResult: "skipped"}.get(type(res), type(res).__name__)
            o, p = res.original_result, res.perturbed_result
            ow, pw = o.attacked_text.words, p.attacked_text.words
            changed = sorted(o.attacked_text.all_words_diff(p.attacked_text))
            f.write(json.dumps({
                "id": r["id"], "label": r["label"], "status": status,
                "original": o.attacked_text.text, "perturbed": p.attacked_text.text,
                "num_queries": p.num_queries,
                "original_output": int(o.output), "perturbed_output": int(p.output),
                "original_score": float(o.score), "perturbed_score": float(p.score),
                "num_words": len(ow), "changed_indices": changed,
                "changed_words": [[ow[i], pw[i] if i < len(pw) else None] for i in changed],
            }, ensure_ascii=False) + "\n")

    asr = AttackSuccessRate().calculate(results)
    wp = WordsPerturbed().calculate(results)
    aq = AttackQueries().calculate(results)
    summary = {
        "recipe": name, "n": len(rows), "wall_s": round(wall, 3), "threads": args.threads,
        "succeeded": asr["successful_attacks"], "failed": asr["failed_attacks"],
        "skipped": asr["skipped_attacks"],
        "original_accuracy": asr["original_accuracy"],
        "accuracy_under_attack": asr["attack_accuracy_perc"],
        "attack_success_rate": asr["attack_success_rate"],
        "avg_perturbed_word_pct": wp["avg_word_perturbed_perc"],
        "avg_num_queries": aq["avg_num_queries"],
        "encoder_s": TIMERS["encoder_s"],
    }
    if counting is not None:
        summary.update(counting.counts())
    json.dump(summary, open(os.path.join(OUT, f"{name}_summary.json"), "w"), indent=1)
    if args.json_out:
        json.dump(summary, open(args.json_out, "w"), indent=1)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
