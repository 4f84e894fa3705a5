"""Requests as the faces hand them over, checked field by field (InvalidInput names the field).

The API's JSON shape is the reference; the pages build the same mapping from their forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from wellbeing.appointments.errors import InvalidInput
from wellbeing.appointments.models import CancelReason, Mode, Status

MINUTES_MIN, MINUTES_MAX = 15, 180
WEEKS_MAX = 12
PLACE_MAX = 200
NOTE_MAX = 500  # "what would you like to talk about": a short note
SESSION_NOTE_MAX = 5000
OUTCOMES = (Status.ATTENDED.value, Status.NO_SHOW.value)
HORIZON = timedelta(days=366)  # slots are published at most a year ahead


@dataclass(frozen=True)
class SlotRequest:
    """Slots to publish: the first start, then weekly for `weeks` weeks in all."""

    starts_at: datetime
    minutes: int
    mode: Mode
    place: str | None
    weeks: int
    unit: str | None


def parse_slot(body: Mapping[str, Any], now: datetime) -> SlotRequest:
    """Check a slot request: a start in the coming year, 15–180 minutes, a mode, 1–12 weeks."""
    return SlotRequest(
        starts_at=parse_time(body.get("starts_at"), now, "starts_at"),
        minutes=_integer(body.get("minutes"), "minutes", MINUTES_MIN, MINUTES_MAX),
        mode=_mode(body.get("mode")),
        place=parse_text(body.get("place"), "place", PLACE_MAX),
        weeks=_integer(body.get("weeks", 1), "weeks", 1, WEEKS_MAX),
        unit=parse_text(body.get("unit"), "unit", 64),
    )


def parse_time(value: Any, now: datetime, field: str) -> datetime:
    """An ISO-8601 time in the coming year (a time without a zone is taken as UTC)."""
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None:
        raise InvalidInput(field, f"{field} must be an ISO-8601 time")
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if not now < when <= now + HORIZON:
        raise InvalidInput(field, f"{field} must be in the future, within a year")
    return when


def parse_text(value: Any, field: str, limit: int) -> str | None:
    """An optional text of at most `limit` characters (blank is none)."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidInput(field, f"{field} must be a text of at most {limit} characters")
    return value.strip() or None


def parse_reason(value: Any) -> CancelReason:
    """A cancellation reason code."""
    if not isinstance(value, str) or value not in {r.value for r in CancelReason}:
        raise InvalidInput("reason", "reason must be a known code")
    return CancelReason(value)


def parse_outcome(value: Any) -> Status:
    """attended or no_show."""
    if not isinstance(value, str) or value not in OUTCOMES:
        raise InvalidInput("status", "status must be attended or no_show")
    return Status(value)


def _integer(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(field, f"{field} must be a whole number from {low} to {high}")
    return value


def _mode(value: Any) -> Mode:
    if not isinstance(value, str) or value not in {m.value for m in Mode}:
        raise InvalidInput("mode", "mode must be in_person, phone or video")
    return Mode(value)
