"""Ordinary model tests: it trains, and it is accurate on the held-out reviews."""

import csv
from pathlib import Path

from sentiment_model import DATA, read_rows, train


def test_holdout_accuracy():
    texts, labels = read_rows(DATA / "holdout.csv")
    predictions = train().predict(texts)
    accuracy = sum(p == y for p, y in zip(predictions, labels)) / len(labels)
    assert accuracy >= 0.8, f"held-out accuracy {accuracy:.2f}"


def test_holdout_ids_are_unique():  # the gate identifies examples by id (and pins their digest)
    with open(Path(DATA) / "holdout.csv", newline="", encoding="utf-8") as fh:
        ids = [row["id"] for row in csv.DictReader(fh)]
    assert len(ids) == len(set(ids)) == 24
