"""The robustness gate: fail when the model became easier to break than the committed baseline.

``robustness-baseline.json`` (next to this file, committed) records a seeded DeepWordBug attack on the
24 held-out reviews: the success rate and queries per success, plus what was attacked (the attack's
configuration and a digest of the examples), so the rerun is the same attack. ``assert_robust`` reruns
it on the current model and raises with a side-by-side table when the success rate rose by more than
the tolerance (0.05) or queries per success fell by more than 20 %.

DeepWordBug edits characters and the run skips the validity judge (``judge=False``), so this needs only
``pip install attack-recipe``: no model downloads, no ``[resources]``.

Re-record the baseline (and commit it) when a change is meant to be accepted:
``RECORD_BASELINE=1 pytest tests/test_robustness.py``.
"""

import os
from pathlib import Path

import pytest

import attack_recipe as ar

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "robustness-baseline.json"


def gate_config(out_dir: str) -> ar.RunConfig:
    # the baseline stores the dataset relative to itself (../data/holdout.csv): pytest may run from anywhere
    return ar.RunConfig(recipe="deepwordbug", model="sentiment_model:victim", dataset=str(ROOT / "data" / "holdout.csv"),
                     num_examples=24, seed=0, judge=False, out_dir=out_dir)


def test_model_is_not_easier_to_break(tmp_path):
    if os.environ.get("RECORD_BASELINE"):
        ar.record_baseline(gate_config(str(tmp_path / "baseline")), BASELINE)
        pytest.skip(f"recorded {BASELINE}: commit it")
    assert BASELINE.is_file(), f"no baseline: record it with RECORD_BASELINE=1 pytest {Path(__file__).name}"
    verdict = ar.assert_robust(BASELINE, out_dir=str(tmp_path / "now"))
    assert verdict.passed  # assert_robust raised with the table otherwise
