"""Report periods: whole calendar months, quarters and years (pure).

The activity report is released only for these fixed periods. A free ``from``/``to`` would let a
leader ask for two overlapping periods and subtract them (1 March-31 March minus 2 March-31 March
is one day's activity); fixed periods nest, and disclosure control runs over a period together
with the periods inside it (a quarter with its months, a year with its quarters and months), so
no difference of released figures gives a hidden one away.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


class Kind(enum.StrEnum):
    """How long a period is."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


MONTHS_OF = {Kind.MONTH: 1, Kind.QUARTER: 3, Kind.YEAR: 12}
PARTS_OF = {Kind.QUARTER: Kind.MONTH, Kind.YEAR: Kind.QUARTER}


class PeriodError(ValueError):
    """``from``/``to`` is not a whole calendar month, quarter or year."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: its first day and its kind (the last day follows)."""

    start: date
    kind: Kind

    def __post_init__(self) -> None:
        months = MONTHS_OF[self.kind]
        if self.start.day != 1 or (self.start.month - 1) % months:
            raise PeriodError(f"{self.start} does not start a calendar {self.kind.value}")

    @property
    def end(self) -> date:
        """The last day (inclusive)."""
        return _add_months(self.start, MONTHS_OF[self.kind]) - timedelta(days=1)

    @property
    def key(self) -> str:
        """``2026-03`` for a month, ``2026-Q1`` for a quarter, ``2026`` for a year."""
        if self.kind is Kind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is Kind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def bounds(self) -> tuple[datetime, datetime]:
        """[first instant, first instant after) in UTC, the time the service keeps."""
        after = self.end + timedelta(days=1)
        return _instant(self.start), _instant(after)

    def parts(self) -> list[Period]:
        """The periods it is made of: a quarter's months, a year's quarters; a month's none."""
        kind = PARTS_OF.get(self.kind)
        if kind is None:
            return []
        step = MONTHS_OF[kind]
        return [
            Period(_add_months(self.start, offset), kind)
            for offset in range(0, MONTHS_OF[self.kind], step)
        ]

    def descendants(self) -> list[Period]:
        """Every period inside it, parts before their own parts (a year: 4 quarters, 12 months)."""
        found = []
        for part in self.parts():
            found.append(part)
            found.extend(part.descendants())
        return found

    def months(self) -> tuple[str, str]:
        """Its first and last month as ``YYYY-MM``."""
        return f"{self.start:%Y-%m}", f"{self.end:%Y-%m}"


def parse_period(first: date, last: date) -> Period:
    """The calendar period running from ``first`` to ``last`` (both inclusive), if it is one."""
    for kind in (Kind.MONTH, Kind.QUARTER, Kind.YEAR):
        try:
            period = Period(first, kind)
        except PeriodError:
            continue
        if period.end == last:
            return period
    raise PeriodError("from and to must span one whole calendar month, quarter or year")


def period_of_key(key: str) -> Period:
    """The period of a key: ``2026-03``, ``2026-Q1`` or ``2026``."""
    try:
        if len(key) == 4:
            return Period(date(int(key), 1, 1), Kind.YEAR)
        if len(key) == 7 and key[5] == "Q" and key[6] in "1234":
            return Period(date(int(key[:4]), (int(key[6]) - 1) * 3 + 1, 1), Kind.QUARTER)
        if len(key) == 7 and key[4] == "-":
            return Period(date(int(key[:4]), int(key[5:]), 1), Kind.MONTH)
    except ValueError:
        pass
    raise PeriodError(f"{key!r} is not a period: use 2026-03, 2026-Q1 or 2026")


def ended_periods(first_month: date, today: date, delay: timedelta) -> list[Period]:
    """Every period from ``first_month`` on that ended at least ``delay`` before ``today``:
    months, then quarters, then years, each list oldest first (parts before what holds them)."""
    found: list[Period] = []
    for kind in (Kind.MONTH, Kind.QUARTER, Kind.YEAR):
        months = MONTHS_OF[kind]
        start = date(first_month.year, (first_month.month - 1) // months * months + 1, 1)
        while True:
            period = Period(start, kind)
            if period.end + delay >= today:
                break
            found.append(period)
            start = _add_months(start, months)
    return found


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)
