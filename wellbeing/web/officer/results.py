"""What a result means, in plain words: shapes for the result, history and export pages."""

from __future__ import annotations

from typing import Any

from wellbeing.instruments import Catalogue, Definition
from wellbeing.screening.models import Submission
from wellbeing.screening.service import submission_view
from wellbeing.screening.views_data import text_in
from wellbeing.web.officer.charts import Point, trend_svg


def band_texts(definition: Definition, band_id: str | None, lang: str) -> tuple[str, str]:
    """(label, feedback) of a band; empty strings when there is no band."""
    band = next((b for b in definition.bands if b.id == band_id), None)
    if band is None:
        return "", ""
    return text_in(band.label, lang), text_in(band.feedback, lang)


def score_range(definition: Definition) -> tuple[float, float] | None:
    """The total's declared range, when the instrument has one."""
    if definition.total is None or definition.total.declared_range is None:
        return None
    low, high = definition.total.declared_range
    return float(low), float(high)


def result_data(submission: Submission, definition: Definition, lang: str) -> dict[str, Any]:
    """The result page's content: band, feedback, critical messages (self-help comes from the
    library: `wellbeing.web.library.for_you.for_result`)."""
    view = submission_view(submission)
    payload = submission.opened()
    result = view["result"]
    label, feedback = band_texts(definition, result["band"], lang)
    raised = set(result["flags"])
    return {
        "id": submission.id,
        "title": text_in(definition.title, lang),
        "submitted_at": submission.submitted_at,
        "complete": result["complete"],
        "total": result["total"],
        "range": score_range(definition),
        "band": result["band"],
        "band_label": label,
        "feedback": feedback,
        "critical_messages": [
            text_in(flag.message or flag.label, lang)
            for flag in definition.flags
            if flag.critical and flag.id in raised
        ],
        "crisis": bool(payload.get("crisis")),
        "follow_ups": list(payload.get("follow_ups", [])),
    }


def history_data(
    submissions: list[Submission], catalogue: Catalogue, lang: str
) -> list[dict[str, Any]]:
    """Per instrument, the officer's results over time and a trend chart of the totals."""
    groups: dict[str, list[Submission]] = {}
    for submission in submissions:
        groups.setdefault(submission.instrument_id, []).append(submission)
    history = []
    for instrument_id, rows in groups.items():
        if instrument_id not in catalogue:
            continue
        definition = catalogue.get(instrument_id)
        entries = []
        for submission in rows:
            result = submission_view(submission)["result"]
            entries.append(
                {
                    "id": submission.id,
                    "when": submission.submitted_at.strftime("%Y-%m-%d"),
                    "total": result["total"],
                    "band_label": band_texts(definition, result["band"], lang)[0],
                }
            )
        history.append(
            {
                "instrument": instrument_id,
                "title": text_in(definition.title, lang),
                "entries": entries,
                "chart": _chart(definition, entries, lang),
            }
        )
    return history


def _chart(definition: Definition, entries: list[dict[str, Any]], lang: str) -> Any:
    points = [
        Point(e["when"], float(e["total"]), e["band_label"])
        for e in entries
        if e["total"] is not None
    ]
    if not points:
        return None
    low, high = score_range(definition) or (0.0, max(p.value for p in points))
    return trend_svg(points, low, high, text_in(definition.title, lang))
