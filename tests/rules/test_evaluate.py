"""Evaluation: critical items on incomplete forms, one outcome for many rules, rises, follow-ups."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.rules.helpers import CATALOGUE, RULES, make_rule, outcome, result_with_total, zeros
from wellbeing.rules import (
    FollowUp,
    FollowUpMode,
    Priority,
    build_rules,
    evaluate,
    max_priority,
)
from wellbeing.rules.model import RuleSet


def test_phq9_item9_fires_on_an_incomplete_phq9() -> None:
    evaluation = outcome("phq9", {"q9": 1})
    assert evaluation.rule_ids == ("phq9_item9",)
    assert evaluation.priority is Priority.URGENT
    assert evaluation.crisis


def test_scl90_item15_fires_on_an_incomplete_scl90() -> None:
    evaluation = outcome("scl90", {"q15": 3})
    assert evaluation.rule_ids == ("scl90_item15",)
    assert evaluation.priority is Priority.URGENT
    assert evaluation.crisis


def test_cssrs_high_risk_fires_on_an_incomplete_cssrs() -> None:
    evaluation = outcome("cssrs", {"q1": 1, "q2": 1, "q4": 1})
    assert evaluation.priority is Priority.URGENT
    assert evaluation.crisis


def test_cssrs_unfinished_after_suicidal_thoughts_is_never_low() -> None:
    evaluation = outcome("cssrs", {"q1": 1, "q2": 1})
    assert set(evaluation.rule_ids) == {"cssrs_moderate_risk", "cssrs_ideation"}
    assert evaluation.priority is Priority.HIGH
    assert not evaluation.crisis


def test_total_rules_stay_silent_on_an_incomplete_result() -> None:
    answers = zeros("phq9", q1=3, q2=3, q3=3, q4=3, q5=3, q6=3, q7=3)
    answers["q8"] = None
    evaluation = outcome("phq9", answers, previous_total=0)
    assert evaluation.rule_ids == ()
    assert evaluation.priority is None


def test_several_rules_give_one_outcome_with_every_reason_and_the_highest_priority() -> None:
    result = result_with_total("phq9", 27)  # item 9 = 3, severe, and a rise of 17
    evaluation = evaluate(RULES, result, previous_total=Fraction(10))
    assert set(evaluation.rule_ids) == {"phq9_item9", "phq9_severe", "phq9_rise"}
    assert evaluation.priority is Priority.URGENT
    assert evaluation.crisis
    assert [(r.rule_id, r.priority) for r in evaluation.reasons] == [
        ("phq9_item9", Priority.URGENT),
        ("phq9_severe", Priority.HIGH),
        ("phq9_rise", Priority.ROUTINE),
    ]
    assert all(r.text == RULES.get(r.rule_id).actions.referral.reason for r in evaluation.reasons)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("instrument", "total", "previous", "fires"),
    [
        ("phq9", 10, 5, True),
        ("phq9", 10, 6, False),
        ("phq9", 10, None, False),
        ("phq9", 5, 10, False),
        ("gad7", 9, 4, True),
        ("gad7", 9, 5, False),
        ("gad7", 9, None, False),
    ],
)
def test_rise_since_last(instrument: str, total: int, previous: int | None, fires: bool) -> None:
    result = result_with_total(instrument, total)
    prior = None if previous is None else Fraction(previous)
    evaluation = evaluate(RULES, result, previous_total=prior)
    assert (f"{instrument}_rise" in evaluation.rule_ids) is fires


def test_rise_alone_opens_a_routine_referral() -> None:
    evaluation = evaluate(RULES, result_with_total("gad7", 8), previous_total=Fraction(3))
    assert evaluation.rule_ids == ("gad7_rise",)
    assert evaluation.priority is Priority.ROUTINE


@pytest.mark.parametrize(
    ("instrument", "target"), [("phq2", "phq9"), ("gad2", "gad7"), ("pcptsd5", "pcl5")]
)
def test_stepped_follow_up_is_offered(instrument: str, target: str) -> None:
    evaluation = evaluate(RULES, result_with_total(instrument, 3))
    assert evaluation.follow_ups == (FollowUp(target, FollowUpMode.OFFER),)
    assert evaluation.priority is None
    assert not evaluation.refers
    assert not evaluation.crisis


def test_full_audit_is_offered_after_a_positive_audit_c() -> None:
    evaluation = outcome("audit", {"q1": 2, "q2": 1, "q3": 1})  # consumption 4, rest unanswered
    assert evaluation.rule_ids == ("audit_c_positive",)
    assert evaluation.follow_ups == (FollowUp("audit", FollowUpMode.OFFER),)


def test_audit_c_below_four_offers_nothing() -> None:
    assert outcome("audit", {"q1": 1, "q2": 1, "q3": 1}).follow_ups == ()


def test_a_complete_audit_does_not_offer_itself_again() -> None:
    answers = zeros("audit", q1=2, q2=1, q3=1)
    assert outcome("audit", answers).follow_ups == ()


def test_follow_ups_are_deduplicated_and_assign_wins() -> None:
    def follow(rule_id: str, mode: str) -> dict[str, object]:
        return make_rule(rule_id, actions={"follow_up": {"instrument": "pcl5", "mode": mode}})

    rules = build_rules(
        {"rules": [follow("a", "offer"), follow("b", "assign"), follow("c", "offer")]},
        "test.yaml",
        CATALOGUE,
    )
    evaluation = evaluate(RuleSet(rules, "x"), result_with_total("phq9", 12))
    assert evaluation.rule_ids == ("a", "b", "c")
    assert evaluation.follow_ups == (FollowUp("pcl5", FollowUpMode.ASSIGN),)


def test_no_rules_for_the_instrument_means_no_outcome() -> None:
    evaluation = evaluate(RULES, result_with_total("pss10", 40))
    assert evaluation.rule_ids == ()
    assert evaluation.to_dict() == {
        "instrument": "pss10",
        "rule_ids": [],
        "priority": None,
        "reasons": [],
        "crisis": False,
        "follow_ups": [],
    }


def test_to_dict_is_json_ready() -> None:
    data = outcome("phq9", zeros("phq9", q9=1)).to_dict()
    assert data["priority"] == "urgent"
    assert data["reasons"][0]["rule_id"] == "phq9_item9"
    assert set(data["reasons"][0]["text"]) == {"zh-CN", "en"}


P = Priority


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (None, None, None),
        (None, P.ROUTINE, P.ROUTINE),
        (P.HIGH, None, P.HIGH),
        (P.ROUTINE, P.HIGH, P.HIGH),
        (P.HIGH, P.ROUTINE, P.HIGH),
        (P.URGENT, P.ROUTINE, P.URGENT),
        (P.HIGH, P.URGENT, P.URGENT),
        (P.URGENT, P.URGENT, P.URGENT),
    ],
)
def test_max_priority_never_falls(a: P | None, b: P | None, expected: P | None) -> None:
    assert max_priority(a, b) is expected
    assert max_priority(b, a) is expected
