"""Each missing-data path: published rules (K10, CBI), skip logic, and 'incomplete' otherwise."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.instruments.helpers import INSTRUMENT_IDS, Answers, all_max, all_min, definition
from wellbeing.instruments import score
from wellbeing.instruments.numbers import round_half_up

ALL_ANSWERED = [i for i in INSTRUMENT_IDS if definition(i).completeness == "all_answered"]


@pytest.mark.parametrize("instrument_id", ALL_ANSWERED)
def test_any_missing_item_makes_the_result_incomplete(instrument_id: str) -> None:
    """No published missing-item rule: each single missing item -> complete false, no total."""
    defn = definition(instrument_id)
    full = all_max(defn)
    for item_id, value in full.items():
        if value is None:
            continue
        answers = {**full, item_id: None}
        result = score(defn, answers)
        assert not result.complete, item_id
        assert result.total is None
        assert result.band is None
        assert item_id in result.missing


def test_phq9_difficulty_is_never_missing() -> None:
    defn = definition("phq9")
    result = score(defn, {**all_min(defn), "difficulty": None})
    assert result.complete
    assert result.missing == ()


def test_incomplete_result_keeps_fully_answered_subscales() -> None:
    defn = definition("pcl5")
    result = score(defn, {**all_max(defn), "q20": None})
    assert result.subscales == {
        "intrusion": 20,
        "avoidance": 8,
        "cognition_mood": 28,
        "arousal": None,
    }


def test_nothing_answered() -> None:
    defn = definition("gad7")
    result = score(defn, {})
    assert not result.complete
    assert result.missing == defn.item_ids


# K10 — AMHOCN NOCC overview v2.1 p.58 (PMHC spec k10p/score.rst).
@pytest.mark.parametrize("missing_item", [f"q{n}" for n in range(1, 11)])
def test_k10_one_missing_item_is_prorated(missing_item: str) -> None:
    defn = definition("k10")
    answers: Answers = {f"q{n}": 3 for n in range(1, 11)}
    answers[missing_item] = None
    result = score(defn, answers)
    assert result.complete
    assert result.total == 30  # 27 x 10 / 9
    assert result.band == "very_high"
    assert result.missing == (missing_item,)


def test_k10_two_missing_items_are_incomplete() -> None:
    answers: Answers = {f"q{n}": 3 for n in range(1, 9)}
    result = score(definition("k10"), answers)
    assert not result.complete
    assert result.total is None
    assert result.missing == ("q9", "q10")


def test_k10_k6_is_null_when_one_of_its_items_is_missing() -> None:
    answers: Answers = {f"q{n}": 2 for n in range(1, 11)}
    answers["q2"] = None
    result = score(definition("k10"), answers)
    assert result.complete
    assert result.subscales["k6"] is None


@given(st.lists(st.integers(1, 5), min_size=9, max_size=9))
def test_k10_proration_rounds_half_up_and_never_ties(values: list[int]) -> None:
    """round(sum x 10 / 9): the fraction part is k/9, never 1/2, so half-up = any rounding."""
    answers: Answers = {f"q{n}": v for n, v in enumerate(values, start=2)}
    exact = Fraction(sum(values) * 10, 9)
    assert exact - int(exact) != Fraction(1, 2)
    assert score(definition("k10"), answers).total == Fraction(round_half_up(exact))


# CBI — Kristensen 2005; PUMA non-responder rule: < 3 personal, < 4 work, < 3 client.
@pytest.mark.parametrize(
    ("scale", "items", "minimum"),
    [("personal", range(1, 7), 3), ("work", range(7, 14), 4), ("client", range(14, 20), 3)],
)
def test_cbi_scale_minimum_answered(scale: str, items: range, minimum: int) -> None:
    defn = definition("cbi")
    base = {f"q{n}": 50 for n in range(1, 20)}
    ids = [f"q{n}" for n in items]
    at_minimum = {**base, **{item: None for item in ids[minimum:]}}
    result = score(defn, at_minimum)
    assert result.subscales[scale] == 50
    assert result.complete
    below = {**at_minimum, ids[minimum - 1]: None}
    result = score(defn, below)
    assert result.subscales[scale] is None
    assert not result.complete


# Skip logic: skipped items are not missing.
def test_audit_item1_missing_leaves_2_to_8_missing() -> None:
    result = score(definition("audit"), {"q9": 0, "q10": 0})
    assert not result.complete
    assert result.missing == tuple(f"q{n}" for n in range(1, 9))


def test_audit_never_drinker_is_complete_with_skipped_items() -> None:
    result = score(definition("audit"), {"q1": 0, "q9": 0, "q10": 0})
    assert result.complete
    assert result.skipped == tuple(f"q{n}" for n in range(2, 9))
    assert result.total == 0


def test_pcptsd5_exposure_denied_is_complete_with_zero() -> None:
    result = score(definition("pcptsd5"), {"q1": 0})
    assert result.complete
    assert result.total == 0
    assert result.band == "negative"


def test_pcptsd5_exposed_with_missing_item_is_incomplete() -> None:
    result = score(definition("pcptsd5"), {"q1": 1, "q2": 1, "q3": 1, "q4": None, "q5": 1, "q6": 1})
    assert not result.complete
    assert result.missing == ("q4",)


@pytest.mark.parametrize(
    ("answers", "missing"),
    [
        ({"q1": 1, "q2": 1, "q3": 1, "q4": 0, "q6": 0}, ("q5",)),
        ({"q1": 1, "q2": 1, "q6": 0}, ("q3", "q4", "q5")),
        # q6 unanswered: q6_recent's skip condition cannot be decided, so it counts as asked.
        ({"q1": 0, "q2": 0}, ("q6", "q6_recent")),
        ({"q1": 0, "q2": 0, "q6": 1}, ("q6_recent",)),
    ],
)
def test_cssrs_incomplete_paths(answers: Answers, missing: tuple[str, ...]) -> None:
    """Never defaults to low: incomplete, band null, clinician follow-up."""
    result = score(definition("cssrs"), answers)
    assert not result.complete
    assert result.band is None
    assert result.missing == missing


def test_cssrs_skipped_items_are_not_missing() -> None:
    result = score(definition("cssrs"), {"q1": 1, "q2": 0, "q6": 0})
    assert result.complete
    assert result.skipped == ("q3", "q4", "q5", "q6_recent")


def test_scl90_missing_item_nulls_its_factor_and_indices() -> None:
    defn = definition("scl90")
    result = score(defn, {**all_min(defn), "q1": None})
    assert not result.complete
    assert result.subscales["somatization"] is None
    assert result.subscales["depression"] == 1
    assert result.subscales["gsi"] is None
    assert result.subscales["positive_items"] is None
    assert result.subscales["psdi"] is None
