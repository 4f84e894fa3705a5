"""The dashboard page's content, made from a UnitReport and its trends (no queries here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from wellbeing.faces.reports.display import (
    HIDDEN,
    Shown,
    any_hidden,
    header,
    instrument_bars,
    legend,
    report_rows,
    row_cells,
    trend_chart,
)
from wellbeing.reports.report import InstrumentInfo, Line, Trend, UnitReport
from wellbeing.reports.waves import WaveInfo
from wellbeing.screening.views_data import text_in


def wave_state(wave: WaveInfo) -> str:
    """The wave's state, translated: closed, or open (participation only)."""
    text: str = _("Closed") if wave.closed else _("Open: participation only")
    return text


def participation_cells(line: Line) -> list[str]:
    """Invited, responded and the response rate, as text (the hidden mark when withheld)."""
    if line.invited is None or line.responded is None:
        return [HIDDEN] * 3
    rate = f"{line.responded / line.invited:.0%}" if line.invited else HIDDEN
    return [str(line.invited), str(line.responded), rate]


@dataclass(frozen=True)
class TableRow:
    """A line of an instrument table: the unit, its depth and its cells."""

    line: Line
    cells: list[Shown]


@dataclass(frozen=True)
class InstrumentSection:
    """One instrument on the page: title, chart, table and trend."""

    info: InstrumentInfo
    title: str
    chart: Markup
    columns: list[str]
    rows: list[TableRow]
    trend: Markup | None
    trend_rows: list[tuple[str, list[Shown]]]
    category_rows: list[tuple[str, list[Shown]]]  # the unit's split: 民警, 辅警 (when released)


def category_label(category: str) -> str:
    """A staff category's name, translated (民警 / 辅警)."""
    labels: dict[str, str] = {
        "police": _("Police officers"),
        "auxiliary": _("Auxiliary officers"),
    }
    return labels.get(category, category)


def category_cells(line: Line, info: InstrumentInfo) -> list[tuple[str, list[Shown]]]:
    """The line's figures of one instrument per staff category (hidden ones marked as any)."""
    return [
        (category_label(category), row_cells(rows.get(info.id), info))
        for category, rows in line.categories.items()
        if info.id in rows
    ]


def instrument_sections(
    report: UnitReport, trends: Sequence[Trend], lang: str
) -> list[InstrumentSection]:
    """Charts and tables per instrument (closed waves only: open ones show participation)."""
    if not report.wave.closed:
        return []
    by_instrument = {trend.instrument.id: trend for trend in trends}
    sections = []
    for info in report.instruments:
        trend = by_instrument.get(info.id)
        sections.append(
            InstrumentSection(
                info=info,
                title=text_in(info.title, lang),
                chart=instrument_bars(report, info, lang, _("Hidden")),
                columns=header(info, lang, "n", _("Mean")),
                rows=[
                    TableRow(line, row_cells(line.results.get(info.id), info))
                    for line in report.lines
                ],
                trend=trend_chart(trend, lang) if trend and len(trend.points) > 1 else None,
                trend_rows=[
                    (point.wave.name, row_cells(point.row, info))
                    for point in (trend.points if trend else ())
                ],
                category_rows=category_cells(report.top, info),
            )
        )
    return sections


def page_legend(report: UnitReport, trends: Sequence[Trend], lang: str) -> list[tuple[str, str]]:
    """The explanation of hidden values, when the page has any."""
    rows = report_rows(report) + [point.row for trend in trends for point in trend.points]
    rows += [
        row for line in report.lines for split in line.categories.values() for row in split.values()
    ]
    hidden_people = any(line.invited is None for line in report.lines)
    return legend(hidden_people or any_hidden(rows), lang)
