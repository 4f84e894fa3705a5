"""Requests as the faces hand them over, checked field by field before anything is written.

A safety plan is a mapping of the six Stanley–Brown sections to lists of strings: each item is
stripped, empty items are dropped, an item is at most 500 characters and a section at most 20
items; a section left out is empty; a key not among the six is refused, naming it. A risk
assessment has a level (low, moderate, high, imminent), factors (0–30) and actions (1–20), each
a non-empty text of at most 200 characters, and an optional note of at most 5000.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wellbeing.crisis.errors import InvalidInput

SECTIONS = (
    "warning_signs",
    "coping",
    "distractions",
    "people",
    "professionals",
    "safe_environment",
)
ITEM_MAX, ITEMS_MAX = 500, 20
LEVELS = ("low", "moderate", "high", "imminent")
ENTRY_MAX, FACTORS_MAX, ACTIONS_MAX = 200, 30, 20
NOTE_MAX = 5000
# The common factors and actions the page offers as boxes to tick (anything else is free text).
COMMON_FACTORS = (
    "suicidal_thoughts",
    "suicide_plan",
    "previous_attempt",
    "self_harm",
    "access_to_means",
    "firearm_access",
    "hopelessness",
    "substance_use",
    "recent_loss",
    "critical_incident",
    "isolation",
    "agitation",
)
COMMON_ACTIONS = (
    "stayed_with_officer",
    "family_informed",
    "supervisor_informed",
    "firearm_secured",
    "safety_plan_made",
    "follow_up_booked",
    "hospital_referral",
    "emergency_services",
)

Plan = dict[str, list[str]]


@dataclass(frozen=True)
class Assessment:
    """A checked risk assessment, as it is sealed."""

    level: str
    factors: list[str]
    actions: list[str]
    note: str

    def body(self) -> dict[str, Any]:
        """What the sealed column holds."""
        return {
            "level": self.level,
            "factors": self.factors,
            "actions": self.actions,
            "note": self.note,
        }


def empty_plan() -> Plan:
    """A plan with six empty sections."""
    return {section: [] for section in SECTIONS}


def parse_plan(body: Mapping[str, Any]) -> Plan:
    """Check a safety plan: only the six keys, each a list of short texts."""
    unknown = sorted(str(key) for key in body if key not in SECTIONS)
    if unknown:
        raise InvalidInput(", ".join(unknown), "unknown")
    return {
        section: _texts(body.get(section, []), section, ITEM_MAX, ITEMS_MAX) for section in SECTIONS
    }


def is_empty(plan: Plan) -> bool:
    """Whether no section has an item."""
    return not any(plan.get(section) for section in SECTIONS)


def parse_assessment(level: Any, factors: Any, actions: Any, note: Any) -> Assessment:
    """Check a risk assessment (see the module's words for the bounds)."""
    if level is None:
        raise InvalidInput("level", "required")
    if level not in LEVELS:
        raise InvalidInput("level", "choice")
    checked_actions = _texts(actions, "actions", ENTRY_MAX, ACTIONS_MAX, strict=True)
    if not checked_actions:
        raise InvalidInput("actions", "required")
    checked_note = "" if note is None else note
    if not isinstance(checked_note, str):
        raise InvalidInput("note", "text")
    if len(checked_note) > NOTE_MAX:
        raise InvalidInput("note", "too_long", NOTE_MAX)
    return Assessment(
        level=str(level),
        factors=_texts(factors, "factors", ENTRY_MAX, FACTORS_MAX, strict=True),
        actions=checked_actions,
        note=checked_note.strip(),
    )


def _texts(
    value: Any, field: str, item_max: int, count_max: int, *, strict: bool = False
) -> list[str]:
    """A list of stripped texts; empty ones dropped (strict: refused)."""
    if value is None and not strict:
        return []
    if not isinstance(value, list):
        raise InvalidInput(field, "list")
    items = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidInput(field, "list")
        text = item.strip()
        if not text:
            if strict:
                raise InvalidInput(field, "empty")
            continue
        if len(text) > item_max:
            raise InvalidInput(field, "too_long", item_max)
        items.append(text)
    if len(items) > count_max:
        raise InvalidInput(field, "too_many", count_max)
    return items
