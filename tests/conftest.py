"""Shared test settings."""

import pytest


@pytest.fixture(autouse=True)
def _no_validity_models_in_cli_tests(monkeypatch):
    """CLI runs measure validity with a 135M-parameter LM by default; tests of the CLI plumbing don't
    need it (tests/test_validity.py and the slow tests exercise it explicitly)."""
    monkeypatch.setenv("ATTACK_RECIPE_VALIDITY", "0")


@pytest.fixture(autouse=True)
def _tiny_validity_judge(request, monkeypatch):
    """Runs judge their successes by default, with spaCy, WordNet, GloVe, VADER, SmolLM2 and E5; fast
    tests get the judge's stand-ins instead (the one place runs build a judge is runner.new_judge).
    Slow tests keep the real judge."""
    if request.node.get_closest_marker("slow"):
        return
    from attack_recipe.evaluation import runner
    from attack_recipe.testing.judge import tiny_judge

    monkeypatch.setattr(runner, "new_judge", tiny_judge)


@pytest.fixture
def sentiment_csv(tmp_path):
    """Writes the toy sentiment examples, repeated ``copies`` times, as a CSV file (text,label) in tmp_path."""
    import csv

    from attack_recipe.testing import SENTIMENT_EXAMPLES

    def write(copies: int = 1, name: str = "data.csv"):
        path = tmp_path / name
        with open(path, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["text", "label"])
            writer.writerows(SENTIMENT_EXAMPLES * copies)
        return path

    return write


@pytest.fixture
def data_csv(sentiment_csv):
    """The toy sentiment examples as a CSV file (text,label): the dataset of most CLI tests."""
    return sentiment_csv()
