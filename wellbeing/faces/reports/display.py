"""Report figures as display text — shared by the page and the PDF, so both show the same.

Every hidden value shows one neutral mark, "—", whatever the reason it is hidden: a reason is
information (reasons.py), so the legend says only why values are hidden at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from wellbeing.faces.reports.charts import Bar, Series, stacked_bars, trend_lines
from wellbeing.reports.disclosure import Cell, Mean, ReportRow
from wellbeing.reports.reasons import hidden_text
from wellbeing.reports.report import InstrumentInfo, Line, Trend, UnitReport
from wellbeing.screening.views_data import text_in

HIDDEN = "—"


@dataclass(frozen=True)
class Shown:
    """One displayed value: its text, or the hidden mark."""

    text: str
    hidden: bool = False


HIDDEN_VALUE = Shown(HIDDEN, hidden=True)


def shown(value: Cell | Mean) -> Shown:
    """A count or mean as text, or the hidden mark."""
    if value.value is None:
        return HIDDEN_VALUE
    if isinstance(value, Mean):
        return Shown(f"{value.value:.1f}")
    return Shown(str(value.value))


def row_cells(row: ReportRow | None, info: InstrumentInfo) -> list[Shown]:
    """n, each band, mean — in the instrument's band order."""
    if row is None:
        return [HIDDEN_VALUE] * (len(info.bands) + 2)
    return [shown(row.n), *(shown(row.bands[band]) for band, _ in info.bands), shown(row.mean)]


def header(info: InstrumentInfo, lang: str, n_label: str, mean_label: str) -> list[str]:
    """Column titles of an instrument's table."""
    return [n_label, *(text_in(label, lang) for _, label in info.bands), mean_label]


def any_hidden(rows: Iterable[ReportRow | None]) -> bool:
    """Whether a value among these rows is hidden."""
    for row in rows:
        if row is None:
            continue
        cells: list[Cell | Mean] = [row.n, *row.bands.values(), row.mean]
        if any(cell.value is None for cell in cells):
            return True
    return False


def report_rows(report: UnitReport) -> list[ReportRow]:
    """Every protected row of a report (all lines, all instruments)."""
    return [row for line in report.lines for row in line.results.values()]


def legend(hidden: bool, lang: str) -> list[tuple[str, str]]:
    """(mark, text) explaining hidden values, when there are any (one text for all of them)."""
    return [(HIDDEN, hidden_text(lang))] if hidden else []


def instrument_bars(
    report: UnitReport, info: InstrumentInfo, lang: str, hidden_label: str
) -> Markup:
    """The stacked band chart of the unit and its children."""
    lines: Sequence[Line] = [report.top, *report.children]
    bars = []
    for line in lines:
        row = line.results.get(info.id)
        counts = [None if row is None else row.bands[band].value for band, _ in info.bands]
        bars.append(Bar(line.unit.name(lang), None if row is None else row.n.value, counts))
    labels = [text_in(label, lang) for _, label in info.bands]
    return stacked_bars(bars, labels, text_in(info.title, lang), hidden_label)


def trend_chart(trend: Trend, lang: str) -> Markup:
    """Band shares across the trend's waves."""
    series = []
    for band, label in trend.instrument.bands:
        shares: list[float | None] = []
        for point in trend.points:
            row = point.row
            n = None if row is None else row.n.value
            count = None if row is None else row.bands[band].value
            shares.append(None if not n or count is None else min(count / n, 1.0))
        series.append(Series(text_in(label, lang), shares))
    waves = [point.wave.opens_at.strftime("%Y-%m") for point in trend.points]
    return trend_lines(waves, series, text_in(trend.instrument.title, lang))
