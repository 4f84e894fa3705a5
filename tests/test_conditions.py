"""The one condition language: questionnaires and rules parse and compare alike (issue 15)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import pytest

from tests.rules.helpers import scored, zeros
from wellbeing.conditions import AllOf, AnyOf, Comparison, ConditionError, ItemIs, ScoreIs, combine
from wellbeing.instruments import conditions as questionnaire
from wellbeing.rules import conditions as rule


@pytest.mark.parametrize(
    ("op", "operand", "value", "expected"),
    [
        ("eq", Fraction(2), 2, True),
        ("ne", Fraction(2), 2, False),
        ("gt", Fraction(2), 2, False),
        ("ge", Fraction(2), 2, True),
        ("lt", Fraction(5, 2), 2, True),
        ("le", Fraction(2), Fraction(5, 2), False),
        ("in", (Fraction(1), Fraction(3)), 3, True),
        ("between", (Fraction(1), Fraction(3)), 1, True),
        ("between", (Fraction(1), Fraction(3)), Fraction(7, 2), False),
    ],
)
def test_each_operator_compares_exactly(
    op: str, operand: Fraction | tuple[Fraction, ...], value: Fraction | int, expected: bool
) -> None:
    assert Comparison(op, operand).test(value) is expected


@pytest.mark.parametrize("value", range(4))
def test_an_item_condition_means_the_same_in_a_questionnaire_and_in_a_rule(value: int) -> None:
    data = {"item": "q9", "ge": 1}
    in_questionnaire = questionnaire.parse_condition(data, "ask_when")
    in_rule = rule.parse_condition(data, "when")
    assert in_questionnaire == in_rule == ItemIs("q9", Comparison("ge", Fraction(1)))
    answers = zeros("phq9", q9=value)  # q9 is not reversed: the answer is its score
    asked = questionnaire.evaluate(in_questionnaire, answers, {})
    assert asked is rule.holds(in_rule, scored("phq9", answers)) is (value >= 1)


def test_a_subscale_is_the_same_score_condition_in_both() -> None:
    by_score = questionnaire.parse_condition({"score": "somatization", "ge": "2.5"}, "when")
    by_subscale = rule.parse_condition({"subscale": "somatization", "ge": "5/2"}, "when")
    assert by_score == by_subscale == ScoreIs("somatization", Comparison("ge", Fraction(5, 2)))


@pytest.mark.parametrize(
    ("parse", "data", "message"),
    [
        (
            questionnaire.parse_condition,
            {"item": "q1", "between": [0, 1]},
            "eq, ne, gt, ge, lt, le, in",
        ),
        (rule.parse_condition, {"item": "q1", "in": [0, 1]}, "ge, gt, le, lt, eq, between"),
        (rule.parse_condition, {"item": "q1", "ne": 0}, "ge, gt, le, lt, eq, between"),
    ],
)
def test_each_dialect_keeps_its_own_operators(
    parse: Callable[[Mapping[str, Any], str], object], data: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConditionError, match=f"needs exactly one of {message}$"):
        parse(data, "p")


@pytest.mark.parametrize(
    ("truths", "all_of", "any_of"),
    [
        ([True, None], None, True),
        ([False, None], False, None),
        ([True, True], True, True),
        ([False, False], False, False),
        ([None, None], None, None),
        ([], True, False),
    ],
)
def test_all_and_any_are_three_valued(
    truths: list[bool | None], all_of: bool | None, any_of: bool | None
) -> None:
    parts = tuple(range(len(truths)))

    def truth_of(part: int | AllOf[int] | AnyOf[int]) -> bool | None:
        assert isinstance(part, int)
        return truths[part]

    assert combine(AllOf(parts), truth_of) is all_of
    assert combine(AnyOf(parts), truth_of) is any_of


def test_parts_are_asked_no_further_than_needed() -> None:
    asked: list[int] = []

    def truth_of(part: int | AllOf[int] | AnyOf[int]) -> bool:
        assert isinstance(part, int)
        asked.append(part)
        return part == 1

    assert combine(AnyOf((0, 1, 2)), truth_of) is True
    assert asked == [0, 1]
