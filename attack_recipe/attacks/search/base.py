"""Search contract and the typed context every search method receives: the one gateway to models.

A search method never touches the victim, the cache, the timers or the constraints directly, and a
transformation never touches the victim or the timers: both ask the :class:`SearchContext`, which
does the accounting in one place.

* scores — :meth:`~SearchContext.evaluate` (the victim through the run state: queries counted, the
  budget honoured, the cache used) for candidates, :meth:`~SearchContext.score` for probes (word
  importance) that are never returned;
* validity — with a judge and ``require_valid``, :meth:`~SearchContext.filter` drops candidates whose
  changed words the judge's word rules already reject (``screen_many``: cheap, and no valid
  example can grow from them), and :meth:`~SearchContext.evaluate` asks the whole judge about every
  candidate that reaches the goal and turns a rejected one into a dead end (not a success, score
  :data:`REJECTED_SCORE`), so the search keeps looking for a valid adversarial example;
  :meth:`~SearchContext.verdict` answers for one text (cached, timed as ``judge``);
* candidates — :meth:`~SearchContext.neighbours` (transformation, then constraints, batched),
  :meth:`~SearchContext.propose` and :meth:`~SearchContext.filter`; a transformation's and a
  constraint's work is charged to the model timer each *declares* (``timer = "lm"``, ...);
  :meth:`~SearchContext.scored_neighbours` for a greedy step, which follows the attack's
  :attr:`~SearchContext.order` (:mod:`..ordering`): every constraint before the victim, or — when the
  victim is cheaper than a costly constraint — the victim first and the costly constraints in score
  order only until the step's choice is known;
* gradients — :meth:`~SearchContext.word_gradients`, :meth:`~SearchContext.word_vocabulary` (victim
  time, never queries: nothing is classified);
* generation — :meth:`~SearchContext.generate` (generator time, and the number of sampled texts in
  ``generated``, apart from queries);
* the example itself — :attr:`~SearchContext.rng` (seeded per example), :attr:`~SearchContext.label`,
  :attr:`~SearchContext.goal`.

That keeps each search method small and makes every recipe account for queries and seconds the same
way.
"""

from __future__ import annotations

import abc
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol, Sequence

from ...constraints.base import Constraint, PreConstraint
from ...core.config_repr import config_repr
from ..capabilities import require_white_box
from ..ordering import CONSTRAINTS_FIRST, VICTIM_FIRST, screens
from ..goals import Goal
from ..state import RunState, Scored
from .selection import preference_order
from ...core.text import AttackedText
from ..transformations.base import Transformation


#: The score a judge-rejected success gets: below every goal score (those lie in [0, 1]), so no
#: search keeps it as its current text, selects it into a population or returns it.
REJECTED_SCORE = -1.0
#: the context of an untimed block (``SearchContext._measure(None)``): one object, entering it does nothing
_UNTIMED = nullcontext()


class PairJudge(Protocol):
    """What the engine needs of a validity judge (``attack_recipe.evaluation.judge.ValidityJudge``):
    one verdict (with ``valid`` and ``reasons``) per ``(original, perturbed, label)`` pair, in order.
    A judge may also offer ``screen_many`` (same form): its cheap per-word rules, which a valid-only
    search applies to every candidate."""

    def judge_many(self, pairs: Sequence[tuple[str, str, Any]]) -> list: ...


