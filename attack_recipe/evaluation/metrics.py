"""Summary metrics: pure functions over a list of :class:`~attack_recipe.attacks.results.AttackResult`.

Definitions (``S`` = succeeded, ``F`` = failed, ``K`` = skipped, ``E`` = errors; an *attempted* example is
one that was actually attacked, i.e. succeeded or failed):

* ``attack_success_rate`` = S / (S + F). Skipped examples (the goal already held on the original text,
  usually because the model was already wrong) and errors are excluded: there was nothing to attack.
* ``accuracy_before`` = (S + F) / (S + F + K): the model's accuracy on the examples that could be
  judged (errors excluded).
* ``accuracy_under_attack`` = F / (S + F + K): the fraction still classified correctly after the attack.
* ``mean_queries_per_success`` / ``median_queries_per_success``: unique texts sent to the victim while
  attacking the examples that succeeded. Cache hits are *not* queries.
* ``mean_queries_per_attempt``: the same, averaged over succeeded and failed examples.
* ``mean_cache_hits_per_attempt``: lookups answered from the per-example cache, over attempted examples.
* ``seconds_per_success``: the total wall seconds spent on *all attempted* examples (succeeded and
  failed) divided by the number of successes, i.e. what one adversarial example costs, failures
  included. It is not the mean time of a successful example.
* ``mean_seconds_per_attempt``: wall seconds averaged over attempted examples.
* ``perturbed_word_pct``: mean over successes of 100 × changed words / words in the text.
* ``mean_similarity``: mean sentence-encoder similarity(original, perturbed) over the successes for
  which it was measured.
* ``time_split``: seconds summed over every result (all statuses) spent inside the victim, the sentence
  encoder, the language model, the text generator (paraphrase candidates) and everything else, each
  also as a percentage of the total.
* ``mean_generated_per_attempt``: candidate texts sampled from a generator (paraphrases) per attempted
  example. Generation is not a victim query: it is counted here, and timed as ``generator`` in
  ``time_split``, never in the query figures. 0 for recipes that generate nothing.
* ``perturbed_word_pct`` after a paraphrase: the share of original words not kept (aligned word by
  word with difflib), see :attr:`~attack_recipe.attacks.results.AttackResult.perturbed_word_fraction`.
* ``budget_exhausted``: failed examples whose reason is ``"query budget exhausted"``.

Rates are fractions in [0, 1] (``perturbed_word_pct`` and the time-split ``*_pct`` are percentages). A
figure whose denominator is zero is ``None``, never 0 and never an exception.

How this differs from other libraries:

* TextAttack (0.3.x) counts every goal-function call as a query, cache hits included, and its
  "Avg num queries" averages over failed examples too; our query counts are unique victim calls,
  and the per-success figure averages over successes only (``mean_queries_per_attempt`` is the
  figure closest to TextAttack's, still without cache hits).
* OpenAttack reports success over all inputs, including those the model already gets wrong (which
  count as instant successes); we exclude those (skipped) from the success rate and report them as
  ``skipped`` and through ``accuracy_before``.
"""

from __future__ import annotations

import statistics
from typing import Iterable

from ..attacks.results import AttackResult, Status
from .validity import summarize_validity

#: ``reason`` of a failed result whose search stopped because the query budget ran out.
BUDGET_REASON = "query budget exhausted"

