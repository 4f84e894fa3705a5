"""Property tests: totals stay in range, bands partition the range, scoring is deterministic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.instruments.helpers import INSTRUMENT_IDS, Answers, definition
from wellbeing.instruments import Definition, score
from wellbeing.instruments.checks import spec_range
from wellbeing.instruments.conditions import evaluate


@st.composite
def answer_sets(draw: st.DrawFn, defn: Definition) -> Answers:
    """Answers that respect skip logic, with any item possibly left unanswered."""
    answers: Answers = {}
    for item in defn.items:
        if item.ask_when is not None and evaluate(item.ask_when, answers, {}) is False:
            continue
        answers[item.id] = draw(st.one_of(st.none(), st.sampled_from(item.values)))
    return answers


@st.composite
def complete_answer_sets(draw: st.DrawFn, defn: Definition) -> Answers:
    """Answers with every asked item answered."""
    answers: Answers = {}
    for item in defn.items:
        if item.ask_when is not None and evaluate(item.ask_when, answers, {}) is False:
            continue
        answers[item.id] = draw(st.sampled_from(item.values))
    return answers


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_scores_stay_in_range(instrument_id: str, data: st.DataObject) -> None:
    defn = definition(instrument_id)
    result = score(defn, data.draw(answer_sets(defn)))
    if result.total is not None and defn.total is not None:
        low, high = spec_range(defn, defn.total)
        assert low <= result.total <= high
    for spec in defn.subscales:
        value = result.subscales[spec.id]
        if value is not None:
            low, high = spec_range(defn, spec)
            assert low <= value <= high
    assert set(result.missing).isdisjoint(result.skipped)
    assert result.complete or (result.total is None and result.band is None)


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_complete_answers_get_a_band(instrument_id: str, data: st.DataObject) -> None:
    defn = definition(instrument_id)
    result = score(defn, data.draw(complete_answer_sets(defn)))
    assert result.complete
    assert result.missing == ()
    assert (result.band is not None) == bool(defn.bands)


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_scoring_is_deterministic(instrument_id: str, data: st.DataObject) -> None:
    defn = definition(instrument_id)
    answers = data.draw(answer_sets(defn))
    first = score(defn, answers)
    assert score(defn, dict(reversed(list(answers.items())))) == first
    assert score(defn, answers).to_json() == first.to_json()


RANGE_BANDED = [i for i in INSTRUMENT_IDS if any(b.range for b in definition(i).bands)]


@pytest.mark.parametrize("instrument_id", RANGE_BANDED)
@given(data=st.data())
def test_bands_cover_the_range_without_gaps_or_overlaps(
    instrument_id: str, data: st.DataObject
) -> None:
    defn = definition(instrument_id)
    assert defn.total is not None
    low, high = spec_range(defn, defn.total)
    total = data.draw(st.integers(int(low), int(high)))
    holding = [b.id for b in defn.bands if b.range and b.range[0] <= total <= b.range[1]]
    assert len(holding) == 1