@dataclass
class SearchContext:
    state: RunState
    transformation: Transformation
    pre_constraints: Sequence[PreConstraint]
    constraints: Sequence[Constraint]
    #: the validity judge (None: nothing is judged) and whether a success must pass it
    judge: PairJudge | None = None
    require_valid: bool = False
    #: the true original text, the judge's reference (set by ``Attack.run``)
    original: str = ""
    _verdicts: dict = field(default_factory=dict)
    _screened: dict = field(default_factory=dict)
    #: candidates a valid-only search dropped because the judge's word rules rejected them
    screened_out: int = 0
    #: successful candidates the judge rejected (dead ends of a valid-only search)
    rejected: int = 0
    #: how :meth:`scored_neighbours` orders constraints and victim (attacks/ordering.py)
    order: str = CONSTRAINTS_FIRST
    _gradients: dict = field(default_factory=dict)  # (text, class) -> word gradients (gradients_of)
    _vocab_rows: dict | None = None  # word -> row of the victim's whole-word vocabulary

    # -- the example ---------------------------------------------------------------------------
    @property
    def rng(self):
        """The example's seeded ``numpy.random.Generator`` (the only source of randomness)."""
        return self.state.rng

    @property
    def label(self) -> int:
        """The example's label (column index)."""
        return self.state.label

    @property
    def goal(self) -> Goal:
        return self.state.goal

    # -- what may change ---------------------------------------------------------------------
    def modifiable(self, text: AttackedText, indices: Iterable[int] | None = None) -> list[int]:
        """The positions of ``text`` (of ``indices``, default all) that every pre-constraint lets a
        transformation change, in increasing order."""
        if indices is not None:
            allowed = sorted({i for i in indices if 0 <= i < text.num_words})
            for pre in self.pre_constraints:
                if not allowed:
                    break
                allowed = pre.allows(text, allowed)
            return allowed
        allowed = set(range(text.num_words))
        for pre in self.pre_constraints:
            allowed &= pre.modifiable(text)
        return sorted(allowed)

    # -- candidates ----------------------------------------------------------------------------
    def neighbours(self, text: AttackedText, indices: Iterable[int] | None = None) -> list[AttackedText]:
        """Transformations of ``text`` at ``indices`` (default: every modifiable index) that pass all constraints."""
        indices = self.modifiable(text, indices)
        if not indices:
            return []
        return self.filter(self.propose(self.transformation, text, indices))

    def propose(self, transformation: Transformation, text: AttackedText,
                indices: Iterable[int]) -> list[AttackedText]:
        """``transformation``'s raw candidates (no constraints), its time charged to its ``timer``.

        A composite transformation proposes through here for each member, so each member's own
        model is billed to its own timer.
        """
        with self._measure(transformation.timer):
            return transformation.propose(text, indices, self)

    def filter(self, candidates: Sequence[AttackedText]) -> list[AttackedText]:
        """The candidates that pass every constraint and, in a valid-only search, the judge's screen."""
        return self.apply_constraints(self.constraints, candidates, screen=True)

    def apply_constraints(self, constraints: Sequence[Constraint], candidates: Sequence[AttackedText], *,
                          screen: bool) -> list[AttackedText]:
        """The candidates that pass ``constraints`` (each timed by its timer), then, with ``screen`` in a
        valid-only search, the judge's word rules."""
        kept = list(candidates)
        for constraint in constraints:
            if not kept:
                break
            with self._measure(constraint.timer):
                kept = constraint.filter(kept, self.state)
        if kept and screen and self.screens:
            kept = self._screen(kept)
        return kept

    def scored_neighbours(self, text: AttackedText, indices: Iterable[int] | None = None, *,
                          improve_on: float | None = None, prerank: int | None = None) -> list[Scored]:
        """Scored candidates at ``indices`` that pass every constraint: enough for a greedy step.

        The list is in candidate order and always holds the best-scoring passing candidate (the
        earliest of equals) and, when that one is a success, the success the step returns (the most
        similar, :func:`~.selection.most_similar_success`) — all a greedy step uses. Constraints-first,
        every candidate is checked before the victim sees the survivors. Victim-first, the
        candidates that pass the cheap constraints are scored first, then checked against the costly
        ones (``Constraint.costly``) and the judge's screen in score order, a few at a time, until
        the best passing one is known; so both orders choose the same text, and victim-first spends
        more queries and fewer costly checks. (Equal up to a model's last float bit: a batch of other
        texts can move an encoder's embedding by 1e-7. With a query budget that runs out, the two
        can stop at different candidates.)

        In a valid-only search the judge is asked, in either order, only about the successes that
        decide the step: in score order until the best candidate is known and, when it is a success,
        in the order the step prefers them (:func:`~.selection.preference_order`) until the first
        valid one. A success it rejects comes back as a dead end (:data:`REJECTED_SCORE`); one it was
        not asked about is left out. Judging every success first chooses the same text.

        ``improve_on``: the step keeps its best candidate only if it scores above this (greedy search:
        the current text's score). Victim-first, candidates that cannot are never checked, and when
        none can, the list may be empty.

        ``prerank=k`` (white-box victims): of the candidates that pass every constraint, only the
        ``k`` with the largest first-order gradient estimate are queried (:mod:`.prerank`); an
        approximation, so the order is then constraints-first and the result may differ.
        """
        indices = self.modifiable(text, indices)
        if not indices:
            return []
        candidates = self.propose(self.transformation, text, indices)
        costly = [c for c in self.constraints if c.costly]
        if prerank is not None:
            from .prerank import prerank as most_promising

            kept = self.filter(candidates)
            with self._measure("victim"):
                kept = most_promising(self, text, kept, prerank)
            return self.evaluate(kept) if kept else []
        if self.order != VICTIM_FIRST or not (costly or self.screens):
            kept = self.filter(candidates)
            return self._greedy_choice(self.state.evaluate(kept), deferred=None) if kept else []
        cheap = [c for c in self.constraints if not c.costly]
        kept = self.apply_constraints(cheap, candidates, screen=False)
        scored = self.state.evaluate(kept) if kept else []
        if improve_on is not None:  # the step would keep none of these: never check them
            scored = [s for s in scored if s.score > improve_on]
        return self._greedy_choice(scored, deferred=costly)

    @property
    def screens(self) -> bool:
        """Whether candidates go through the judge's screen (a valid-only search with a judge that has one)."""
        return screens(self)

    #: candidates checked (or judged) at once while a greedy step looks for its choice: the first
    #: batch, doubled after each batch without a passing candidate (the best-scoring one often passes)
    VICTIM_FIRST_CHUNK = 2

    def _greedy_choice(self, scored: list[Scored], deferred: Sequence[Constraint] | None) -> list[Scored]:
        """:meth:`scored_neighbours` after the victim: what a greedy step needs of ``scored``.

        ``deferred`` (victim-first): the costly constraints, not applied yet, and with them the
        judge's screen; checked here in score order. None: every candidate has passed everything.
        A success is never screened here: the judge's verdict applies the screen's rules too.
        """
        judging = self.judge is not None and self.require_valid
        if deferred is None and not judging:  # everything passed and nothing is judged: all of it
            return scored
        ranked = sorted(range(len(scored)), key=lambda i: (-scored[i].score, i))
        passed: dict[int, bool] = {} if deferred is not None else dict.fromkeys(range(len(scored)), True)
        valid: dict[int, bool] = {}  # success position -> the judge's verdict

        def check(positions: Sequence[int]) -> None:
            todo = [i for i in positions if i not in passed]
            if not todo:
                return
            ok = {id(t) for t in self.apply_constraints(deferred or (), [scored[i].text for i in todo], screen=False)}
            if self.screens:
                others = [scored[i].text for i in todo if id(scored[i].text) in ok and not scored[i].success]
                dropped = {id(t) for t in others} - {id(t) for t in self._screen(others)}
                ok -= dropped
            passed.update((i, id(scored[i].text) in ok) for i in todo)

        def judge(positions: Sequence[int]) -> None:
            todo = [i for i in positions if passed.get(i) and scored[i].success and i not in valid]
            if not judging or not todo:
                return
            for i, verdict in zip(todo, self.verdicts([scored[i].text.text for i in todo])):
                valid[i] = bool(verdict.valid)
                self.rejected += not verdict.valid

        def acceptable(i: int) -> bool | None:  # None: not known yet
            if i not in passed:
                return None
            if not passed[i]:
                return False
            if not judging or not scored[i].success:
                return True
            return valid.get(i)

        def first(order: Sequence[int]) -> int | None:
            """The first acceptable position in ``order``, checking and judging a few at a time."""
            size = self.VICTIM_FIRST_CHUNK
            while True:
                pending = None
                for k, i in enumerate(order):
                    known = acceptable(i)
                    if known is None:
                        pending = k
                        break
                    if known:
                        return i
                if pending is None:
                    return None
                window = order[pending:pending + size]
                check(window)
                judge(window)
                size *= 2

        best = first(ranked)
        if best is not None and scored[best].success:  # the step returns the success it prefers
            successes = [i for i in range(len(scored)) if scored[i].success]
            check(successes)
            successes = [i for i in successes if passed[i]]
            if judging:
                preferred = preference_order(self, [scored[i] for i in successes])
                first([successes[k] for k in preferred])
        out = []
        for i in range(len(scored)):
            known = acceptable(i)
            if known:
                out.append(scored[i])
            elif known is False and passed.get(i):  # a success the judge rejected: a dead end
                out.append(scored[i]._replace(success=False, score=REJECTED_SCORE))
        return out

    def _screen(self, candidates: list[AttackedText]) -> list[AttackedText]:
        """Drop candidates the judge's per-word rules reject (``screen_many``). Those rules are
        monotone — a rejected swap stays in every text built on top of it — so no valid success is
        lost, and the search no longer walks on from a flipped word it can never return."""
        todo = [c.text for c in candidates if c.text not in self._screened]
        if todo:
            with self._measure("judge"):
                found = self.judge.screen_many([(self.original, t, self.label) for t in todo])
            self._screened.update((t, bool(v.valid)) for t, v in zip(todo, found))
        kept = [c for c in candidates if self._screened[c.text]]
        self.screened_out += len(candidates) - len(kept)
        return kept

    # -- scores --------------------------------------------------------------------------------
    def evaluate(self, candidates: Sequence[AttackedText]) -> list[Scored]:
        """Victim scores of ``candidates`` (a prefix of them if the budget runs out).

        In a valid-only search (``require_valid`` with a judge), a candidate that reaches the goal
        but is rejected by the judge comes back as not a success with :data:`REJECTED_SCORE`.
        """
        return self._judged(self.state.evaluate(candidates))

    def _judged(self, scored: list[Scored]) -> list[Scored]:
        """``scored`` with, in a valid-only search, each judge-rejected success turned into a dead end."""
        if self.judge is None or not self.require_valid:
            return scored
        successes = [s.text.text for s in scored if s.success]
        if not successes:
            return scored
        self.verdicts(successes)
        out = []
        for s in scored:
            if s.success and not self._verdicts[s.text.text].valid:
                self.rejected += 1
                s = s._replace(success=False, score=REJECTED_SCORE)
            out.append(s)
        return out

    def score(self, probes: Sequence[AttackedText]) -> list[Scored]:
        """Victim scores of probe texts that are never returned (word-importance deletions, masked
        words): queries as usual, never judged."""
        return self.state.evaluate(probes)

    def verdicts(self, texts: Sequence[str]) -> list:
        """The judge's verdict on each of ``texts`` against the original (cached per text, one batch)."""
        if self.judge is None:
            raise RuntimeError("this search has no validity judge")
        todo = list(dict.fromkeys(t for t in texts if t not in self._verdicts))
        if todo:
            with self._measure("judge"):
                found = self.judge.judge_many([(self.original, t, self.label) for t in todo])
            self._verdicts.update(zip(todo, found))
        return [self._verdicts[t] for t in texts]

    def verdict(self, text: str):
        return self.verdicts([text])[0]

    @property
    def out_of_budget(self) -> bool:
        return self.state.out_of_budget

    @property
    def budget_cut(self) -> bool:
        """True once the budget refused a text: some candidate went unscored."""
        return self.state.budget_exhausted

    def similarity_of(self, text: AttackedText) -> float | None:
        """The similarity a sentence-similarity constraint recorded for ``text``, if any."""
        return self.state.similarity.get(text.text)

    # -- white-box access (victim time, never a query) -----------------------------------------
    def word_gradients(self, text: AttackedText, label: int | None = None):
        """The victim's loss gradient for ``label`` (default: the example's) at each word of ``text``.

        An array of shape ``(text.num_words, embedding_dim)`` as the victim returns it
        (:class:`~attack_recipe.models.base.GradientVictim`). The backward pass is victim compute,
        so it is timed as victim seconds; it classifies nothing, so it is not a query.
        """
        victim = self._white_box("gradients")
        with self._measure("victim"):
            return victim.word_gradients(list(text.words), self.label if label is None else label)

    def word_vocabulary(self):
        """``(words, vectors)``: the victim's whole-word input vocabulary (see ``GradientVictim``)."""
        victim = self._white_box("the word vocabulary")
        with self._measure("victim"):
            return victim.word_vocabulary()

    def gradients_of(self, text: AttackedText, column: int):
        """:meth:`word_gradients` for ``column``, remembered per text (one backward pass each)."""
        key = (text.text, column)
        if key not in self._gradients:
            self._gradients[key] = self.word_gradients(text, column)
        return self._gradients[key]

    def word_embeddings(self, words: Sequence[str]) -> list:
        """The victim's input embedding of each word (None where it has none): its
        ``word_embeddings`` if it offers one (sub-word rows averaged), else its whole-word vocabulary."""
        victim = self._white_box("word embeddings")
        with self._measure("victim"):
            if hasattr(victim, "word_embeddings"):
                return list(victim.word_embeddings(list(words)))
            vocab, vectors = victim.word_vocabulary()
            if self._vocab_rows is None:
                self._vocab_rows = {w: i for i, w in enumerate(vocab)}
            row = self._vocab_rows
            return [vectors[row[w.lower()]] if w.lower() in row else None for w in words]

    def _white_box(self, what: str):
        # Attack.run checked this before the first query; this guards contexts built by hand
        victim = self.state.victim
        require_white_box(victim, f"reading {what} from the victim")
        return victim

    # -- generation (generator time, counted in ``generated``, never a query) ------------------
    def generate(self, paraphrase, text: AttackedText) -> list[AttackedText]:
        """Distinct rewrites of ``text`` sampled by ``paraphrase`` (``generate(text, rng) -> (texts, n)``).

        The sampling seed comes from the example's rng; the seconds go to the ``generator`` timer
        and the number of sampled texts to ``RunState.generated``.
        """
        with self._measure("generator"):
            candidates, sampled = paraphrase.generate(text, self.rng)
        self.state.generated += sampled
        return candidates

    # -- timing ----------------------------------------------------------------------------------
    def _measure(self, kind: str | None):
        """A context charging its block to timer ``kind`` ("victim", "encoder", "lm", "generator");
        None: not timed. Every step of a search passes here, so this is where it stops once the
        example's time is up (checked when the context is made, i.e. as the block starts)."""
        self.state.check_deadline()
        return self.state.timers.measure(kind) if kind else _UNTIMED


class SearchMethod(abc.ABC):
    """Finds a successful (or the best) neighbour of the starting text."""

    #: True if the method needs a white-box victim (gradients).
    needs_gradients: bool = False

    @abc.abstractmethod
    def search(self, ctx: SearchContext, initial: Scored) -> Scored:
        """Return the best text found; stop as soon as a success is found or the budget runs out."""

    def __repr__(self) -> str:
        return config_repr(self)
