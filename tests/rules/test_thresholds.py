"""Every default rule at and just past its threshold, on results scored by the real instruments.

Totals are reached by answers built for the exact total and scored with the shipped
definitions, so a rule is tested against what scoring really produces (WHO-5 percentages
move in steps of 4: 28 fires, 32 does not).
"""

from __future__ import annotations

import pytest

from tests.instruments.helpers import Answers
from tests.rules.helpers import RULES, outcome, result_with_total, scored, zeros
from wellbeing.instruments import Result
from wellbeing.rules import evaluate

# rule id, instrument, total, fires
TOTAL_CASES: list[tuple[str, str, int, bool]] = [
    ("phq9_severe", "phq9", 20, True),
    ("phq9_severe", "phq9", 19, False),
    ("gad7_severe", "gad7", 15, True),
    ("gad7_severe", "gad7", 14, False),
    ("k10_very_high", "k10", 30, True),
    ("k10_very_high", "k10", 29, False),
    ("phq9_moderate", "phq9", 10, True),
    ("phq9_moderate", "phq9", 9, False),
    ("phq9_moderate", "phq9", 19, True),
    ("phq9_moderate", "phq9", 20, False),
    ("gad7_moderate", "gad7", 10, True),
    ("gad7_moderate", "gad7", 9, False),
    ("gad7_moderate", "gad7", 14, True),
    ("gad7_moderate", "gad7", 15, False),
    ("pcl5_probable_ptsd", "pcl5", 33, True),
    ("pcl5_probable_ptsd", "pcl5", 32, False),
    ("audit_harmful", "audit", 16, True),
    ("audit_harmful", "audit", 15, False),
    ("k10_high", "k10", 22, True),
    ("k10_high", "k10", 21, False),
    ("k10_high", "k10", 29, True),
    ("k10_high", "k10", 30, False),
    ("isi_clinical", "isi", 15, True),
    ("isi_clinical", "isi", 14, False),
    ("who5_likely_depression", "who5", 28, True),
    ("who5_likely_depression", "who5", 32, False),
    ("phq2_positive", "phq2", 3, True),
    ("phq2_positive", "phq2", 2, False),
    ("gad2_positive", "gad2", 3, True),
    ("gad2_positive", "gad2", 2, False),
    ("pcptsd5_positive", "pcptsd5", 3, True),
    ("pcptsd5_positive", "pcptsd5", 2, False),
]


def _check(rule_id: str, result: Result, fires: bool) -> None:
    evaluation = evaluate(RULES, result)
    assert (rule_id in evaluation.rule_ids) is fires
    rule = RULES.get(rule_id)
    referral = rule.actions.referral
    if fires and referral is not None:
        assert any(reason.rule_id == rule_id for reason in evaluation.reasons)
        assert evaluation.priority is not None
        assert evaluation.priority.rank >= referral.priority.rank
    if fires and rule.actions.follow_up is not None:
        assert rule.actions.follow_up in evaluation.follow_ups
    if not fires:
        assert all(reason.rule_id != rule_id for reason in evaluation.reasons)


@pytest.mark.parametrize(
    ("rule_id", "instrument", "total", "fires"),
    TOTAL_CASES,
    ids=[f"{rule}-{total}" for rule, _, total, _ in TOTAL_CASES],
)
def test_total_rule_at_and_past_threshold(
    rule_id: str, instrument: str, total: int, fires: bool
) -> None:
    _check(rule_id, result_with_total(instrument, total), fires)


SOMATIZATION = ("q1", "q4", "q12", "q27", "q40", "q42", "q48", "q49", "q52", "q53", "q56", "q58")

# rule id, instrument, answers (over the lowest option everywhere), fires
ANSWER_CASES: list[tuple[str, str, dict[str, int], bool]] = [
    ("phq9_item9", "phq9", {"q9": 1}, True),
    ("phq9_item9", "phq9", {"q9": 0, "q1": 3, "q2": 3}, False),
    ("scl90_item15", "scl90", {"q15": 2}, True),
    ("scl90_item15", "scl90", {"q15": 1}, False),
    # positive screen through a factor mean of exactly 2 (the issue's ≥ 2), and just under it
    ("scl90_positive_screen", "scl90", dict.fromkeys(SOMATIZATION, 2), True),
    ("scl90_positive_screen", "scl90", {**dict.fromkeys(SOMATIZATION, 2), "q58": 1}, False),
    ("cssrs_high_risk", "cssrs", {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0}, True),
    ("cssrs_high_risk", "cssrs", {"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 0}, False),
    ("cssrs_high_risk", "cssrs", {"q1": 1, "q2": 0, "q6": 1, "q6_recent": 1}, True),
    ("cssrs_high_risk", "cssrs", {"q1": 1, "q2": 0, "q6": 1, "q6_recent": 0}, False),
    ("cssrs_moderate_risk", "cssrs", {"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 0}, True),
    ("cssrs_moderate_risk", "cssrs", {"q1": 1, "q2": 1, "q3": 0, "q4": 0, "q5": 0, "q6": 0}, False),
    ("cssrs_ideation", "cssrs", {"q1": 1, "q2": 0, "q6": 0}, True),
    ("cssrs_ideation", "cssrs", {"q1": 0, "q2": 0, "q6": 0}, False),
]


@pytest.mark.parametrize(
    ("rule_id", "instrument", "answers", "fires"),
    ANSWER_CASES,
    ids=[f"{rule}-{index}" for index, (rule, _, _, _) in enumerate(ANSWER_CASES)],
)
def test_answer_rule_at_and_past_threshold(
    rule_id: str, instrument: str, answers: dict[str, int], fires: bool
) -> None:
    # C-SSRS answers are given whole (skip logic); other instruments start at their minimum
    full: Answers = {**answers} if instrument == "cssrs" else zeros(instrument, **answers)
    _check(rule_id, scored(instrument, full), fires)


def test_phq9_item9_alone_with_total_one_is_urgent_with_crisis() -> None:
    evaluation = outcome("phq9", zeros("phq9", q9=1))
    assert evaluation.rule_ids == ("phq9_item9",)
    assert evaluation.priority == "urgent"
    assert evaluation.crisis is True
    assert [reason.rule_id for reason in evaluation.reasons] == ["phq9_item9"]


def test_cssrs_none_band_raises_nothing() -> None:
    evaluation = outcome("cssrs", {"q1": 0, "q2": 0, "q6": 0})
    assert evaluation.rule_ids == ()
    assert evaluation.priority is None
    assert not evaluation.crisis
