"""The period of the case-load figures: whole days, chosen as from and to dates.

Both dates are included and read in the station's time zone; without them the period is the last
30 days up to and including today. A period runs at most 366 days, and from may not follow to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wellbeing.supervision.caseload import Period

DEFAULT_DAYS = 30
MAX_DAYS = 366


class PeriodError(ValueError):
    """A period that cannot be used: which field, and why (`format`, `order` or `span`)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Days:
    """The chosen days, both included."""

    first: date
    last: date

    def period(self, zone: str) -> Period:
        """From the first day's midnight to the midnight after the last day, in UTC."""
        tz = ZoneInfo(zone)
        start = datetime.combine(self.first, time(0), tzinfo=tz)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=tz)
        return Period(start.astimezone(UTC), end.astimezone(UTC))


def days_from(first: str | None, last: str | None, today: date) -> Days:
    """The days asked for as YYYY-MM-DD texts (either may be missing or empty)."""
    end = _date(last, "to") if last else today
    start = _date(first, "from") if first else end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise PeriodError("from", "order")
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError("from", "span")
    return Days(start, end)


def _date(text: str, field: str) -> date:
    if len(text) != len("2026-01-31"):  # fromisoformat would also take 20260131
        raise PeriodError(field, "format")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(field, "format") from None


def today_in(zone: str, now: datetime) -> date:
    """Today's date in the station's time zone."""
    return now.astimezone(ZoneInfo(zone)).date()
