"""Wall-clock arithmetic for rosters and office hours; pure (no database), DST-safe.

Rosters and office hours are written in local wall time at the station (`WELLBEING_TIMEZONE`),
and instants are compared in UTC. A local time becomes an instant only for a given date, through
zoneinfo: across a daylight-saving change an entry "Sat 22:00 – Sun 06:00" lasts 7 or 9 hours,
as the people on call would expect. A wall time that does not exist (the hour skipped in spring)
is read with the offset before the change, and one that happens twice (autumn) as its first
occurrence (zoneinfo's `fold=0`).

`WELLBEING_OFFICE_HOURS` is one or more clauses separated by ";", each "DAYS HH:MM-HH:MM":
DAYS is a day ("Sat") or a range ("Mon-Fri", "Sat-Sun"), several joined by ",". Day names are
English three-letter abbreviations (any case); the end time may be 24:00 and must come after the
start. Examples: "Mon-Fri 08:30-17:30", "Mon-Fri 08:30-12:00; Mon-Fri 13:30-17:30; Sat 09:00-12:00".
An empty value means no office hours: every urgent referral goes on call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_A_DAY = 24 * 60
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_CLAUSE = re.compile(r"(?P<days>[A-Za-z,\- ]+?)\s+(?P<start>\d\d:\d\d)\s*-\s*(?P<end>\d\d:\d\d)")


class HoursError(ValueError):
    """A time or office-hours text that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class Clause:
    """Office hours on some weekdays (0 = Monday) from one minute of the day to a later one."""

    weekdays: frozenset[int]
    start: int
    end: int


OfficeHours = tuple[Clause, ...]


def parse_hhmm(text: str) -> int:
    """ "HH:MM" (00:00–23:59) → minutes after midnight; HoursError otherwise."""
    match = _HHMM.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise HoursError(f"{text!r} is not a time of day written HH:MM")
    return int(match.group(1)) * 60 + int(match.group(2))


def format_hhmm(minute: int) -> str:
    """Minutes after midnight → "HH:MM"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def parse_office_hours(text: str) -> OfficeHours:
    """Read the office-hours setting (format in the module docstring); HoursError if bad."""
    clauses = []
    for part in (piece.strip() for piece in text.split(";")):
        if not part:
            continue
        match = _CLAUSE.fullmatch(part)
        if match is None:
            raise HoursError(f"{part!r} is not of the form 'Mon-Fri 08:30-17:30'")
        start = parse_hhmm(match["start"])
        end = MINUTES_A_DAY if match["end"] == "24:00" else parse_hhmm(match["end"])
        if end <= start:
            raise HoursError(f"{part!r}: the end time must come after the start time")
        clauses.append(Clause(_parse_days(match["days"]), start, end))
    return tuple(clauses)


def _parse_days(text: str) -> frozenset[int]:
    days: set[int] = set()
    for item in (piece.strip().lower() for piece in text.split(",")):
        first, _, last = item.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise HoursError(f"{item!r} is not a day or a range of days such as Mon-Fri")
        start, stop = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        days.update((start + step) % 7 for step in range((stop - start) % 7 + 1))
    return frozenset(days)


def is_office_hours(at: datetime, office_hours: OfficeHours, tz: ZoneInfo) -> bool:
    """Whether the instant falls in office hours, read on the station's wall clock."""
    local = at.astimezone(tz)
    minute = local.hour * 60 + local.minute
    return any(
        local.weekday() in clause.weekdays and clause.start <= minute < clause.end
        for clause in office_hours
    )


def wall_instant(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of a local wall time on a local date (minute 1440: next midnight)."""
    day += timedelta(days=minute // MINUTES_A_DAY)
    minute %= MINUTES_A_DAY
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
    return local.astimezone(UTC)


def weekly_span(day: date, start: int, end: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC span of a weekly period starting on `day`; an end at or before the start runs
    into the next day (equal: a whole day)."""
    stop = end if end > start else end + MINUTES_A_DAY
    return wall_instant(day, start, tz), wall_instant(day, stop, tz)


def local_days(start: datetime, end: datetime, tz: ZoneInfo, before: int = 1) -> Iterator[date]:
    """Every local date from `before` days ahead of `start`'s to `end`'s, inclusive."""
    day = start.astimezone(tz).date() - timedelta(days=before)
    last = end.astimezone(tz).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def office_spans(
    start: datetime, end: datetime, office_hours: OfficeHours, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The office-hours periods (UTC) that overlap [start, end)."""
    spans = []
    for day in local_days(start, end, tz, before=0):
        for clause in office_hours:
            if day.weekday() in clause.weekdays:
                begin, stop = wall_instant(day, clause.start, tz), wall_instant(day, clause.end, tz)
                if begin < end and stop > start:
                    spans.append((begin, stop))
    return spans
