"""The three victims of the TextAttack side-by-side (benchmarks/side_by_side.py), one definition for both.

This file is imported by attack-recipe's venv *and* by TextAttack's (it needs only numpy,
scikit-learn, torch, transformers and, for the profanity filter, ``alt-profanity-check``), so both
libraries attack the very same prediction function and the same counter measures both:

* ``tfidf-news``   TF-IDF + logistic regression on BBC News topics (5 classes), fitted by
                    :func:`build` in attack-recipe's venv and saved with joblib in the work folder
                    (a file this benchmark wrote itself, so loading it is safe).
* ``profanity``    ``alt-profanity-check`` 1.9.1, a packaged third-party filter (TF-IDF + calibrated
                    LinearSVC), classes clean / offensive.
* ``minilm-drugs`` frozen all-MiniLM-L6-v2 (mean pooling, normalised) + a logistic-regression head on
                    drug reviews (negative / neutral / positive), head weights saved as ``.npz``.

:class:`CountingModel` wraps each: seconds inside the victim, calls, texts and distinct texts, so the
side-by-side compares victim time and *unique* queries measured the same way on both sides.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

VICTIMS = ("tfidf-news", "profanity", "minilm-drugs")
LABELS = {
    "profanity": ["clean", "offensive"],
}


class CountingModel:
    """``probs = model(texts)`` with the seconds, calls, texts and distinct texts it was asked about."""

    def __init__(self, predict, labels):
        self._predict = predict
        self.labels = list(labels)
        self.__name__ = "sbs_victim"
        self.reset()

    def reset(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self.texts = 0
        self._seen: set[str] = set()

    @property
    def unique(self) -> int:
        return len(self._seen)

    def __call__(self, texts):
        texts = [str(t) for t in texts]
        start = time.perf_counter()
        try:
            return np.asarray(self._predict(texts), dtype=np.float64)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1
            self.texts += len(texts)
            self._seen.update(texts)

    def counts(self) -> dict:
        return {"victim_s": self.seconds, "victim_calls": self.calls, "victim_texts": self.texts,
                "unique_texts": self.unique}


def load(name: str, work: str | Path) -> CountingModel:
    """The victim ``name`` from the files :func:`build` wrote in ``work``."""
    work = Path(work)
    meta = json.loads((work / "victims.json").read_text())
    if name == "tfidf-news":
        import joblib

        pipeline = joblib.load(work / "tfidf_news.joblib")
        return CountingModel(pipeline.predict_proba, meta["tfidf-news"]["labels"])
    if name == "profanity":
        from profanity_check import predict_prob

        def predict(texts):
            p = np.asarray(predict_prob(texts), dtype=np.float64)
            return np.stack([1.0 - p, p], axis=1)

        return CountingModel(predict, LABELS["profanity"])
    if name == "minilm-drugs":
        encoder = MeanPooledEncoder(meta["minilm-drugs"]["encoder"])
        head = np.load(work / "minilm_drugs_head.npz")
        coef, intercept = head["coef"], head["intercept"]

        def predict(texts):
            z = encoder.encode(texts) @ coef.T + intercept
            z = z - z.max(axis=1, keepdims=True)
            e = np.exp(z)
            return e / e.sum(axis=1, keepdims=True)

        return CountingModel(predict, meta["minilm-drugs"]["labels"])
    raise ValueError(f"unknown victim {name!r}; known: {', '.join(VICTIMS)}")


class MeanPooledEncoder:
    """all-MiniLM-L6-v2 as sentence-transformers runs it: mean pooling over tokens, L2-normalised,
    dynamic padding, 256-token truncation, batches of 64."""

    def __init__(self, folder: str):
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = AutoModel.from_pretrained(folder).eval()

    def encode(self, texts) -> np.ndarray:
        torch = self.torch
        out = []
        for start in range(0, len(texts), 64):
            enc = self.tokenizer(list(texts[start:start + 64]), padding=True, truncation=True,
                                 max_length=256, return_tensors="pt")
            with torch.no_grad():
                hidden = self.model(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            vectors = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out.append(torch.nn.functional.normalize(vectors, dim=-1).numpy())
        return np.concatenate(out) if out else np.zeros((0, 384))


def build(work: str | Path, *, news_words: int, profanity_examples: int, news_examples: int,
          drug_examples: int) -> dict:
    """Fit the two fitted victims and write every victim's attacked examples (attack-recipe's venv:
    the data come from its built-in datasets). Deterministic: fixed seeds, sorted inputs."""
    import joblib
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from attack_recipe.resources.datasets import load_dataset_examples
    from attack_recipe.resources.encoder import resolve_sentence_encoder

    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    meta: dict = {}

    train = load_dataset_examples("bbc-news", "train", num_examples=10**6)
    pipeline = make_pipeline(TfidfVectorizer(sublinear_tf=True, min_df=2),
                             LogisticRegression(max_iter=1000, C=10.0, random_state=0))
    pipeline.fit([e.text for e in train.examples], [int(e.label) for e in train.examples])
    joblib.dump(pipeline, work / "tfidf_news.joblib")
    meta["tfidf-news"] = {"labels": list(train.label_names)}
    test = load_dataset_examples("bbc-news", "test", num_examples=news_examples)
    _write(work / "tfidf-news.jsonl", [
        (e.id, " ".join(e.text.split()[:news_words]), train.label_names[int(e.label)]) for e in test.examples])

    from profanity_check import predict_prob

    tweets = load_dataset_examples("tweets", "test", num_examples=10**6).examples
    probs = predict_prob([e.text for e in tweets])
    flagged = [(e.id, e.text, "offensive") for e, p in zip(tweets, probs) if p >= 0.5][:profanity_examples]
    _write(work / "profanity.jsonl", flagged)

    _, minilm, _ = resolve_sentence_encoder(None)
    meta["minilm-drugs"] = {"encoder": str(minilm)}
    drugs_train = load_dataset_examples("drug-reviews", "train", num_examples=10**6)
    encoder = MeanPooledEncoder(str(minilm))
    x = encoder.encode([e.text for e in drugs_train.examples])
    head = LogisticRegression(max_iter=2000, C=1.0, random_state=0).fit(x, [int(e.label) for e in drugs_train.examples])
    np.savez(work / "minilm_drugs_head.npz", coef=head.coef_, intercept=head.intercept_)
    meta["minilm-drugs"]["labels"] = list(drugs_train.label_names)
    drugs = load_dataset_examples("drug-reviews", "test", num_examples=drug_examples).examples
    _write(work / "minilm-drugs.jsonl", [(e.id, e.text, drugs_train.label_names[int(e.label)]) for e in drugs])

    (work / "victims.json").write_text(json.dumps(meta, indent=1))
    return meta


def _write(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for example_id, text, label in rows:
            fh.write(json.dumps({"id": str(example_id), "text": text, "label": label}, ensure_ascii=False) + "\n")


def threads_from_env() -> None:
    """Both sides run with the same intra-op threads (SBS_THREADS, default 1)."""
    import torch

    torch.set_num_threads(int(os.environ.get("SBS_THREADS", "1")))