#: One-line definition of every summary figure, for reports and ``--help`` texts.
METRIC_DEFINITIONS: dict[str, str] = {
    "succeeded": "examples where the attack reached its goal",
    "failed": "examples attacked without reaching the goal (search exhausted or query budget spent)",
    "skipped": "examples where the goal already held on the original text (model already wrong); not attacked",
    "errors": "examples that could not be attacked (bad input, victim error); excluded from every rate",
    "total": "all examples, whatever their status",
    "attack_success_rate": "succeeded / (succeeded + failed); skipped and errors excluded "
    "(OpenAttack counts success over all inputs, already-wrong ones included)",
    "accuracy_before": "(succeeded + failed) / (succeeded + failed + skipped): accuracy on the clean texts",
    "accuracy_under_attack": "failed / (succeeded + failed + skipped): accuracy after the attack",
    "mean_queries_per_success": "mean unique victim queries over succeeded examples; cache hits not counted "
    "(TextAttack counts cache hits and averages over failures too)",
    "median_queries_per_success": "median unique victim queries over succeeded examples",
    "mean_queries_per_attempt": "mean unique victim queries over succeeded + failed examples",
    "mean_cache_hits_per_attempt": "mean per-example cache hits over succeeded + failed examples",
    "mean_generated_per_attempt": "mean candidate texts sampled from a generator (paraphrases) over succeeded "
    "+ failed examples; not victim queries (their seconds are time_split's generator share)",
    "seconds_per_success": "total wall seconds of all attempted (succeeded + failed) examples / succeeded: "
    "the cost of one adversarial example, failures included",
    "mean_seconds_per_attempt": "mean wall seconds over succeeded + failed examples",
    "perturbed_word_pct": "mean over successes of 100 * changed words / words in the text (after a "
    "paraphrase: original words not kept, by difflib word alignment)",
    "mean_similarity": "mean sentence-encoder similarity(original, perturbed) over successes that have one",
    "time_split": "seconds inside the victim, sentence encoder, language model, text generator "
    "(paraphrases) and the rest, summed over all examples, with each share of the total in %",
    "budget_exhausted": "failed examples whose search stopped because the query budget ran out",
    "validity": "over successes: distribution (n, mean, median, p10, p90) of the perplexity ratio "
    "perturbed/original under a causal LM, and of the similarity under a second encoder no recipe "
    "optimises against (n = 0 when the run did not measure validity)",
}


def _ratio(num: float, den: float, digits: int = 6) -> float | None:
    return round(num / den, digits) if den else None


def _mean(values: list[float], digits: int = 4) -> float | None:
    return round(statistics.fmean(values), digits) if values else None


def _median(values: list[float], digits: int = 4) -> float | None:
    return round(float(statistics.median(values)), digits) if values else None


def time_split(results: Iterable[AttackResult]) -> dict[str, float | None]:
    """Seconds in victim / encoder / LM / generator / rest summed over ``results``, with each share in %."""
    victim = encoder = lm = generator = rest = total = 0.0
    for r in results:
        s = r.seconds
        victim += s.victim
        encoder += s.encoder
        lm += s.lm
        generator += s.generator
        rest += s.rest
        total += s.total
    out: dict[str, float | None] = {"total_seconds": round(total, 4)}
    for key, value in (("victim", victim), ("encoder", encoder), ("lm", lm), ("generator", generator),
                       ("rest", rest)):
        out[f"{key}_seconds"] = round(value, 4)
        out[f"{key}_pct"] = round(100.0 * value / total, 2) if total > 0 else None
    return out


def summarize(results: Iterable[AttackResult]) -> dict:
    """Every summary figure for ``results`` (see the module docstring for the exact definitions)."""
    results = list(results)
    by_status: dict[Status, list[AttackResult]] = {s: [] for s in Status}
    for r in results:
        by_status[Status(r.status)].append(r)
    succ = by_status[Status.SUCCEEDED]
    fail = by_status[Status.FAILED]
    skip = by_status[Status.SKIPPED]
    attempted = succ + fail
    n_s, n_f, n_k = len(succ), len(fail), len(skip)
    judged = n_s + n_f + n_k

    attempted_seconds = sum(r.seconds.total for r in attempted)
    fractions = [r.perturbed_word_fraction for r in succ]
    return {
        "succeeded": n_s,
        "failed": n_f,
        "skipped": n_k,
        "errors": len(by_status[Status.ERROR]),
        "total": len(results),
        "attack_success_rate": _ratio(n_s, n_s + n_f),
        "accuracy_before": _ratio(n_s + n_f, judged),
        "accuracy_under_attack": _ratio(n_f, judged),
        "mean_queries_per_success": _mean([r.queries for r in succ]),
        "median_queries_per_success": _median([r.queries for r in succ]),
        "mean_queries_per_attempt": _mean([r.queries for r in attempted]),
        "mean_cache_hits_per_attempt": _mean([r.cache_hits for r in attempted]),
        "mean_generated_per_attempt": _mean([r.generated for r in attempted]),
        "seconds_per_success": _ratio(attempted_seconds, n_s, 4),
        "mean_seconds_per_attempt": _mean([r.seconds.total for r in attempted]),
        "perturbed_word_pct": _mean([100.0 * f for f in fractions if f is not None]),
        "mean_similarity": _mean([r.similarity for r in succ if r.similarity is not None], 6),
        "time_split": time_split(results),
        "budget_exhausted": sum(1 for r in fail if r.reason == BUDGET_REASON),
        "validity": summarize_validity(results),
    }
