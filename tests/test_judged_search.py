"""A valid-only search: a success the judge rejects is a dead end, and the search keeps looking.

The engine sees the judge only through ``judge_many`` (``SearchContext.evaluate``); these tests use a
judge that rejects any text containing a banned word, so the expected path is written out by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from attack_recipe.attacks.attack import Attack
from attack_recipe.attacks.results import AttackResult, Status
from attack_recipe.attacks.search.base import REJECTED_SCORE
from attack_recipe.attacks.search.greedy_wir import GreedyWordSwapWIR
from attack_recipe.attacks.transformations.base import WordSwap
from attack_recipe.testing import KeywordSentimentVictim


class TableSwap(WordSwap):
    def __init__(self, table):
        self.table = table

    def replacements(self, word, index, text, rng=None):
        return self.table.get(word.lower(), [])


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reasons: tuple = ()


class BannedWordJudge:
    def __init__(self, banned):
        self.banned = set(banned)
        self.calls = []

    def judge_many(self, pairs):
        self.calls.append(list(pairs))
        out = []
        for original, perturbed, label in pairs:
            bad = sorted(w for w in perturbed.lower().split() if w in self.banned)
            out.append(Verdict(not bad, tuple(f"banned: {w}" for w in bad)))
        return out


VICTIM = KeywordSentimentVictim({"great": 3.0, "awful": -4.0, "meh": -2.0, "fine": 2.5, "film": 0.0}, bias=0.0)
# logit 3 + 2.5: "great" -> "awful" flips the label at once (-1.5; the judge may ban it); "great" -> "meh"
# alone does not (0.5), so the valid path is "great" -> "meh", then "fine" -> "okay" (-2.0)
SWAPS = TableSwap({"great": ["awful", "meh"], "fine": ["okay"]})
TEXT = "great film , fine"


def attack(judge=None, require_valid=False):
    base = Attack(SWAPS, GreedyWordSwapWIR("delete"), similarity_model=None)
    return base.with_judge(judge, require_valid) if judge is not None else base


def test_without_a_judge_the_first_success_is_returned_unjudged():
    result = attack().run(VICTIM, TEXT, 1)
    assert result.status is Status.SUCCEEDED
    assert "awful" in result.perturbed_text
    assert result.judgement is None and result.valid is None


def test_a_judge_alone_only_labels_the_success():
    judge = BannedWordJudge({"awful"})
    result = attack(judge).run(VICTIM, TEXT, 1)
    assert result.status is Status.SUCCEEDED and "awful" in result.perturbed_text
    assert result.judgement == {"valid": False, "reasons": ["banned: awful"]}
    assert result.valid is False and result.rejected_successes == 0
    assert len(judge.calls) == 1  # one verdict, for the returned text


def test_valid_only_search_skips_the_rejected_success_and_finds_a_valid_one():
    judge = BannedWordJudge({"awful"})
    result = attack(judge, require_valid=True).run(VICTIM, TEXT, 1)
    assert result.status is Status.SUCCEEDED
    assert result.perturbed_text == "meh film , okay"
    assert result.judgement == {"valid": True, "reasons": []}
    assert result.rejected_successes == 1
    # the judge saw only successes, each once, with the true original and the label
    judged = [p for call in judge.calls for p in call]
    assert [p[1] for p in judged] == ["awful film , fine", "meh film , okay"]
    assert all(p[0] == TEXT and p[2] == 1 for p in judged)


def test_valid_only_search_fails_with_the_reason_when_every_success_is_rejected():
    judge = BannedWordJudge({"awful", "okay"})
    result = attack(judge, require_valid=True).run(VICTIM, TEXT, 1)
    assert result.status is Status.FAILED
    assert result.rejected_successes == 2
    assert result.reason == ("no valid candidate reached the goal (judge: 2 successes rejected, "
                             "0 candidates screened out)")
    assert result.judgement is None


def test_judge_fields_round_trip_through_json():
    judge = BannedWordJudge({"awful"})
    result = attack(judge, require_valid=True).run(VICTIM, TEXT, 1)
    back = AttackResult.from_json_dict(result.to_json_dict())
    assert back.judgement == result.judgement and back.rejected_successes == 1
    assert result.seconds.judge > 0 and back.seconds.judge == round(result.seconds.judge, 4)


def test_require_valid_needs_a_judge_and_shows_in_the_repr():
    with pytest.raises(TypeError):
        Attack(SWAPS, GreedyWordSwapWIR("delete"), require_valid=True)
    assert "require_valid=True" in repr(attack(BannedWordJudge(()), require_valid=True))
    assert "require_valid" not in repr(attack(BannedWordJudge(())))


def test_rejected_score_is_below_every_goal_score():
    assert REJECTED_SCORE < 0.0


class ScreeningJudge(BannedWordJudge):
    """Bans words; its screen (per-word rules) bans ``screen_banned`` on every candidate."""

    def __init__(self, banned, screen_banned):
        super().__init__(banned)
        self.screen_banned = set(screen_banned)
        self.screened = []

    def screen_many(self, pairs):
        self.screened.extend(p[1] for p in pairs)
        return [Verdict(not (set(p[1].lower().split()) & self.screen_banned)) for p in pairs]


def test_valid_only_search_screens_every_candidate_and_never_walks_on_from_a_screened_one():
    # "meh" is screened out, so the only way left is the non-flipping "fine" -> "okay" (3.0 + 0 > 0: fails)
    judge = ScreeningJudge(banned={"awful"}, screen_banned={"meh"})
    result = attack(judge, require_valid=True).run(VICTIM, TEXT, 1)
    assert "meh film , fine" in judge.screened
    assert result.status is Status.FAILED
    assert "meh" not in (result.perturbed_text or "")
    assert result.screened_out == 1 and result.rejected_successes == 1  # "meh" screened, "awful" rejected
    # without valid-only, the screen is not used at all
    judge2 = ScreeningJudge(banned={"awful"}, screen_banned={"meh"})
    attack(judge2).run(VICTIM, TEXT, 1)
    assert judge2.screened == []


def test_the_real_judge_screen_skips_the_language_model_and_encoder():
    from attack_recipe.testing.judge import RatioLM, tiny_judge

    lm = RatioLM()
    judge = tiny_judge(lm=lm)
    screened = judge.screen_many([("this movie was good", "this film was good"),
                                  ("this movie was good", "this movie was bad")])
    assert [v.valid for v in screened] == [True, False]
    assert lm.seen == []
    full = judge.judge_many([("this movie was good", "this film was good")])
    assert full[0].valid and full[0].signals["perplexity_ratio"] is not None
