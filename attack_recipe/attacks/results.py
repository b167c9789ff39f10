"""Typed, frozen results of attacking one example, and their JSON form (one line of results.jsonl)."""

from __future__ import annotations

import dataclasses
import enum
import json
from dataclasses import dataclass, field
from typing import Any

from ..core.steps import EditStep, step_from_json

#: Bump when a field is removed or changes meaning, i.e. when old lines must be read differently;
#: readers check it. A field added with a default (``generated``, ``seconds.generator``) does not bump
#: it: lines written before it simply lack the key and read back with the default.
SCHEMA_VERSION = 1


#: ``reason`` of a failed result whose search stopped because the query budget ran out
BUDGET_REASON = "query budget exhausted"
#: ``reason`` of a failed result whose search stopped at the example's time limit (attacks/deadline.py)
TIMEOUT_REASON = "timeout"


class Status(str, enum.Enum):
    SUCCEEDED = "succeeded"  # the goal was reached
    FAILED = "failed"  # the search ended (or ran out of budget) without reaching the goal
    SKIPPED = "skipped"  # the goal already held on the original text (e.g. the model was already wrong)
    ERROR = "error"  # the example could not be attacked (bad input, victim raised, ...)


@dataclass(frozen=True)
class TimeSplit:
    """Seconds spent in each kind of model call while attacking one example."""

    victim: float = 0.0
    encoder: float = 0.0
    lm: float = 0.0
    total: float = 0.0
    generator: float = 0.0  # generating candidate texts (paraphrases); not victim time
    judge: float = 0.0  # the validity judge (tagger, word resources, its LM and encoder)
    tagger: float = 0.0  # the attack's contextual part-of-speech tagger (POS constraint, inflection)

    @property
    def rest(self) -> float:
        return max(0.0, self.total - sum(getattr(self, part) for part in MODEL_TIMERS))


#: The model timers of a :class:`TimeSplit`, in the order reports list them (then "rest"). Those in
#: :data:`SHOWN_WHEN_USED` appear in a report only when a run spent time in them.
MODEL_TIMERS = ("victim", "encoder", "lm", "tagger", "generator", "judge")
SHOWN_WHEN_USED = ("tagger", "generator", "judge")
#: Every part of a time split as reports list it.
TIME_PARTS = (*MODEL_TIMERS, "rest")


@dataclass(frozen=True)
class AttackResult:
    """What happened to one example. ``perturbed_*`` fields are ``None`` unless the search produced a text."""

    example_id: str
    original_text: str
    label: int
    status: Status
    original_prediction: int | None = None
    original_score: float | None = None  # victim probability of ``original_prediction``
    perturbed_text: str | None = None
    perturbed_prediction: int | None = None
    perturbed_score: float | None = None
    changed_indices: tuple[int, ...] = ()
    #: the search path, oldest first (for re-checks): ``WordEdit`` and ``Rewrite`` steps (core/steps.py)
    edits: tuple[EditStep, ...] = ()
    num_words: int = 0
    queries: int = 0  # unique texts sent to the victim (each counted once)
    cache_hits: int = 0  # lookups answered from the per-example cache, not counted as queries
    generated: int = 0  # candidate texts sampled from a generator (paraphrases); not queries
    similarity: float | None = None  # sentence-encoder cosine(original, perturbed), reporting only
    #: validity, measured apart from the attack's own constraints (evaluation/validity.py)
    perplexity_ratio: float | None = None  # perplexity(perturbed) / perplexity(original), causal LM
    independent_similarity: float | None = None  # cosine under a second encoder the attack never saw
    reason: str | None = None  # why it failed / was skipped / errored ("query budget", "search exhausted", ...)
    error: str | None = None
    seconds: TimeSplit = field(default_factory=TimeSplit)
    target: int | None = None  # for targeted / threshold goals
    #: the validity judge's verdict on ``perturbed_text`` of a success, ``{"valid": bool, "reasons": [...]}``;
    #: None when the attack had no judge or did not succeed
    judgement: dict | None = None
    #: successful candidates the judge rejected during a valid-only search (they were not returned)
    rejected_successes: int = 0
    #: candidates a valid-only search dropped before querying them: the judge's word rules rejected them
    screened_out: int = 0

    @property
    def valid(self) -> bool | None:
        """True for a success the judge accepted, False for one it rejected, None when not judged."""
        if self.status is not Status.SUCCEEDED or self.judgement is None:
            return None
        return bool(self.judgement.get("valid"))

    def __post_init__(self) -> None:
        for step in self.edits:
            if not isinstance(step, EditStep):
                raise TypeError(f"AttackResult.edits holds EditStep values (WordEdit, Rewrite), got {step!r}")

    @property
    def rewritten(self) -> bool:
        """True if the search path contains a sentence-level rewrite (paraphrase)."""
        return any(step.starts_grid for step in self.edits)

    @property
    def perturbed_word_fraction(self) -> float | None:
        """Share of the original's words that the attack changed.

        Word edits: changed positions / words. After a rewrite (paraphrase) the texts differ in length
        and order, so it is the share of original words *not kept*: 1 - (original words aligned to an
        identical word of the perturbed text, :func:`~attack_recipe.core.text.align_words`) / words.
        For a pure word swap both definitions agree.
        """
        if self.perturbed_text is None or not self.num_words:
            return None
        if self.rewritten:
            from ..core.text import align_words, split_words

            kept = len(align_words(split_words(self.original_text)[0], split_words(self.perturbed_text)[0]))
            return max(0.0, 1.0 - kept / self.num_words)
        return len(self.changed_indices) / self.num_words

    # -- serialisation -----------------------------------------------------------------------
    def to_json_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["status"] = self.status.value
        d["changed_indices"] = list(self.changed_indices)
        d["edits"] = [step.to_json() for step in self.edits]
        d["seconds"] = {**dataclasses.asdict(self.seconds), "rest": self.seconds.rest}
        for key in ("original_score", "perturbed_score", "similarity", "perplexity_ratio", "independent_similarity"):
            if d[key] is not None:
                d[key] = round(float(d[key]), 6)
        d["seconds"] = {k: round(v, 4) for k, v in d["seconds"].items()}
        return {"schema_version": SCHEMA_VERSION, **d}

    def to_json_line(self) -> str:
        return json.dumps(self.to_json_dict(), ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> "AttackResult":
        version = d.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"results schema version {version!r} is not supported (expected {SCHEMA_VERSION})")
        kwargs = {k: v for k, v in d.items() if k != "schema_version"}
        kwargs["status"] = Status(kwargs["status"])
        kwargs["changed_indices"] = tuple(kwargs.get("changed_indices") or ())
        kwargs["edits"] = tuple(step_from_json(step) for step in kwargs.get("edits") or ())
        secs = dict(kwargs.get("seconds") or {})
        secs.pop("rest", None)
        kwargs["seconds"] = TimeSplit(**secs)
        return cls(**kwargs)
