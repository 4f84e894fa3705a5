"""Plain data shapes of definitions and assignments for the faces (API, pages, export)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wellbeing.instruments import Definition
from wellbeing.screening.models import Assignment


def text_in(text: Mapping[str, str] | None, lang: str) -> str:
    """A bilingual text in "zh_CN" or "en" (definitions key them as zh-CN / en)."""
    if not text:
        return ""
    return text.get("en" if lang == "en" else "zh-CN") or text.get("zh-CN") or ""


def definition_summary(definition: Definition, lang: str) -> dict[str, Any]:
    """Id, version, title and size of an instrument."""
    return {
        "id": definition.id,
        "version": definition.version,
        "title": text_in(definition.title, lang),
        "items": len(definition.items),
    }


def definition_detail(definition: Definition, lang: str) -> dict[str, Any]:
    """An instrument's items with texts and options in one language."""
    return {
        **definition_summary(definition, lang),
        "instructions": text_in(definition.instructions, lang),
        "time_frame": text_in(definition.time_frame, lang),
        "items": [
            {
                "id": item.id,
                "text": text_in(item.text, lang),
                "optional": item.optional,
                "conditional": item.ask_when is not None,
                "options": [
                    {"value": option.value, "label": text_in(option.label, lang)}
                    for option in item.options
                ],
            }
            for item in definition.items
        ],
    }


def assignment_data(assignment: Assignment) -> dict[str, Any]:
    """An assignment as the officer sees it."""
    return {
        "id": assignment.id,
        "instruments": list(assignment.instruments),
        "remaining": assignment.remaining,
        "status": assignment.status,
        "opens_at": assignment.opens_at.isoformat(),
        "closes_at": assignment.closes_at.isoformat(),
        "wave": assignment.wave.name if assignment.wave else None,
        "incident_follow_up_day": assignment.follow_up_day,
    }
