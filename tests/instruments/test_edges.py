"""For every instrument: all-minimum, all-maximum, and each band's lower and upper edge."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.instruments.helpers import (
    INSTRUMENT_IDS,
    all_max,
    all_min,
    answers_for_total,
    definition,
)
from wellbeing.instruments import score
from wellbeing.instruments.checks import spec_range

RANGE_BANDED = [i for i in INSTRUMENT_IDS if any(b.range for b in definition(i).bands)]
EDGES = [
    (instrument_id, band.id, edge)
    for instrument_id in RANGE_BANDED
    for band in definition(instrument_id).bands
    for edge in ("lower", "upper")
]


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_all_minimum(instrument_id: str) -> None:
    defn = definition(instrument_id)
    result = score(defn, all_min(defn))
    assert result.complete
    assert result.missing == ()
    if defn.total is not None and not defn.reverse_items:  # PSS-10: see worked examples
        assert result.total == spec_range(defn, defn.total)[0]
    for spec in defn.subscales:
        value = result.subscales[spec.id]
        assert value is None or spec_range(defn, spec)[0] <= value <= spec_range(defn, spec)[1]


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_all_maximum(instrument_id: str) -> None:
    defn = definition(instrument_id)
    result = score(defn, all_max(defn))
    assert result.complete
    if defn.total is not None and not defn.reverse_items:
        assert result.total == spec_range(defn, defn.total)[1]
    if defn.bands and defn.bands[0].range is not None and not defn.reverse_items:
        assert result.band == defn.bands[-1].id


@pytest.mark.parametrize(("instrument_id", "band_id", "edge"), EDGES)
def test_band_edge(instrument_id: str, band_id: str, edge: str) -> None:
    """The lowest/highest reachable total inside the band scores into that band."""
    defn = definition(instrument_id)
    band = next(b for b in defn.bands if b.id == band_id)
    assert band.range is not None
    low, high = band.range
    candidates = range(low, high + 1) if edge == "lower" else range(high, low - 1, -1)
    for total in candidates:
        answers = answers_for_total(defn, Fraction(total))
        if answers is not None:
            break
    else:
        pytest.fail(f"no reachable total in {band.range}")
    result = score(defn, answers)
    assert result.total == total
    assert result.band == band_id
    if defn.total is not None and defn.total.method != "scaled_sum":
        assert total == (low if edge == "lower" else high)  # integer totals hit the edge exactly


@pytest.mark.parametrize(
    ("total", "band"),
    [(28, "likely_depression"), (32, "poor_wellbeing"), (48, "poor_wellbeing"), (52, "adequate")],
)
def test_who5_edges_on_multiples_of_4(total: int, band: str) -> None:
    """WHO-5 percentages are multiples of 4: 28 | 32 and 48 | 52 are the real edges."""
    defn = definition("who5")
    answers = answers_for_total(defn, Fraction(total))
    assert answers is not None
    assert score(defn, answers).band == band


def test_cssrs_rule_bands_edges() -> None:
    """Rule bands: each rule's weakest trigger lands in its band (C-SSRS triage)."""
    defn = definition("cssrs")
    cases = {
        "none": {"q1": 0, "q2": 0, "q6": 0},
        "low": {"q1": 0, "q2": 1, "q3": 0, "q4": 0, "q5": 0, "q6": 0},
        "moderate": {"q1": 0, "q2": 0, "q6": 1, "q6_recent": 0},
        "high": {"q1": 0, "q2": 1, "q3": 0, "q4": 0, "q5": 1, "q6": 0},
    }
    assert {band: score(defn, answers).band for band, answers in cases.items()} == {
        band: band for band in cases
    }
