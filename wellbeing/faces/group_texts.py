"""Words for group sessions in the user's language (pages and API alike), and the session as
both faces show it (no one's name: who signed up is the counsellors' list, built apart)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wellbeing.groups.errors import GroupError
from wellbeing.groups.feedback import FeedbackSummary, feedback_definition
from wellbeing.groups.models import GroupSession
from wellbeing.groups.topics import topic_label

STATUS_LABELS = {
    "signed_up": _l("You have a place"),
    "waiting": _l("You are on the waiting list"),
}
FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "topic": _l("Topic"),
    "starts_at": _l("Starts at"),
    "place": _l("Place"),
    "capacity": _l("Capacity"),
    "unit": _l("For unit"),
    "incident": _l("After incident"),
    "present": _l("Present"),
    "answers": _l("Answers"),
}


def error_message(error: GroupError) -> str:
    """What to tell the user about a refused group-session action."""
    messages = {
        "already_signed_up": _("You are already signed up for this session."),
        "not_signed_up": _("You are not signed up for this session."),
        "session_started": _("This session has started; sign-ups are closed."),
        "not_signed_up_person": _("Attendance can only list people signed up for the session."),
        "feedback_closed": _("Feedback is for attendees of the session, once each."),
    }
    if error.code in messages:
        return str(messages[error.code])
    label = FIELD_LABELS.get(error.field or "", error.field or "")
    return str(_("Please check the field: %(field)s.", field=label))


def group_data(group: GroupSession, counts: dict[str, int], lang: str) -> dict[str, Any]:
    """A session as the API returns it (counts only, never who)."""
    return {
        "id": group.id,
        "title": {"zh-CN": group.title_zh, "en": group.title_en},
        "description": {"zh-CN": group.description_zh, "en": group.description_en},
        "topic": group.topic,
        "topic_label": topic_label(group.topic, lang),
        "starts_at": group.starts_at.isoformat(),
        "place": group.place,
        "capacity": group.capacity,
        "unit": group.unit.code,
        "incident": group.incident_id,
        "signed_up": counts.get("signed_up", 0),
        "waiting": counts.get("waiting", 0),
    }


def feedback_data(summary: FeedbackSummary) -> dict[str, Any]:
    """The protected feedback counts as the API returns them (a hidden count is null)."""
    return {
        "n": _cell(summary.n.value),
        "items": [
            {
                "item": item.item,
                "options": [
                    {"option": option, **_cell(cell.value)} for option, cell in item.options
                ],
            }
            for item in summary.items
        ],
    }


def _cell(value: int | None) -> dict[str, Any]:
    return {"value": value, "suppressed": value is None}


def _text(text: Mapping[str, str] | None, lang: str) -> str:
    if not text:
        return ""
    return text.get("en" if lang == "en" else "zh-CN") or text.get("zh-CN") or ""


def feedback_form(lang: str) -> dict[str, Any]:
    """The feedback questionnaire's instructions and items, in a language, for the form."""
    definition = feedback_definition()
    return {
        "instructions": _text(definition.instructions, lang),
        "items": [
            {
                "id": item.id,
                "text": _text(item.text, lang),
                "options": [(o.value, _text(o.label, lang)) for o in item.options],
            }
            for item in definition.items
        ],
    }


def feedback_rows(summary: FeedbackSummary, lang: str) -> list[dict[str, Any]]:
    """The protected counts with the items' and options' words, for the counsellors' page."""
    form = {item["id"]: item for item in feedback_form(lang)["items"]}
    return [
        {
            "text": form[item.item]["text"],
            "cells": [
                (label, cell.value)
                for (_value, label), (_option, cell) in zip(
                    form[item.item]["options"], item.options, strict=True
                )
            ],
        }
        for item in summary.items
    ]
