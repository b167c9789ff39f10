"""Exact (Clopper–Pearson) binomial confidence intervals.

Every rate this package reports about a filter (flag rate on safe inputs, recall on unsafe ones,
the failure rate) is a count out of a sample, and the interesting ones are tiny: a normal
approximation says nothing useful about 0 failures in 500. The exact interval inverts the binomial
tails with the beta distribution; with zero successes its upper end is ``1 - (alpha / 2) ** (1 / n)``,
the zero-count bound (the "rule of three" is its one-sided 95 % cousin, ``≈ 3 / n``).
"""

from __future__ import annotations

from ..errors import UsageError


def check_confidence(confidence: float) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0.0 < confidence < 1.0:
        raise UsageError(f"confidence must be a number strictly between 0 and 1, got {confidence!r}")
    return float(confidence)


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The two-sided exact interval for ``k`` successes in ``n`` trials at ``confidence``.

    ``n == 0`` gives ``(0.0, 1.0)``: no data, no information.
    """
    from scipy.stats import beta

    confidence = check_confidence(confidence)
    if n < 0 or k < 0 or k > n:
        raise UsageError(f"expected 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return (0.0, 1.0)
    alpha = 1.0 - confidence
    low = 0.0 if k == 0 else float(beta.ppf(alpha / 2, k, n - k + 1))
    high = 1.0 if k == n else float(beta.ppf(1 - alpha / 2, k + 1, n - k))
    return (low, high)
