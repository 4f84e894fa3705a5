"""The officer's earlier results as trend charts, one per instrument (server-rendered SVG)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wellbeing.instruments import Catalogue
from wellbeing.referrals.reading import text_in
from wellbeing.web.officer.charts import Point, trend_svg
from wellbeing.web.officer.results import score_range


def trend_charts(
    trend: Sequence[dict[str, Any]], catalogue: Catalogue, lang: str
) -> list[dict[str, Any]]:
    """Per instrument: its title, the points (date, total, band) and an SVG chart."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for point in trend:
        groups.setdefault(point["instrument"], []).append(point)
    charts = []
    for instrument, rows in groups.items():
        definition = catalogue.get(instrument) if instrument in catalogue else None
        title = text_in(definition.title, lang) if definition else instrument
        points = [
            Point(r["submitted_at"].strftime("%Y-%m-%d"), float(r["total"]), r["band_label"])
            for r in rows
            if r["total"] is not None
        ]
        chart = None
        if points:
            declared = score_range(definition) if definition else None
            low, high = declared or (0.0, max(p.value for p in points))
            chart = trend_svg(points, low, high, title)
        charts.append({"instrument": instrument, "title": title, "rows": rows, "chart": chart})
    return charts
