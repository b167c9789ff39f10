"""The high-stakes workflow (issue 11): calibrate, estimate, harden, augment — on tiny victims.

The victim of most tests is a TF-IDF + logistic-regression pipeline fitted on templated sentences
(negative = unsafe), given to the CLI as ``filtermod:make_victim`` from the test's folder. The real
rounds on the built-in filter run in the slow suite (tests/test_slow_highstakes.py).
"""

from __future__ import annotations

import csv
import json
import random

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.stats import binom

from attack_recipe.cli import main
from attack_recipe.errors import UsageError
from attack_recipe.highstakes.binomial import clopper_pearson
from attack_recipe.highstakes.calibration import calibrate, rates_at

NEG = ["bad", "terrible", "awful", "horrible", "boring", "dreadful", "poor", "nasty"]
POS = ["good", "great", "nice", "lovely", "fine", "wonderful", "pleasant", "superb"]
NOUNS = ["movie", "meal", "trip", "service", "hotel", "book", "show", "flight"]
TEMPLATES = ["the {n} was {a}", "what a {a} {n} today", "i found the {n} {a} and long", "honestly a {a} {n}",
             "my {n} felt {a} overall", "such a {a} {n} for the price"]

FILTER_MODULE = '''
import csv
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from attack_recipe import SklearnVictim

def make_victim():
    rows = list(csv.DictReader(open("train.csv")))
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression(C=5.0))
    pipe.fit([r["text"] for r in rows], [r["label"] for r in rows])
    return SklearnVictim(pipe, name="tfidf-lr")
'''


def _rows(n: int, seed: int):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        unsafe = rng.random() < 0.5
        text = rng.choice(TEMPLATES).format(n=rng.choice(NOUNS), a=rng.choice(NEG if unsafe else POS))
        out.append((text, "negative" if unsafe else "positive"))
    return out


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A folder with train/eval/cal CSVs and filtermod.py, as the current directory."""
    for name, n, seed in (("train", 160, 1), ("eval", 100, 2), ("cal", 100, 3)):
        with open(tmp_path / f"{name}.csv", "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["text", "label"])
            writer.writerows(_rows(n, seed))
    (tmp_path / "filtermod.py").write_text(FILTER_MODULE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def _invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# ------------------------------------------------------------------------------- exact intervals
@pytest.mark.parametrize("k,n", [(0, 20), (3, 20), (20, 20), (1, 1000), (57, 300)])
def test_clopper_pearson_inverts_the_binomial_tails(k, n):
    """Independent check: at the interval's ends the binomial tail probabilities are alpha/2."""
    low, high = clopper_pearson(k, n, 0.95)
    if k > 0:
        assert binom.sf(k - 1, n, low) == pytest.approx(0.025, abs=1e-6)  # P(X >= k | p = low)
    else:
        assert low == 0.0
    if k < n:
        assert binom.cdf(k, n, high) == pytest.approx(0.025, abs=1e-6)  # P(X <= k | p = high)
    else:
        assert high == 1.0


def test_zero_failures_give_the_zero_count_upper_bound():
    assert clopper_pearson(0, 500, 0.95)[1] == pytest.approx(1 - 0.025 ** (1 / 500))
    assert clopper_pearson(0, 0) == (0.0, 1.0)
    with pytest.raises(UsageError):
        clopper_pearson(5, 3)
    with pytest.raises(UsageError):
        clopper_pearson(1, 3, confidence=1.5)


# ------------------------------------------------------------------------------- calibration
def _scores(seed=0, n=400):
    rng = np.random.default_rng(seed)
    unsafe = rng.random(n) < 0.4
    scores = np.clip(np.where(unsafe, rng.beta(5, 2, n), rng.beta(2, 5, n)), 0, 1)
    return scores, unsafe


@pytest.mark.parametrize("rate", [0.0, 0.05, 0.25, 0.6])
def test_max_flag_rate_picks_the_lowest_threshold_within_the_budget(rate):
    scores, unsafe = _scores()
    result = calibrate(scores, unsafe, max_flag_rate=rate)
    safe = np.sort(scores[~unsafe])
    assert result.chosen.flag_rate <= rate
    # any lower threshold, down to the next observed safe score, flags more than the budget allows
    below = safe[safe < result.threshold].max()
    assert rates_at(below, safe, np.sort(scores[unsafe]), 0.95).flag_rate > rate
    assert 0 < result.threshold <= 1


