"""Half-up rounding from exact Fractions (never Python's banker's round())."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wellbeing.instruments.numbers import round_half_up, to_display


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(1, 8), 2, "0.13"),  # round(0.125, 2) == 0.12
        (Fraction(5, 2), 0, "3"),  # round(2.5) == 2
        (Fraction(-5, 2), 0, "-3"),
        (Fraction(400, 7), 2, "57.14"),
        (Fraction(25, 13), 2, "1.92"),
        (Fraction(130, 9), 0, "14"),
        (Fraction(140, 9), 0, "16"),
    ],
)
def test_round_half_up(value: Fraction, places: int, expected: str) -> None:
    assert round_half_up(value, places) == Decimal(expected)


@given(st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=1000), st.integers(0, 3))
def test_matches_decimal_round_half_up(value: Fraction, places: int) -> None:
    # scores are small: |value| <= 10**6 keeps the oracle exact within Decimal's 28 digits
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    assert round_half_up(value, places) == exact.quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )


def test_to_display() -> None:
    assert to_display(Fraction(24, 12)) == 2
    assert isinstance(to_display(Fraction(24, 12)), int)
    assert to_display(Fraction(1, 8)) == 0.13
