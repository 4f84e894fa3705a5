"""A unit report as PDF: the page's tables and charts (reportlab; Chinese through the built-in
STSong-Light CID font, so it works offline with no font files). Same display text as the page."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wellbeing.faces.pdf_styles import FONT, PdfStyles, paragraph, pdf_styles
from wellbeing.faces.reports.charts import HIDDEN_FILL, band_colour
from wellbeing.faces.reports.display import header, row_cells
from wellbeing.faces.reports.page import (
    category_cells,
    page_legend,
    participation_cells,
    wave_state,
)
from wellbeing.reports.report import InstrumentInfo, UnitReport
from wellbeing.screening.views_data import text_in

PAGE_WIDTH = A4[0] - 30 * mm
INDENT = "\u3000"  # an ideographic space per tree level


def _styles() -> PdfStyles:
    return pdf_styles(9)


def _para(text: object, style: ParagraphStyle) -> Paragraph:
    return paragraph(text, style)


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#9aa7b4")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f1fb")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def _name(report: UnitReport, index: int, lang: str) -> str:
    line = report.lines[index]
    return INDENT * line.depth + line.unit.name(lang)


def report_pdf(report: UnitReport, lang: str) -> bytes:
    """Render a unit report: participation, then per instrument a chart and the table."""
    body, heading, title = _styles()
    story: list[Flowable] = [
        _para(_("Unit report: %(unit)s", unit=report.unit.name(lang)), title),
        _para(f"{report.wave.name} · {wave_state(report.wave)}", body),
        _para(_("Cells under %(k)s people are hidden.", k=report.k), body),
        _para(_("Participation"), heading),
    ]
    rows = [[_("Unit"), _("Invited"), _("Responded"), _("Rate")]]
    rows += [
        [_name(report, i, lang), *participation_cells(line)] for i, line in enumerate(report.lines)
    ]
    story.append(_table(rows, [PAGE_WIDTH - 60 * mm, 20 * mm, 20 * mm, 20 * mm]))
    if not report.wave.closed:
        story.append(_para(_("Results appear once the wave has closed."), body))
    elif report.pending:
        story.append(_para(_("Results are being prepared: they appear shortly."), body))
    for info in report.instruments if report.wave.closed else ():
        story.extend(_instrument(report, info, lang, body, heading))
    explained = page_legend(report, [], lang)
    if explained:
        story.append(_para(_("Why values are hidden"), heading))
        story.extend(_para(f"{mark} {text}", body) for mark, text in explained)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Unit report: %(unit)s", unit=report.unit.name(lang)),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
    )
    document.build(story)
    return buffer.getvalue()


def _instrument(
    report: UnitReport,
    info: InstrumentInfo,
    lang: str,
    body: ParagraphStyle,
    heading: ParagraphStyle,
) -> list[Flowable]:
    columns = header(info, lang, "n", _("Mean"))
    rows = [[_("Unit"), *columns]]
    for index, line in enumerate(report.lines):
        cells = row_cells(line.results.get(info.id), info)
        rows.append([_name(report, index, lang), *(cell.text for cell in cells)])
    first = 45 * mm
    rest = (PAGE_WIDTH - first) / len(columns)
    story: list[Flowable] = [
        _para(text_in(info.title, lang), heading),
        _chart(report, info, lang),
        Spacer(1, 4),
        _table(rows, [first, *([rest] * len(columns))]),
    ]
    split = category_cells(report.top, info)
    if split:
        rows = [[_("Staff category"), *columns]]
        rows += [[name, *(cell.text for cell in cells)] for name, cells in split]
        story += [
            _para(_("By staff category"), body),
            _table(rows, [first, *([rest] * len(columns))]),
        ]
    return story


def _chart(report: UnitReport, info: InstrumentInfo, lang: str) -> Drawing:
    """Stacked 100 % bars of the unit and its children, drawn with reportlab graphics."""
    lines = [report.top, *report.children]
    bar, gap, label_w = 10, 4, 45 * mm
    span = PAGE_WIDTH - label_w
    height = len(lines) * (bar + gap) + 16
    drawing = Drawing(PAGE_WIDTH, height)
    for row_index, line in enumerate(lines):
        y = height - (row_index + 1) * (bar + gap)
        drawing.add(String(0, y + 2, line.unit.name(lang)[:14], fontName=FONT, fontSize=7))
        row = line.results.get(info.id)
        n = None if row is None else row.n.value
        if not n:
            fill = colors.HexColor(HIDDEN_FILL) if n is None else colors.white
            drawing.add(Rect(label_w, y, span, bar, fillColor=fill, strokeWidth=0.3))
            continue
        assert row is not None  # noqa: S101 - n came from it
        counts = [row.bands[band].value or 0 for band, _ in info.bands]
        scale, x = span / max(n, sum(counts)), label_w
        for index, count in enumerate(counts):
            if count:
                colour = colors.HexColor(band_colour(index))
                drawing.add(Rect(x, y, count * scale, bar, fillColor=colour, strokeWidth=0))
                x += count * scale
        if label_w + span - x > 0.05:
            grey = colors.HexColor(HIDDEN_FILL)
            drawing.add(Rect(x, y, label_w + span - x, bar, fillColor=grey, strokeWidth=0))
    labels = [text_in(label, lang) for _, label in info.bands]
    x = 0.0
    for index, label in enumerate([*labels, _("Hidden")]):
        colour = HIDDEN_FILL if index == len(labels) else band_colour(index)
        drawing.add(Rect(x, 2, 6, 6, fillColor=colors.HexColor(colour), strokeWidth=0))
        drawing.add(String(x + 8, 2, label, fontName=FONT, fontSize=6))
        x += 8 + pdfmetrics.stringWidth(label, FONT, 6) + 8
    return drawing