@pytest.mark.parametrize("recall", [0.5, 0.9, 0.99, 1.0])
def test_min_recall_picks_the_highest_threshold_that_reaches_it(recall):
    scores, unsafe = _scores()
    result = calibrate(scores, unsafe, min_recall=recall)
    u = np.sort(scores[unsafe])
    assert result.chosen.recall >= recall
    above = u[u > result.threshold].min()  # the next higher threshold loses an unsafe input
    assert rates_at(above, np.sort(scores[~unsafe]), u, 0.95).recall < recall


def test_calibration_refuses_bad_requests():
    scores, unsafe = _scores()
    with pytest.raises(UsageError, match="exactly one"):
        calibrate(scores, unsafe)
    with pytest.raises(UsageError, match="exactly one"):
        calibrate(scores, unsafe, max_flag_rate=0.1, min_recall=0.9)
    with pytest.raises(UsageError, match="not a probability"):
        calibrate([0.2, float("nan")], [True, False], min_recall=0.5)
    with pytest.raises(UsageError, match="needs safe examples"):
        calibrate([0.2, 0.9], [True, True], max_flag_rate=0.1)


def test_curve_is_monotone_and_holds_the_chosen_threshold():
    scores, unsafe = _scores()
    result = calibrate(scores, unsafe, max_flag_rate=0.1, curve_points=50)
    ts = [r.threshold for r in result.curve]
    assert ts == sorted(ts) and result.threshold in ts and len(ts) <= 51
    flags = [r.flag_rate for r in result.curve]
    assert all(a >= b for a, b in zip(flags, flags[1:]))


# ------------------------------------------------------------------------------- commands
def test_calibrate_then_estimate_on_an_sklearn_filter(project):
    r = _invoke("calibrate", "--model", "filtermod:make_victim", "--dataset", "cal.csv", "--unsafe-class",
                "negative", "--max-flag-rate", "0.2", "--out", "thr.json")
    assert r.exit_code == 0, r.output
    body = json.loads((project / "thr.json").read_text())
    assert {"threshold", "unsafe_class", "curve"} <= set(body) and body["unsafe_class"] == "negative"
    assert (project / "thr.png").stat().st_size > 1000
    assert body["chosen"]["flag_rate_safe"] <= 0.2

    r = _invoke("estimate", "--model", "filtermod:make_victim", "--threshold", "thr.json", "--dataset", "eval.csv",
                "--recipes", "deepwordbug", "--attack-examples", "5", "--out", "est", "--json")
    assert r.exit_code == 0, r.output
    est = json.loads(r.output)
    # the same counts, computed independently from the victim's scores
    from filtermod import make_victim

    victim = make_victim()
    rows = list(csv.DictReader(open(project / "eval.csv")))
    p = victim([x["text"] for x in rows if x["label"] == "negative"])[:, victim.label_index("negative")]
    assert est["samples"] == len(p) and est["failures"] == int((p < body["threshold"]).sum())
    assert est["interval"] == pytest.approx(list(clopper_pearson(est["failures"], est["samples"])), abs=1e-8)
    assert est["confidence"] == 0.95 and est["failure_rate"] == pytest.approx(est["failures"] / est["samples"])
    (attack,) = est["attacks"]
    assert attack["recipe"] == "deepwordbug" and attack["attempted"] == 5
    assert (project / "est" / "deepwordbug" / "results.jsonl").exists()


def test_estimate_names_a_broken_threshold_file(project):
    (project / "bad.json").write_text('{"threshold": 1.7, "unsafe_class": "negative"}')
    r = _invoke("estimate", "--model", "filtermod:make_victim", "--threshold", "bad.json", "--dataset", "eval.csv",
                "--no-attack")
    assert r.exit_code == 2 and "bad.json" in r.output and "'threshold'" in r.output
    (project / "cut.json").write_text('{"threshold": 0.3, "unsa')
    r = _invoke("estimate", "--model", "filtermod:make_victim", "--threshold", "cut.json", "--dataset", "eval.csv",
                "--no-attack")
    assert r.exit_code == 2 and "not valid JSON" in r.output


