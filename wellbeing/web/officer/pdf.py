"""The officer's own data as a PDF (reportlab; Chinese through the built-in STSong-Light CID
font, so it works offline with no font files)."""

from __future__ import annotations

import io
from typing import Any

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wellbeing.faces.pdf_styles import PdfStyles, paragraph, pdf_styles
from wellbeing.instruments import Catalogue
from wellbeing.screening.views_data import text_in
from wellbeing.web.officer.results import band_texts


def _styles() -> PdfStyles:
    return pdf_styles(10)


def _para(text: object, style: ParagraphStyle) -> Paragraph:
    return paragraph(text, style)


def export_pdf(data: dict[str, Any], catalogue: Catalogue, lang: str) -> bytes:
    """Render export_own_data's dict: profile, consents, and each result with its answers."""
    body, heading, title = _styles()
    officer = data["officer"]
    story: list[Flowable] = [
        _para(_("My wellbeing data"), title),
        _para(f"{officer['display_name']} ({officer['username']}) · {officer['unit']}", body),
        _para(_("Exported at %(when)s", when=data["exported_at"][:16]), body),
        _para(_("Consent"), heading),
    ]
    for consent in data["consents"]:
        withdrawn = consent["withdrawn_at"][:10] if consent["withdrawn_at"] else "—"
        line = _("Version %(version)s, given %(given)s, withdrawn %(withdrawn)s")
        story.append(
            _para(
                line
                % {
                    "version": consent["version"],
                    "given": consent["given_at"][:10],
                    "withdrawn": withdrawn,
                },
                body,
            )
        )
    story.append(_para(_("Results"), heading))
    for row in data["submissions"]:
        story.extend(_submission(row, catalogue, lang, body, heading))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=_("My wellbeing data"), leftMargin=18 * mm, rightMargin=18 * mm
    )
    document.build(story)
    return buffer.getvalue()


def _submission(
    row: dict[str, Any],
    catalogue: Catalogue,
    lang: str,
    body: ParagraphStyle,
    heading: ParagraphStyle,
) -> list[Flowable]:
    instrument = row["instrument"]
    if instrument not in catalogue:
        return [_para(f"{row['submitted_at'][:10]} {instrument}", heading)]
    definition = catalogue.get(instrument)
    result = row["result"]
    band_label, _feedback = band_texts(definition, result["band"], lang)
    total = "—" if result["total"] is None else result["total"]
    head = f"{row['submitted_at'][:10]} · {text_in(definition.title, lang)}"
    summary = _("Score: %(total)s · %(band)s", total=total, band=band_label or "—")
    cells = [[_para(_("Question"), body), _para(_("Answer"), body)]]
    for item in definition.items:
        value = row["answers"].get(item.id)
        if value is None:
            continue
        label = next((text_in(o.label, lang) for o in item.options if o.value == value), value)
        cells.append([_para(text_in(item.text, lang), body), _para(label, body)])
    table = Table(cells, colWidths=[120 * mm, 50 * mm])
    table.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.3, "#9aa7b4"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    return [_para(head, heading), _para(summary, body), Spacer(1, 4), table]
