"""Shared test settings."""

import pytest


@pytest.fixture(autouse=True)
def _no_validity_models_in_cli_tests(monkeypatch):
    """CLI runs measure validity with a 135M-parameter LM by default; tests of the CLI plumbing don't
    need it (tests/test_validity.py and the slow tests exercise it explicitly)."""
    monkeypatch.setenv("ATTACK_RECIPE_VALIDITY", "0")
