"""An officer's safety plan as a PDF (reportlab; Chinese through the built-in STSong-Light CID
font, see `pdf_styles`): the six sections of their own copy and the numbers to call. It names
nobody but what the officer wrote themselves: no counsellor, no officer name, no unit. With no
plan, the sections are left blank to fill in by hand."""

from __future__ import annotations

import io
from collections.abc import Sequence

from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer

from wellbeing.crisis.input import SECTIONS
from wellbeing.crisis.service import PlanView
from wellbeing.faces.crisis_texts import SECTION_PROMPTS, SECTION_TITLES, plan_sections
from wellbeing.faces.pdf_styles import paragraph, pdf_styles

BLANK_LINES = 3


def safety_plan_pdf(view: PlanView | None, numbers: Sequence[tuple[str, str]]) -> bytes:
    """Render the plan (the officer's own copy) and the help numbers, in the request's language."""
    body, heading, title = pdf_styles(11)
    own = plan_sections(view.own if view else None)
    story: list[Flowable] = [paragraph(_("My safety plan"), title)]
    if view is not None:
        when = view.updated_at.date().isoformat()
        story.append(paragraph(_("Last changed %(when)s.", when=when), body))
    for number, section in enumerate(SECTIONS, start=1):
        story.append(paragraph(f"{number}. {SECTION_TITLES[section]}", heading))
        story.append(paragraph(SECTION_PROMPTS[section], body))
        items = own[section] or ["_" * 40] * BLANK_LINES
        story.extend(paragraph(f"• {item}", body) for item in items)
    story.append(Spacer(1, 4 * mm))
    story.append(paragraph(_("Help is available right now"), heading))
    story.extend(paragraph(f"{label} {phone}".strip(), body) for label, phone in numbers)
    story.append(paragraph(_("In immediate danger, call 110 (police) or 120 (ambulance)."), body))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=_("My safety plan"), leftMargin=18 * mm, rightMargin=18 * mm
    )
    document.build(story)
    return buffer.getvalue()