def test_calibrate_refuses_an_unknown_unsafe_class(project):
    r = _invoke("calibrate", "--model", "filtermod:make_victim", "--dataset", "cal.csv", "--unsafe-class", "toxic",
                "--max-flag-rate", "0.2")
    assert r.exit_code == 2 and "toxic" in r.output and "negative" in r.output


HARDEN = ("harden", "--model", "filtermod:make_victim", "--train", "train.csv", "--eval", "eval.csv",
          "--calibration", "cal.csv", "--unsafe-class", "negative", "--min-recall", "0.6", "--rounds", "2",
          "--recipes", "deepwordbug", "--attack-examples", "6", "--out", "hard")


def test_harden_writes_rounds_table_and_matrix(project):
    r = _invoke(*HARDEN)
    assert r.exit_code == 0, r.output
    out = project / "hard"
    for i in range(3):
        for name in ("threshold.json", "estimate.json", "targets.jsonl", "adversarial.jsonl", "figures.json"):
            assert (out / f"round-{i}" / name).exists(), f"round-{i}/{name}"
    assert (out / "round-1" / "model.joblib").exists() and not (out / "round-0" / "training.json").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["complete"] and [row["round"] for row in summary["rounds"]] == [0, 1, 2]
    values = summary["matrix"]["values"]
    assert len(values) == 3 and all(len(row) == 3 for row in values)
    for i, row in enumerate(values):
        if summary["rounds"][i]["adversarial_examples"]:
            assert row[i] == 1.0  # a round's own adversarial examples pass its own model by definition
    # round 1 trained on round 0's adversarial examples: fewer of them get past model 1
    assert values[0][1] < 1.0
    # the adversarial texts of round 0 are in round 1's training data (x3)
    adversarial = [json.loads(x) for x in (out / "round-0" / "adversarial.jsonl").read_text().splitlines()]
    assert adversarial and all(a["label"] == "negative" and a["text"] != a["original"] for a in adversarial)
    assert (out / "report.html").read_text().count("round 2") >= 1 and (out / "rounds.png").exists()
    assert "Cross-round matrix" in r.output


def test_harden_resumes_after_a_kill_and_refuses_another_config(project, monkeypatch):
    from attack_recipe.highstakes import harden as harden_mod

    real = harden_mod._Rounds._attack
    calls = {"n": 0}

    def dies_in_round_1(self, index, *args, **kwargs):
        if index == 1:
            raise KeyboardInterrupt
        calls["n"] += 1
        return real(self, index, *args, **kwargs)

    monkeypatch.setattr(harden_mod._Rounds, "_attack", dies_in_round_1)
    r = CliRunner().invoke(main, list(HARDEN))
    assert r.exit_code == 130 and "rerun the same command" in r.output
    round0 = (project / "hard" / "round-0" / "figures.json").read_text()
    assert (project / "hard" / "round-1" / "training.json").exists()
    assert not (project / "hard" / "round-1" / "figures.json").exists()
    monkeypatch.setattr(harden_mod._Rounds, "_attack", real)

    r = _invoke(*HARDEN)
    assert r.exit_code == 0, r.output
    assert (project / "hard" / "round-0" / "figures.json").read_text() == round0  # not redone
    resumed = json.loads((project / "hard" / "summary.json").read_text())

    fresh = _invoke(*[a if a != "hard" else "fresh" for a in HARDEN])
    assert fresh.exit_code == 0
    again = json.loads((project / "fresh" / "summary.json").read_text())
    strip = lambda rows: [{k: v for k, v in row.items() if k not in ("seconds_per_valid", "recipes", "training")}
                          for row in rows]
    assert strip(resumed["rounds"]) == strip(again["rounds"])  # a resumed run equals an uninterrupted one
    assert resumed["matrix"]["values"] == again["matrix"]["values"]

    r = _invoke(*[a if a != "6" else "7" for a in HARDEN])
    assert r.exit_code == 2 and "another configuration" in r.output and "attack_examples" in r.output


