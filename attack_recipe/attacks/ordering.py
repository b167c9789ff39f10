"""Which goes first in a greedy step: the constraints or the victim.

A greedy step (TextFooler, PWWS, DeepWordBug, A2T, ...) needs, of the candidates at one word, the
best-scoring one that passes every constraint. Two ways to get it give the same text
(:meth:`~attack_recipe.attacks.search.base.SearchContext.scored_neighbours`):

* ``constraints-first``: check every candidate against every constraint, score those that pass.
  Right when the victim is the expensive part (a transformer): it sees only the survivors.
* ``victim-first``: check the cheap constraints, score every survivor with the victim, then check
  the costly constraints (a sentence encoder, a tagger, an LM: ``Constraint.costly``) in score
  order, a few at a time, only until the best passing candidate is known. Right when the victim is
  cheap (TF-IDF, a linear filter, an HTTP cache) and the encoder is most of the time. It spends
  more victim queries — counted as every query is — and far fewer encoder passes.

``auto`` (the default) decides once per run from measured costs (:func:`measure_order`): seconds per
text of the victim and of the attack's costly constraints on candidates of the run's first
example. It goes victim-first only when the victim is at least :data:`VICTIM_FIRST_MARGIN` times
cheaper per text, so that noise in the timing cannot flip the choice between two runs of one
command (a TF-IDF victim is about 200 times cheaper than MiniLM, the profanity filter about 50
times; a transformer victim costs about what the encoder costs), and never under a query budget:
there queries are what the run is short of. The choice, and the figures it came from, go into
``run.json``/``summary.json``. The order changes queries and seconds, never which text a step picks
(a test checks both orders agree), so it is not part of a run's fingerprint and a resumed run may
use another.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

CONSTRAINTS_FIRST = "constraints-first"
VICTIM_FIRST = "victim-first"
AUTO = "auto"
ORDERS = (AUTO, CONSTRAINTS_FIRST, VICTIM_FIRST)

#: candidates of the first example timed by :func:`measure_order` (after a warm-up call of each)
CALIBRATION_CANDIDATES = 48
#: auto goes victim-first only when a victim call is this many times cheaper per text than the
#: costly constraints (a margin, so that timing noise does not decide)
VICTIM_FIRST_MARGIN = 4.0


@dataclass(frozen=True)
class OrderChoice:
    """The order a run uses and why: ``requested`` (auto or an explicit order), ``order`` (what runs),
    and for auto the measured seconds per text of the victim and of the costly constraints."""

    requested: str
    order: str
    reason: str
    victim_seconds_per_text: float | None = None
    constraint_seconds_per_text: float | None = None
    calibration_texts: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def check_order(order: str) -> str:
    if order not in ORDERS:
        from ..errors import UsageError

        raise UsageError(f"order must be one of {', '.join(ORDERS)}, got {order!r}")
    return order


def screens(attack) -> bool:
    """Whether a search of ``attack`` (or a search context) puts candidates through its judge's
    screen (valid-only, with a judge that has ``screen_many``): a costly check too — it tags every
    candidate text."""
    return bool(getattr(attack, "require_valid", False)) and hasattr(getattr(attack, "judge", None), "screen_many")


def applies(attack) -> bool:
    """Whether the order can matter: a search that steps greedily and a costly check to defer (a
    costly constraint or the judge's screen)."""
    return bool(getattr(attack.search, "uses_order", False)) and (
        any(c.costly for c in attack.constraints) or screens(attack))


def choose_order(attack, victim, examples, requested: str = AUTO, *, query_budget: int | None = None) -> OrderChoice:
    """The order for a run of ``attack`` on ``victim`` over ``examples`` (objects with ``text`` and ``label``)."""
    check_order(requested)
    if not applies(attack):
        return OrderChoice(requested, CONSTRAINTS_FIRST,
                           "no costly constraint or judge's screen to defer, or a search that does not step greedily")
    if requested != AUTO:
        return OrderChoice(requested, requested, "requested")
    if query_budget is not None:
        return OrderChoice(requested, CONSTRAINTS_FIRST,
                           "a query budget: victim-first would spend queries to save encoder passes")
    for example in examples:
        if getattr(example, "problem", None) or not isinstance(example.text, str) or not example.text.strip():
            continue
        try:
            return measure_order(attack, victim, example.text, example.label)
        except Exception as exc:  # noqa: BLE001 - calibration is advice: the example itself will report the error
            return OrderChoice(requested, CONSTRAINTS_FIRST, f"could not measure costs ({type(exc).__name__}: {exc})")
    return OrderChoice(requested, CONSTRAINTS_FIRST, "no example to measure costs on")


def measure_order(attack, victim, text: str, label) -> OrderChoice:
    """Time the victim and the costly constraints on candidates of ``text`` and pick the cheaper first.

    Victim-first scores every candidate the cheap constraints leave and checks the costly ones for
    a few; constraints-first the reverse. So victim-first wins when a victim call costs less per text
    than the costly checks (chosen only with a margin, :data:`VICTIM_FIRST_MARGIN`). Each part is
    called once untimed first, so lazy model loading is not counted. The calibration's victim calls belong to no example and are not counted as queries.
    """
    from ..core.text import AttackedText
    from .attack import example_rng
    from .search.base import SearchContext
    from .state import RunState

    state = RunState(victim, attack.goal, victim.label_index(label), example_rng(0, "order-calibration"))
    ctx = SearchContext(state, attack.transformation, attack.pre_constraints, attack.constraints,
                        judge=attack.judge if screens(attack) else None, require_valid=screens(attack),
                        original=text)
    original = AttackedText(text)
    cheap = [c for c in attack.constraints if not c.costly]
    costly = [c for c in attack.constraints if c.costly]
    candidates: list = []
    for index in ctx.modifiable(original):
        candidates += ctx.apply_constraints(cheap, ctx.propose(attack.transformation, original, [index]), screen=False)
        if len(candidates) >= CALIBRATION_CANDIDATES:
            break
    candidates = candidates[:CALIBRATION_CANDIDATES]
    if len(candidates) < 2:
        return OrderChoice(AUTO, CONSTRAINTS_FIRST, "too few candidates on the first example to measure costs")
    texts = [c.text for c in candidates]
    victim(texts[:1])
    ctx.apply_constraints(costly, candidates[:1], screen=True)  # loads the models (and the judge's tagger)
    start = time.perf_counter()
    victim(texts)
    victim_s = (time.perf_counter() - start) / len(texts)
    for constraint in costly:
        constraint.reset()  # a warm embedding cache would make the constraints look free
    start = time.perf_counter()
    ctx.apply_constraints(costly, candidates[1:], screen=True)
    constraint_s = (time.perf_counter() - start) / (len(texts) - 1)
    for constraint in costly:
        constraint.reset()
    order = VICTIM_FIRST if victim_s * VICTIM_FIRST_MARGIN < constraint_s else CONSTRAINTS_FIRST
    what = "costly constraints" + (" and the judge's screen" if screens(attack) else "")
    reason = (f"victim {victim_s * 1e3:.3f} ms per text vs {what} {constraint_s * 1e3:.3f} ms per "
              f"text on {len(texts)} candidates: {order} (victim-first needs a victim "
              f"{VICTIM_FIRST_MARGIN:g}x cheaper)")
    return OrderChoice(AUTO, order, reason, victim_s, constraint_s, len(texts))
