"""A new group session as the faces hand it over: checked field by field, nothing resolved yet.

`parse_group` takes the API's JSON shape (the pages build the same mapping from their form) and
raises `GroupError` naming the first bad field; the service resolves the unit and incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wellbeing.groups.errors import GroupError
from wellbeing.groups.topics import TOPICS

TITLE_MAX, DESCRIPTION_MAX, PLACE_MAX = 200, 2000, 200
CAPACITY_MAX = 500
ID_MAX = 2**31 - 1  # an INTEGER key on PostgreSQL
LANGUAGES = ("zh-CN", "en")


@dataclass(frozen=True)
class GroupInput:
    """A session to create, checked but not yet placed in the unit tree."""

    title: Mapping[str, str]
    description: Mapping[str, str]
    topic: str
    starts_at: datetime
    place: str
    capacity: int
    unit: str
    incident_id: int | None


def parse_group(body: Mapping[str, Any], now: datetime) -> GroupInput:
    """Check every field; GroupError(field=…) for the first one that is wrong."""
    return GroupInput(
        title=_bilingual(body, "title", TITLE_MAX, required=True),
        description=_bilingual(body, "description", DESCRIPTION_MAX, required=False),
        topic=_topic(body.get("topic", "stress")),
        starts_at=_starts_at(body.get("starts_at"), now),
        place=_text(body.get("place"), "place", PLACE_MAX),
        capacity=_capacity(body.get("capacity")),
        unit=_text(body.get("unit"), "unit", 64),
        incident_id=_incident(body.get("incident")),
    )


def _bilingual(
    body: Mapping[str, Any], field: str, limit: int, *, required: bool
) -> dict[str, str]:
    value = body.get(field)
    if value is None and not required:
        return dict.fromkeys(LANGUAGES, "")
    if not isinstance(value, dict):
        raise GroupError(f"{field} must name both languages", field)
    texts = {lang: value.get(lang) for lang in LANGUAGES}
    for text in texts.values():
        if not isinstance(text, str) or len(text) > limit or (required and not text.strip()):
            raise GroupError(f"{field} needs a text in each language", field)
    return {lang: str(text).strip() for lang, text in texts.items()}


def _topic(value: Any) -> str:
    if not isinstance(value, str) or value not in TOPICS:
        raise GroupError("unknown topic", "topic")
    return value


def _starts_at(value: Any, now: datetime) -> datetime:
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
        when = when and (when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC))
    except (ValueError, OverflowError):  # OverflowError: a zone pushing it past year 1 or 9999
        when = None
    if when is None:
        raise GroupError("starts_at must be an ISO-8601 time", "starts_at")
    if when <= now:
        raise GroupError("starts_at must be in the future", "starts_at")
    return when


def _text(value: Any, field: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise GroupError(f"{field} is required", field)
    return value.strip()


def _capacity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= CAPACITY_MAX:
        raise GroupError("capacity must be a whole number from 1 to 500", "capacity")
    return value


def _incident(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        raise GroupError("incident must be an incident id", "incident")
    return value
