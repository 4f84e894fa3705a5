"""Reading a roster as clients send it: {"entries": [{"username", "weekday", "from", "to"}],
"changes": [{"username", "starts_at", "ends_at"}]}. Pure: shapes and times only; whether the
users exist and cover the station is the service's check. Each error names the field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wellbeing.oncall.errors import InvalidInput
from wellbeing.oncall.hours import HoursError, parse_hhmm

MAX_ITEMS = 500


@dataclass(frozen=True)
class EntrySpec:
    """A weekly period as asked: who, which weekday (0 = Monday), from and to (minutes)."""

    username: str
    weekday: int
    from_minute: int
    to_minute: int


@dataclass(frozen=True)
class ChangeSpec:
    """A one-off period as asked: who, from and to (UTC instants)."""

    username: str
    starts_at: datetime
    ends_at: datetime


def parse_roster(body: dict[str, Any]) -> tuple[list[EntrySpec], list[ChangeSpec]]:
    """The whole roster from a request body; InvalidInput names the first bad field."""
    entries = [parse_entry(item, f"entries[{i}]") for i, item in enumerate(_list(body, "entries"))]
    changes = [parse_change(item, f"changes[{i}]") for i, item in enumerate(_list(body, "changes"))]
    return entries, changes


def _list(body: dict[str, Any], name: str) -> list[Any]:
    value = body.get(name, [])
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise InvalidInput(name)
    return value


def parse_entry(item: Any, where: str = "") -> EntrySpec:
    """One weekly entry {"username", "weekday": 0-6, "from": "HH:MM", "to": "HH:MM"}."""
    prefix = f"{where}." if where else ""
    if not isinstance(item, dict):
        raise InvalidInput(where or "entry")
    weekday = item.get("weekday")
    if isinstance(weekday, str) and weekday.isdigit():
        weekday = int(weekday)  # web forms send text
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 0 <= weekday <= 6:
        raise InvalidInput(f"{prefix}weekday", "weekday")
    return EntrySpec(
        _username(item, prefix),
        weekday,
        _time(item.get("from"), f"{prefix}from"),
        _time(item.get("to"), f"{prefix}to"),
    )


def parse_change(item: Any, where: str = "") -> ChangeSpec:
    """One change {"username", "starts_at", "ends_at"} (ISO 8601 with an offset)."""
    prefix = f"{where}." if where else ""
    if not isinstance(item, dict):
        raise InvalidInput(where or "change")
    username = _username(item, prefix)
    starts_at = parse_instant(item.get("starts_at"), f"{prefix}starts_at")
    ends_at = parse_instant(item.get("ends_at"), f"{prefix}ends_at")
    if ends_at <= starts_at:
        raise InvalidInput(f"{prefix}ends_at", "order")
    return ChangeSpec(username, starts_at, ends_at)


def parse_instant(value: Any, field: str) -> datetime:
    """An ISO 8601 date and time with an offset → an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(field, "instant")
    return moment.astimezone(UTC)


def _username(item: dict[str, Any], prefix: str) -> str:
    value = item.get("username")
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise InvalidInput(f"{prefix}username", "unknown_user")
    return value.strip()


def _time(value: Any, field: str) -> int:
    try:
        return parse_hhmm(value) if isinstance(value, str) else parse_hhmm("")
    except HoursError:
        raise InvalidInput(field, "time") from None
