"""Every flag just below and at its threshold, including with other items missing."""

from __future__ import annotations

import pytest

from tests.instruments.helpers import Answers, all_min, definition
from wellbeing.instruments import score
from wellbeing.instruments.conditions import evaluate

SCL90_CLINICAL = [s.id for s in definition("scl90").subscales][:9]


def _with(instrument_id: str, **values: int | None) -> Answers:
    answers = all_min(definition(instrument_id))
    answers.update(values)
    return answers


def _flags(instrument_id: str, answers: Answers) -> tuple[str, ...]:
    return score(definition(instrument_id), answers).flags


PCL5_MINIMAL = {"q1": 2, "q6": 2, "q8": 2, "q9": 2, "q15": 2, "q16": 2}

CASES = [
    ("phq9 q9=0", "phq9", _with("phq9", q9=0), "suicidal_ideation", False),
    ("phq9 q9=1", "phq9", _with("phq9", q9=1), "suicidal_ideation", True),
    ("phq9 q9=1 others missing", "phq9", {"q9": 1}, "suicidal_ideation", True),
    ("who5 all 2", "who5", {f"q{i}": 2 for i in range(1, 6)}, "item_at_most_1", False),
    ("who5 one 1", "who5", {"q1": 5, "q2": 5, "q3": 5, "q4": 5, "q5": 1}, "item_at_most_1", True),
    ("who5 one 0 others missing", "who5", {"q3": 0}, "item_at_most_1", True),
    ("pcl5 minimal pattern", "pcl5", _with("pcl5", **PCL5_MINIMAL), "dsm5_provisional", True),
    (
        "pcl5 B just below",
        "pcl5",
        _with("pcl5", **{**PCL5_MINIMAL, "q1": 1}),
        "dsm5_provisional",
        False,
    ),
    (
        "pcl5 C just below",
        "pcl5",
        _with("pcl5", **{**PCL5_MINIMAL, "q6": 1}),
        "dsm5_provisional",
        False,
    ),
    (
        "pcl5 D just below",
        "pcl5",
        _with("pcl5", **{**PCL5_MINIMAL, "q9": 1}),
        "dsm5_provisional",
        False,
    ),
    (
        "pcl5 E just below",
        "pcl5",
        _with("pcl5", **{**PCL5_MINIMAL, "q16": 1}),
        "dsm5_provisional",
        False,
    ),
    ("scl90 q15=1", "scl90", _with("scl90", q15=1), "suicidal_ideation", False),
    ("scl90 q15=2", "scl90", _with("scl90", q15=2), "suicidal_ideation", True),
    ("scl90 q15=2 others missing", "scl90", {"q15": 2}, "suicidal_ideation", True),
    (
        "cssrs q3 only",
        "cssrs",
        {"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 0},
        "suicide_risk_high",
        False,
    ),
    (
        "cssrs q4",
        "cssrs",
        {"q1": 1, "q2": 1, "q3": 0, "q4": 1, "q5": 0, "q6": 0},
        "suicide_risk_high",
        True,
    ),
    (
        "cssrs q5",
        "cssrs",
        {"q1": 1, "q2": 1, "q3": 0, "q4": 0, "q5": 1, "q6": 0},
        "suicide_risk_high",
        True,
    ),
    (
        "cssrs q6 not recent",
        "cssrs",
        {"q1": 0, "q2": 0, "q6": 1, "q6_recent": 0},
        "suicide_risk_high",
        False,
    ),
    (
        "cssrs q6 recent",
        "cssrs",
        {"q1": 0, "q2": 0, "q6": 1, "q6_recent": 1},
        "suicide_risk_high",
        True,
    ),
    ("cssrs q4 with q3, q5 missing", "cssrs", {"q2": 1, "q4": 1}, "suicide_risk_high", True),
]


@pytest.mark.parametrize(
    ("instrument_id", "answers", "flag", "raised"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_flag_threshold(instrument_id: str, answers: Answers, flag: str, raised: bool) -> None:
    assert (flag in _flags(instrument_id, answers)) is raised


def _scl90_spread(extra: int, *, value: int) -> Answers:
    """SCL-90 answers adding ``extra`` points above 1 using ``value`` per item, keeping every
    clinical factor mean below 2 (at most n - 1 points over 1 per factor) and 'other' free."""
    defn = definition("scl90")
    answers = all_min(defn)
    budget = {spec.id: len(spec.items) - 1 for spec in defn.subscales[:9]}
    budget["other"] = 4 * 7
    for spec in reversed(defn.subscales[:10]):
        for item in spec.items:
            step = min(value - 1, budget[spec.id], extra)
            if step <= 0:
                break
            answers[item] = 1 + step
            budget[spec.id] -= step
            extra -= step
    assert extra == 0
    return answers


@pytest.mark.parametrize(("total", "raised"), [(160, False), (161, True)])
def test_scl90_total_above_160(total: int, raised: bool) -> None:
    """Chinese norm: 总分超过160 (strictly greater)."""
    result = score(definition("scl90"), _scl90_spread(total - 90, value=5))
    assert result.total == total
    assert all(result.subscales[f] < 2 for f in SCL90_CLINICAL)  # type: ignore[operator]
    assert result.subscales["positive_items"] <= 43  # type: ignore[operator]
    assert ("positive_screen" in result.flags) is raised


@pytest.mark.parametrize(("positives", "raised"), [(43, False), (44, True)])
def test_scl90_positive_items_above_43(positives: int, raised: bool) -> None:
    """Chinese norm: 阳性项目数超过43项 (strictly greater)."""
    result = score(definition("scl90"), _scl90_spread(positives, value=2))
    assert result.subscales["positive_items"] == positives
    assert result.total is not None
    assert result.total <= 160
    assert ("positive_screen" in result.flags) is raised


@pytest.mark.parametrize("factor", SCL90_CLINICAL)
@pytest.mark.parametrize(("lowered", "raised"), [(0, True), (1, False)])
def test_scl90_factor_mean_exactly_2(factor: str, lowered: int, raised: bool) -> None:
    """Issue decision: a factor mean of exactly 2.00 is positive (>= 2); one point less is not."""
    spec = next(s for s in definition("scl90").subscales if s.id == factor)
    answers = all_min(definition("scl90"))
    answers.update({item: 2 for item in spec.items})
    if lowered:
        answers[spec.items[0]] = 1
    if factor == "depression" and not lowered:
        answers["q15"] = 2  # q15 is a depression item
    result = score(definition("scl90"), answers)
    assert (result.subscales[factor] == 2) is raised
    assert ("positive_screen" in result.flags) is raised


def test_scl90_other_factor_does_not_trigger() -> None:
    """Only the nine clinical factors count: 'other' all 5 (mean 5) is not a positive screen."""
    spec = next(s for s in definition("scl90").subscales if s.id == "other")
    answers = all_min(definition("scl90"))
    answers.update({item: 5 for item in spec.items})
    result = score(definition("scl90"), answers)
    assert result.subscales["other"] == 5
    assert "positive_screen" not in result.flags


def test_flag_conditions_are_unknown_not_false_on_missing_data() -> None:
    flag = definition("phq9").flags[0]
    assert evaluate(flag.when, {}, {}) is None
