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
  which it was measured (runs that measure validity; ``--no-validity`` skips it with the rest).
* ``time_split``: seconds summed over every result (all statuses) spent inside the victim, the sentence
  encoder, the language model, the contextual tagger (a POS constraint, inflecting substitutes), the
  text generator (paraphrase candidates), the validity judge and everything else, each also as a
  percentage of the total.
* ``mean_generated_per_attempt``: candidate texts sampled from a generator (paraphrases) per attempted
  example. Generation is not a victim query: it is counted here, and timed as ``generator`` in
  ``time_split``, never in the query figures. 0 for recipes that generate nothing.
* ``perturbed_word_pct`` after a paraphrase: the share of original words not kept (aligned word by
  word with difflib), see :attr:`~attack_recipe.attacks.results.AttackResult.perturbed_word_fraction`.
* ``budget_exhausted``: failed examples whose reason is ``"query budget exhausted"``.
* ``timeouts``: failed examples whose search stopped at the per-example time limit (reason ``"timeout"``).

With a validity judge (:mod:`attack_recipe.evaluation.judge`; ``V`` = successes it accepted, ``J`` =
successes it judged):

* ``valid_success_rate`` = V / (S + F): the share of attacked examples turned into an adversarial
  example the judge accepts; same denominator as ``attack_success_rate``, so it is never larger.
* ``valid_successes`` = V, ``judged_successes`` = J, ``valid_share`` = V / J.
* ``rejected_successes``: successful candidates a valid-only search rejected before it returned
  (summed over examples; 0 when the search was not valid-only).
* ``screened_out``: candidates a valid-only search dropped unqueried because the judge's word rules
  rejected a changed word (summed over examples).
* ``invalid_reasons``: rule -> number of judged-invalid successes it rejected (the reason's text
  before ``:``, e.g. ``"antonym"``; a rule counts once per example).
* ``judge``: ``{"on": bool, "valid_only": bool}``.

Without a judge all of these but ``judge`` are ``None``: not measured, which is not 0.

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
from typing import Any, Iterable

from ..attacks.results import AttackResult, Status
from ..attacks.results import BUDGET_REASON, SHOWN_WHEN_USED, TIME_PARTS, TIMEOUT_REASON
from .judge_files import reason_kind
from .validity import summarize_validity


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
    "time_split": "seconds inside the victim, sentence encoder, language model, contextual tagger, text "
    "generator (paraphrases), validity judge and the rest, summed over all examples, with each share of the total in %",
    "budget_exhausted": "failed examples whose search stopped because the query budget ran out",
    "timeouts": "failed examples whose search stopped at the per-example time limit (--example-timeout)",
    "valid_success_rate": "valid_successes / (succeeded + failed): attacked examples turned into an "
    "adversarial example the validity judge accepts (same denominator as attack_success_rate); null without a judge",
    "valid_successes": "successes the validity judge accepted (null without a judge)",
    "judged_successes": "successes the validity judge gave a verdict (null without a judge)",
    "valid_share": "valid_successes / judged_successes: how many successes are valid (null without a judge)",
    "rejected_successes": "successful candidates a valid-only search rejected before returning, summed over "
    "examples (null without a judge)",
    "screened_out": "candidates a valid-only search dropped unqueried because the judge's word rules "
    "rejected them, summed over examples (null without a judge)",
    "invalid_reasons": "judge rule -> judged-invalid successes it rejected (the reason up to ':', once per "
    "example; null without a judge)",
    "judge": "whether the validity judge was on and whether the search was valid-only (judge-rejected "
    "successes are dead ends)",
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


def shown_time_parts(split: dict[str, Any]) -> list[str]:
    """The timers a report lists for ``split``: every one, but a tagger, generator or judge only when the
    run spent time in it (recipes without a tagger or paraphrases, runs without a judge), then "rest"."""
    return [part for part in TIME_PARTS if part not in SHOWN_WHEN_USED or split.get(f"{part}_seconds")]


def time_split(results: Iterable[AttackResult]) -> dict[str, float | None]:
    """Seconds in each model timer (``MODEL_TIMERS``) and the rest summed over ``results``, with each share in %."""
    sums = dict.fromkeys(TIME_PARTS, 0.0)
    total = 0.0
    for r in results:
        for part in TIME_PARTS:
            sums[part] += getattr(r.seconds, part)
        total += r.seconds.total
    out: dict[str, float | None] = {"total_seconds": round(total, 4)}
    for key, value in sums.items():
        out[f"{key}_seconds"] = round(value, 4)
        out[f"{key}_pct"] = round(100.0 * value / total, 2) if total > 0 else None
    return out


def judge_figures(results: list[AttackResult], *, judge: bool, valid_only: bool) -> dict:
    """The validity judge's figures (module docstring); ``None`` each when the run had no judge."""
    succ = [r for r in results if r.status is Status.SUCCEEDED]
    attempted = sum(r.status in (Status.SUCCEEDED, Status.FAILED) for r in results)
    out: dict = {"judge": {"on": bool(judge), "valid_only": bool(judge and valid_only)}}
    if not judge:
        return out | dict.fromkeys(("valid_successes", "valid_success_rate", "judged_successes", "valid_share",
                                    "rejected_successes", "screened_out", "invalid_reasons"))
    judged = [r for r in succ if r.valid is not None]
    valid = sum(r.valid for r in judged)
    reasons: dict[str, int] = {}
    for r in judged:
        if not r.valid:
            for kind in dict.fromkeys(reason_kind(x) for x in r.judgement.get("reasons", ())):
                reasons[kind] = reasons.get(kind, 0) + 1
    return out | {
        "valid_successes": valid,
        "valid_success_rate": _ratio(valid, attempted),
        "judged_successes": len(judged),
        "valid_share": _ratio(valid, len(judged)),
        "rejected_successes": sum(r.rejected_successes for r in results),
        "screened_out": sum(r.screened_out for r in results),
        "invalid_reasons": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def summarize(results: Iterable[AttackResult], *, judge: bool = False, valid_only: bool = False) -> dict:
    """Every summary figure for ``results`` (see the module docstring for the exact definitions).

    ``judge`` / ``valid_only``: whether the run had a validity judge and a valid-only search; the
    results alone cannot tell a run without a judge from one whose judge saw no success.
    """
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
        "timeouts": sum(1 for r in fail if r.reason == TIMEOUT_REASON),
        "validity": summarize_validity(results),
        **judge_figures(results, judge=judge, valid_only=valid_only),
    }
