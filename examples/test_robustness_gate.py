"""The robustness gate from inside another project's pytest suite.

Copy into your tests and point it at your committed baseline and your model:

    pytest examples/test_robustness_gate.py

Here it records a baseline for the toy victim on the fly so the example runs anywhere in seconds.
"""

import csv

from attack_recipe.evaluation.config import RunConfig
from attack_recipe.evaluation.gate import assert_robust, record_baseline
from attack_recipe.testing import SENTIMENT_EXAMPLES


def test_model_is_not_easier_to_break(tmp_path):
    data = tmp_path / "holdout.csv"
    with open(data, "w", newline="") as fh:
        csv.writer(fh).writerows([("text", "label"), *SENTIMENT_EXAMPLES])
    baseline = tmp_path / "robustness-baseline.json"  # in your project: a committed file
    record_baseline(RunConfig(recipe="deepwordbug", model="toy-sentiment", dataset=str(data),
                              num_examples=10, out_dir=str(tmp_path / "base")), baseline)

    verdict = assert_robust(baseline, model="toy-sentiment", out_dir=str(tmp_path / "now"))
    assert verdict.passed
