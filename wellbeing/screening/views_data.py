"""Plain data shapes of definitions and assignments for the faces (API, pages, export)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from wellbeing.instruments import Catalogue, Definition
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


def short_title(title: str) -> str:
    """The abbreviation a title ends with in brackets ("…（PHQ-9）" → "PHQ-9"), else the title."""
    match = _BRACKETED_END.search(title)
    return match.group(1).strip() if match else title


_BRACKETED_END = re.compile(r"[（(]([^（）()]{1,20})[）)]\s*$")


def follow_up_offers(
    catalogue: Catalogue, follow_ups: Iterable[Mapping[str, Any]], lang: str
) -> list[dict[str, Any]]:
    """The stepped follow-ups of a result that can be started: instrument, mode, the assignment
    to answer it in (None: a voluntary self-check) and titles; one no longer offered is left out
    (a submission stores what its rules offered when it was made)."""
    offers = []
    for follow_up in follow_ups:
        instrument = str(follow_up.get("instrument", ""))
        if instrument not in catalogue or not catalogue.get(instrument).offerable:
            continue
        title = text_in(catalogue.get(instrument).title, lang)
        offers.append(
            {
                "instrument": instrument,
                "mode": str(follow_up.get("mode", "offer")),
                "assignment_id": follow_up.get("assignment_id"),
                "title": title,
                "short_title": short_title(title),
            }
        )
    return offers
