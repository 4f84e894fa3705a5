"""Paragraph styles for the service's PDFs, with a Chinese font that works offline.

reportlab's built-in CID font STSong-Light needs no font file, so PDFs render Chinese on a
closed network; PDF readers supply the glyphs.
"""

from __future__ import annotations

from typing import NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph

FONT = "STSong-Light"


class PdfStyles(NamedTuple):
    """Body, heading and title styles in one size family."""

    body: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle


def pdf_styles(size: float) -> PdfStyles:
    """Styles around a body font size (headings and titles scale with it)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=size, leading=size + 4, wordWrap="CJK")
    heading = ParagraphStyle(
        "heading", parent=body, fontSize=size + 3, leading=size + 8, spaceBefore=8
    )
    title = ParagraphStyle("title", parent=body, fontSize=size + 6, leading=size + 12)
    return PdfStyles(body, heading, title)


def paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names and texts never become markup)."""
    return Paragraph(escape(str(text)), style)