def test_harden_review_waits_for_the_person(project, monkeypatch):
    from attack_recipe.highstakes import harden as harden_mod
    from attack_recipe.highstakes.harden import DataSpec, HardenConfig

    config = HardenConfig(model="filtermod:make_victim", train=DataSpec("train.csv"), eval=DataSpec("eval.csv"),
                          unsafe_class="negative", min_recall=0.6, rounds=1, recipes=("deepwordbug",),
                          attack_examples=4, review=True, out_dir="rev")

    def reviewer(seconds):  # stands in for the person: accepts the first candidate of each round
        for review in (project / "rev").glob("round-*/review.jsonl"):
            reviewed = review.with_name("reviewed.jsonl")
            if not reviewed.exists():
                lines = [json.loads(x) for x in review.read_text().splitlines()]
                reviewed.write_text("".join(json.dumps({**c, "accept": i == 0}) + "\n" for i, c in enumerate(lines)))

    monkeypatch.setattr(harden_mod.time, "sleep", reviewer)
    summary = harden_mod.harden(config, review_poll_seconds=0)
    kept = [row["adversarial_examples"] for row in summary["rounds"]]
    assert all(k <= 1 for k in kept)
    records = [json.loads(x) for x in (project / "rev" / "round-0" / "adversarial.jsonl").read_text().splitlines()]
    assert all(r["reviewed"] for r in records)


def test_harden_takes_extra_adversarial_examples_and_names_bad_lines(project):
    extra = project / "studio.jsonl"
    extra.write_text(json.dumps({"original": "the movie was bad", "text": "the movie was b4d", "label": "negative",
                                 "seconds": 120}) + "\n" + '{"text": "x", "label": "toxic"}\n')
    args = [*HARDEN[:-2], "--out", "x", "--rounds", "1", "--extra-adversarial", str(extra)]
    r = _invoke(*args)
    assert r.exit_code == 2 and "line 2" in r.output and "toxic" in r.output
    extra.write_text(json.dumps({"original": "the movie was bad", "text": "the movie was b4d", "label": "negative",
                                 "seconds": 120}) + "\n")
    r = _invoke(*args[:-4], "--out", "y", "--rounds", "1", "--extra-adversarial", str(extra))
    assert r.exit_code == 0, r.output
    summary = json.loads((project / "y" / "summary.json").read_text())
    assert summary["studio"] == {"examples": 1, "timed": 1, "minutes_per_example": 2.0}


def test_harden_refuses_a_victim_it_cannot_train(project):
    r = _invoke("harden", "--model", "toy-sentiment", "--train", "train.csv", "--eval", "eval.csv", "--out", "h")
    assert r.exit_code == 2 and "cannot be trained" in r.output


def test_huggingface_trainer_fits_saves_and_loads(tmp_path):
    from attack_recipe.highstakes.trainers import trainer_for
    from attack_recipe.models.huggingface import HuggingFaceVictim
    from attack_recipe.testing.models import build_tiny_classifier

    victim = HuggingFaceVictim.from_pretrained(build_tiny_classifier(tmp_path / "tiny"), device="cpu")
    rows = _rows(64, 5)
    texts, labels = [t for t, _ in rows], [victim.label_index(y) for _, y in rows]
    trainer = trainer_for(victim, {"learning_rate": 1e-3, "vat_weight": 1.0}, progress=False)
    folder = tmp_path / "round-1"
    folder.mkdir()
    before = victim(texts)
    trained = trainer.fit(victim, texts, labels, seed=0, folder=folder)
    assert trainer.saved(folder) and (folder / "model" / "config.json").exists()
    assert not np.allclose(trained(texts), before)  # it learned something
    np.testing.assert_allclose(victim(texts), before)  # the start model is untouched
    loaded = trainer.load(victim, texts, labels, seed=0, folder=folder)
    np.testing.assert_allclose(loaded(texts), trained(texts), atol=1e-5)
    assert loaded.labels == victim.labels
    with pytest.raises(UsageError, match="unknown fine-tuning"):
        trainer_for(victim, {"epochz": 2})


