"""Property tests: evaluation is deterministic and its priority is the max of the fired rules'."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.instruments.helpers import Answers
from tests.rules.helpers import CATALOGUE, RULES, scored
from wellbeing.instruments.conditions import evaluate as item_condition
from wellbeing.rules import Priority, ReferralDecision, evaluate

INSTRUMENTS = sorted({rule.instrument for rule in RULES})


def _rank(referral: ReferralDecision | None) -> int:
    assert referral is not None
    return referral.priority.rank


@st.composite
def answer_sets(draw: st.DrawFn, instrument_id: str) -> Answers:
    """Answers that respect skip logic, any item possibly unanswered."""
    answers: Answers = {}
    for item in CATALOGUE.get(instrument_id).items:
        if item.ask_when is not None and item_condition(item.ask_when, answers, {}) is False:
            continue
        answers[item.id] = draw(st.one_of(st.none(), st.sampled_from(item.values)))
    return answers


@pytest.mark.parametrize("instrument_id", INSTRUMENTS)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_evaluation_is_deterministic_and_takes_the_highest_priority(
    instrument_id: str, data: st.DataObject
) -> None:
    result = scored(instrument_id, data.draw(answer_sets(instrument_id)))
    previous = data.draw(st.one_of(st.none(), st.integers(0, 100).map(Fraction)))
    first = evaluate(RULES, result, previous)
    assert evaluate(RULES, result, previous) == first
    fired = [RULES.get(rule_id) for rule_id in first.rule_ids]
    priorities = [r.actions.referral.priority for r in fired if r.actions.referral is not None]
    expected = max(priorities, key=lambda p: p.rank) if priorities else None
    assert first.priority is expected
    referring = [rule for rule in fired if rule.actions.referral is not None]
    by_priority = sorted(referring, key=lambda rule: -_rank(rule.actions.referral))
    assert [reason.rule_id for reason in first.reasons] == [rule.id for rule in by_priority]
    assert first.crisis is any(rule.actions.crisis for rule in fired)
    if first.crisis:
        assert first.priority is Priority.URGENT


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_phq9_item9_always_means_urgent_and_crisis(data: st.DataObject) -> None:
    answers = data.draw(answer_sets("phq9"))
    item9 = answers.get("q9")
    evaluation = evaluate(RULES, scored("phq9", answers))
    endorsed = item9 is not None and item9 >= 1
    assert (evaluation.priority is Priority.URGENT) is endorsed
    assert evaluation.crisis is endorsed
