"""Median and 90th percentile of durations, pure (no database, no app).

- The median is the middle value of the sorted values, or the mean of the two middle ones when
  there is an even number of them (``statistics.median``): 10, 20, 30, 40 → 25.
- The 90th percentile is by nearest rank: the value at rank ⌈0.9 · n⌉ (1-based) of the sorted
  values, always one of the values themselves: for 1..10 it is 9, for 1..11 it is 10, for a
  single value it is that value.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Spread:
    """How long something took over n cases, in minutes (None when n is 0)."""

    median_minutes: float | None
    p90_minutes: float | None
    n: int

    def as_dict(self) -> dict[str, float | int | None]:
        """The API's form."""
        return {"median_minutes": self.median_minutes, "p90_minutes": self.p90_minutes, "n": self.n}


def nearest_rank(values: Sequence[float], percent: int) -> float:
    """The nearest-rank percentile: the sorted value at rank ⌈percent/100 · n⌉ (n ≥ 1).

    Whole percents and integer arithmetic: 0.9 · n in floating point can land a hair above a
    whole number and push the rank one too far.
    """
    if not values or not 0 < percent <= 100:
        raise ValueError("a percentile needs values and a percent in (0, 100]")
    ordered = sorted(values)
    rank = -(-percent * len(ordered) // 100)  # ceiling division
    return ordered[rank - 1]


def spread_of(durations: Sequence[timedelta]) -> Spread:
    """Median and nearest-rank 90th percentile of durations, in minutes to one decimal."""
    if not durations:
        return Spread(None, None, 0)
    minutes = [d.total_seconds() / 60 for d in durations]
    return Spread(
        round(statistics.median(minutes), 1), round(nearest_rank(minutes, 90), 1), len(minutes)
    )


def share(part: int, whole: int) -> float | None:
    """part / whole to three decimals; None when there is nothing to share."""
    return round(part / whole, 3) if whole else None