def test_augment_writes_judged_copies_with_labels_kept(project):
    r = _invoke("augment", "--recipe", "deepwordbug", "--dataset", "eval.csv", "--num-examples", "10", "--copies",
                "2", "--out", "aug.jsonl")
    assert r.exit_code == 0, r.output
    records = [json.loads(x) for x in (project / "aug.jsonl").read_text().splitlines()]
    assert records and len(records) <= 20
    rows = {f"eval-all-{i:05d}": row for i, row in enumerate(csv.DictReader(open(project / "eval.csv")))}
    for rec in records:
        assert rec["text"] != rec["original"] and rec["judgement"]["valid"]
        assert rec["label"] == rows[rec["source_id"]]["label"]  # label kept
    again = _invoke("augment", "--recipe", "deepwordbug", "--dataset", "eval.csv", "--num-examples", "10",
                    "--copies", "2", "--out", "aug2.jsonl")
    assert again.exit_code == 0 and (project / "aug2.jsonl").read_text() == (project / "aug.jsonl").read_text()


def test_augment_refuses_recipes_that_need_a_victim(project):
    r = _invoke("augment", "--recipe", "hotflip", "--dataset", "eval.csv", "--out", "a.jsonl")
    assert r.exit_code == 2 and "hotflip" in r.output
    r = _invoke("augment", "--recipe", "deepwordbug", "--dataset", "eval.csv", "--out", "a.txt")
    assert r.exit_code == 2 and ".jsonl or a .csv" in r.output


def test_harden_a_users_own_huggingface_model_folder(project):
    """The Hugging Face path end to end through the CLI: fine-tuned rounds saved with save_pretrained."""
    from attack_recipe.testing.models import build_tiny_classifier

    folder = build_tiny_classifier(project / "my-model")
    r = _invoke("harden", "--model", folder, "--train", "train.csv", "--eval", "eval.csv", "--unsafe-class",
                "negative", "--min-recall", "0.5", "--rounds", "1", "--recipes", "deepwordbug", "--attack-examples",
                "4", "--train-examples", "40", "--learning-rate", "1e-3", "--out", "hf")
    assert r.exit_code == 0, r.output
    assert (project / "hf" / "round-1" / "model" / "config.json").exists()
    training = json.loads((project / "hf" / "round-1" / "training.json").read_text())
    assert training["trainer"] == "huggingface" and training["hparams"]["learning_rate"] == 1e-3
    assert training["examples"] >= 40


def test_harden_overwrite_never_clears_a_folder_it_did_not_write(project):
    keep = project / "mine" / "precious.txt"
    keep.parent.mkdir()
    keep.write_text("not harden's")
    r = _invoke(*[a if a != "hard" else "mine" for a in HARDEN], "--overwrite")
    assert r.exit_code == 2 and "holds no hardening rounds" in r.output
    assert keep.read_text() == "not harden's"


def test_paraphrase_adversary_attacks_earlier_rounds_examples(project):
    """Redwood's "paraphrase the earlier adversarial examples": from round 1, the paraphrase recipe
    starts from round 0's adversarial texts that the hardened model flags again."""
    from attack_recipe.highstakes.harden import DataSpec, HardenConfig, harden
    from attack_recipe.testing.generators import FakeParaphraser

    config = HardenConfig(model="filtermod:make_victim", train=DataSpec("train.csv"), eval=DataSpec("eval.csv"),
                          unsafe_class="negative", min_recall=0.6, rounds=1, recipes=("deepwordbug",),
                          attack_examples=8, paraphrase_previous=True, out_dir="para",
                          recipe_options=(("paraphrase", "generator", FakeParaphraser()),))
    summary = harden(config)
    assert "paraphrase-previous" not in summary["rounds"][0]["recipes"]
    kept0 = [json.loads(x) for x in (project / "para" / "round-0" / "adversarial.jsonl").read_text().splitlines()]
    assert kept0, "round 0 found nothing to paraphrase"
    results = [json.loads(x) for x in (project / "para" / "round-1" / "attacks" / "paraphrase-previous" /
                                       "results.jsonl").read_text().splitlines()]
    assert results and {r["original_text"] for r in results} <= {k["text"] for k in kept0}
    assert summary["rounds"][1]["recipes"]["paraphrase-previous"]["attempted"] == len(results)
