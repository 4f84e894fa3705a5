"""Exact arithmetic helpers: half-up rounding of Fractions without float or banker's rounding."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction


def round_half_up(value: Fraction, places: int = 0) -> Decimal:
    """Round ``value`` to ``places`` decimals, ties away from zero (Decimal ROUND_HALF_UP).

    Works on the exact Fraction, so 0.125 → 0.13 and 2.5 → 3, never 2 as ``round()`` would.
    """
    scaled = abs(value) * 10**places
    magnitude = math.floor(scaled + Fraction(1, 2))
    signed = -magnitude if value < 0 else magnitude
    return Decimal(signed).scaleb(-places)


def to_display(value: Fraction) -> int | float:
    """JSON form of a score: an int when whole, else half-up to 2 decimals."""
    if value.denominator == 1:
        return int(value)
    return float(round_half_up(value, 2))
