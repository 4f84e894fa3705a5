"""The activity report as the figure sheet the station sends to the city bureau: A4 portrait,
Chinese through the screening PDF's built-in CID font (pdf_styles), the page's display text.

The unit's own figures come first as a two-column table; its sub-units follow in tables of a
few measures each, headers and unit names wrapping, so every table fits the A4 width.
"""

from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from wellbeing.activity.measures import MEASURES
from wellbeing.activity.report import ActivityReport
from wellbeing.core.clock import utcnow
from wellbeing.faces.pdf_styles import FONT, paragraph, pdf_styles
from wellbeing.faces.reports.activity import (
    activity_legend,
    measure_label,
    period_label,
    row_values,
    shown_value,
    withheld_text,
)

MARGIN = 15 * mm
PAGE_WIDTH = A4[0] - 2 * MARGIN - 12  # the frame pads each side by 6 points
UNIT_WIDTH = 50 * mm
MEASURES_PER_TABLE = 5
INDENT = "\u3000"  # an ideographic space per tree level
GRID = colors.HexColor("#9aa7b4")
HEAD = colors.HexColor("#e8f1fb")


def activity_pdf(report: ActivityReport, names: dict[str, str], lang: str) -> bytes:
    """Render the unit's activity in the period: header, legend, its figures, its sub-units."""
    body, heading, title = pdf_styles(9)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    unit_name = names.get(report.unit, report.unit)
    heading_text = _("Activity report: %(unit)s", unit=unit_name)
    story: list[Flowable] = [
        paragraph(heading_text, title),
        paragraph(f"{period_label(report.period, lang)} ({report.period.key})", heading),
        paragraph(
            _(
                "Generated %(when)s (UTC) from the figures released for this period. "
                "Minimum cell size: %(k)s.",
                when=utcnow().strftime("%Y-%m-%d %H:%M"),
                k=report.k,
            ),
            body,
        ),
    ]
    if report.withheld:
        story.append(paragraph(withheld_text(report.withheld, lang), body))
    for mark, text in activity_legend(report, lang):
        story.append(paragraph(f"{mark} {text}", body))
    story.append(paragraph(_("Figures of %(unit)s", unit=unit_name), heading))
    own = [[paragraph(_("Measure"), small), paragraph(_("Value"), small)]]
    own += [
        [paragraph(measure_label(measure, lang), small), shown_value(value).text]
        for measure, value in report.own.values.items()
    ]
    story.append(_table(own, [PAGE_WIDTH - 40 * mm, 40 * mm]))
    if len(report.rows) > 1:
        story.append(paragraph(_("Sub-units"), heading))
        story.extend(_sub_unit_tables(report, names, lang, small))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=heading_text,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    document.build(story)
    return buffer.getvalue()


def _sub_unit_tables(
    report: ActivityReport, names: dict[str, str], lang: str, small: ParagraphStyle
) -> list[Flowable]:
    """The sub-units' figures, a few measures per table so each fits the page width."""
    rows = report.rows[1:]
    values = [row_values(row) for row in rows]
    tables: list[Flowable] = []
    for first in range(0, len(MEASURES), MEASURES_PER_TABLE):
        chunk = MEASURES[first : first + MEASURES_PER_TABLE]
        header = [paragraph(_("Unit"), small)]
        header += [paragraph(measure_label(measure, lang), small) for measure in chunk]
        lines: list[list[object]] = [header]
        for row, shown in zip(rows, values, strict=True):
            name = INDENT * (row.depth - 1) + names.get(row.unit, row.unit)
            cells = [value.text for value in shown[first : first + len(chunk)]]
            lines.append([paragraph(name, small), *cells])
        width = (PAGE_WIDTH - UNIT_WIDTH) / len(chunk)
        tables.append(_table(lines, [UNIT_WIDTH, *([width] * len(chunk))]))
        tables.append(Spacer(1, 6))
    return tables


def _table(rows: list[list[object]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.3, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table
