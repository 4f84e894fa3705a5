"""Answer validation: structured problems naming the item and its allowed values."""

from __future__ import annotations

import pytest

from tests.instruments.helpers import definition
from wellbeing.instruments import AnswerError, find_problems, parse_answer_list, score


@pytest.mark.parametrize(
    ("instrument_id", "answers", "code", "item", "allowed"),
    [
        ("phq9", {"q10": 1}, "unknown_item", "q10", ()),
        ("phq9", {"q3": 4}, "not_an_option", "q3", (0, 1, 2, 3)),
        ("phq9", {"q3": True}, "not_an_option", "q3", (0, 1, 2, 3)),
        ("phq9", {"q3": "2"}, "not_an_option", "q3", (0, 1, 2, 3)),
        ("audit", {"q9": 1}, "not_an_option", "q9", (0, 2, 4)),
        ("cbi", {"q1": 60}, "not_an_option", "q1", (100, 75, 50, 25, 0)),
        ("audit", {"q1": 0, "q2": 0}, "answered_but_skipped", "q2", ()),
        ("cssrs", {"q2": 0, "q4": 1}, "answered_but_skipped", "q4", ()),
        ("pcptsd5", {"q1": 0, "q3": 1}, "answered_but_skipped", "q3", ()),
    ],
)
def test_problem_is_structured(
    instrument_id: str,
    answers: dict[str, object],
    code: str,
    item: str,
    allowed: tuple[int, ...],
) -> None:
    defn = definition(instrument_id)
    with pytest.raises(AnswerError) as caught:
        score(defn, answers)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert (problem.code, problem.item, problem.allowed) == (code, item, allowed)
    assert item in problem.message


def test_all_problems_are_reported_together() -> None:
    problems = find_problems(definition("gad7"), {"q1": 9, "q2": -1, "x": 0})
    assert [(p.code, p.item) for p in problems] == [
        ("unknown_item", "x"),
        ("not_an_option", "q1"),
        ("not_an_option", "q2"),
    ]


def test_message_lists_allowed_values() -> None:
    problems = find_problems(definition("audit"), {"q10": 3})
    assert problems[0].message == "item q10: 3 is not an option; allowed values: 0, 2, 4"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {}),
        ("1,2", {"q1": 1, "q2": 2}),
        ("1,,3", {"q1": 1, "q2": None, "q3": 3}),
        (" 1 , 2 ", {"q1": 1, "q2": 2}),
    ],
)
def test_parse_answer_list(text: str, expected: dict[str, int | None]) -> None:
    assert parse_answer_list(definition("gad7"), text) == expected


def test_parse_too_many_values() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer_list(definition("phq2"), "1,1,1")
    (problem,) = caught.value.problems
    assert problem.code == "too_many_values"
    assert problem.item is None
    assert "q1, q2" in problem.message


def test_parse_non_number() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_answer_list(definition("phq2"), "1,x")
    assert caught.value.problems[0].code == "not_an_option"
    assert caught.value.problems[0].item == "q2"
