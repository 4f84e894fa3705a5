"""Report figures as display text — shared by the page and the PDF, so both show the same.

A hidden value shows "—" with the marker of its reason; the legend gives each marker's reason
in the reader's language (reasons.reason_text).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from wellbeing.reports.disclosure import Cell, Mean, Reason, ReportRow
from wellbeing.reports.reasons import reason_text
from wellbeing.reports.report import InstrumentInfo, Line, Trend, UnitReport
from wellbeing.screening.views_data import text_in
from wellbeing.web.reports.charts import Bar, Series, stacked_bars, trend_lines

MARKERS = {
    Reason.TOO_FEW: "*",
    Reason.PROTECTS_OTHER: "†",
    Reason.ONE_BAND: "‡",
    Reason.NOISE_MODE: "§",
}
HIDDEN = "—"


@dataclass(frozen=True)
class Shown:
    """One displayed value: its text, or the hidden marker and the reason."""

    text: str
    reason: Reason | None = None

    @property
    def marker(self) -> str:
        """The reason's marker ("" when shown)."""
        return "" if self.reason is None else MARKERS[self.reason]

    @property
    def plain(self) -> str:
        """The text with its marker, for the PDF."""
        return self.text + self.marker


def shown(value: Cell | Mean) -> Shown:
    """A count or mean as text, or hidden with its reason."""
    if value.value is None:
        return Shown(HIDDEN, value.reason)
    if isinstance(value, Mean):
        return Shown(f"{value.value:.1f}")
    return Shown(str(value.value))


def row_cells(row: ReportRow | None, info: InstrumentInfo) -> list[Shown]:
    """n, each band, mean — in the instrument's band order."""
    if row is None:
        return [Shown(HIDDEN)] * (len(info.bands) + 2)
    return [shown(row.n), *(shown(row.bands[band]) for band, _ in info.bands), shown(row.mean)]


def header(info: InstrumentInfo, lang: str, n_label: str, mean_label: str) -> list[str]:
    """Column titles of an instrument's table."""
    return [n_label, *(text_in(label, lang) for _, label in info.bands), mean_label]


def reasons_in(rows: Iterable[ReportRow | None]) -> set[Reason]:
    """Every reason a hidden value among these rows was given."""
    found: set[Reason] = set()
    for row in rows:
        if row is None:
            continue
        cells: list[Cell | Mean] = [row.n, *row.bands.values(), row.mean]
        found.update(cell.reason for cell in cells if cell.reason is not None)
    return found


def report_rows(report: UnitReport) -> list[ReportRow]:
    """Every protected row of a report (all lines, all instruments)."""
    return [row for line in report.lines for row in line.results.values()]


def legend(found: set[Reason], lang: str) -> list[tuple[str, str]]:
    """(marker, reason text) for the reasons found, in a fixed order."""
    return [(MARKERS[reason], reason_text(reason, lang)) for reason in Reason if reason in found]


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
