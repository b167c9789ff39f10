"""The model under test: a scikit-learn review classifier, trained in well under a second from
``data/train.csv`` (shipped with the project, so every run trains the same model).

attack-recipe reaches it through the victim spec ``sentiment_model:victim`` (``module:attribute``):
``victim()`` returns an ``attack_recipe`` victim wrapping the fitted pipeline.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import attack_recipe as ar

DATA = Path(__file__).resolve().parent / "data"


def read_rows(path: Path) -> tuple[list[str], list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def train():
    """TF-IDF over character 2-4-grams within words + logistic regression; deterministic."""
    texts, labels = read_rows(DATA / "train.csv")
    model = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
                          LogisticRegression(C=10.0, max_iter=1000))
    return model.fit(texts, labels)


@functools.lru_cache(maxsize=1)
def victim() -> ar.SklearnVictim:
    """The current model as an attack_recipe victim (labels: classes_, i.e. negative, positive)."""
    return ar.SklearnVictim(train(), name="review-sentiment")

