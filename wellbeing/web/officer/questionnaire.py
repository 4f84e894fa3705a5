"""Questionnaire pages: a few questions at a time, each page saved to the sealed draft."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.faces.context import db
from wellbeing.faces.i18n import current_language
from wellbeing.faces.screening_text import required_item_hint
from wellbeing.instruments import critical_items
from wellbeing.org.models import Role
from wellbeing.screening.drafts import load_draft, save_draft
from wellbeing.screening.views_data import text_in
from wellbeing.web.officer.blueprint import bp
from wellbeing.web.officer.common import (
    Target,
    consent_gate,
    current_officer,
    load_target,
    page_number,
)
from wellbeing.web.officer.paging import Questionnaire, parse_page


@bp.get("/screenings/<instrument>")
@roles(Role.OFFICER)
def page(instrument: str) -> ResponseReturnValue:
    """One page of questions, pre-filled from the draft (so another device can resume)."""
    officer = current_officer()
    target = load_target(officer, instrument)
    if (gate := consent_gate(officer)) is not None:
        return gate
    form = Questionnaire(
        target.definition, load_draft(db(), officer, instrument, target.assignment_id)
    )
    asked = page_number(request.args.get("page"))
    number = form.resume_page() if asked is None else form.page_at_or_after(asked)
    if number is None:
        return redirect(target.url("officer.review"))
    return render_page(target, form, number)


@bp.post("/screenings/<instrument>")
@roles(Role.OFFICER)
def save_page(instrument: str) -> ResponseReturnValue:
    """Save this page's answers to the draft, then go back, on, or to the review."""
    officer = current_officer()
    target = load_target(officer, instrument)
    if (gate := consent_gate(officer)) is not None:
        return gate
    draft = load_draft(db(), officer, instrument, target.assignment_id)
    number = page_number(request.args.get("page"))
    if number is None or not Questionnaire(target.definition, draft).has_page(number):
        abort(404)
    posted = parse_page(Questionnaire(target.definition, draft).asked_on(number), request.form)
    merged = save_draft(db(), officer, instrument, target.assignment_id, posted)
    db().commit()
    form = Questionnaire(target.definition, merged)
    if request.form.get("nav") == "later":
        flash(_("Your answers are saved. You can continue later, on any device."))
        return redirect(url_for("home.index"))
    if request.form.get("nav") == "back":
        previous = form.previous_page(number)
        if previous is None:
            return redirect(url_for("officer.screenings"))
        return redirect(target.url("officer.page", page=previous))
    following = form.next_page(number)
    if following is None or request.form.get("nav") == "review":
        return redirect(target.url("officer.review"))
    return redirect(target.url("officer.page", page=following))


def render_page(target: Target, form: Questionnaire, number: int, notice: str | None = None) -> str:
    """Render a page of questions with the answers given so far."""
    lang = current_language()
    definition = target.definition
    position, total = form.position(number)
    return render_template(
        "officer/page.html",
        target=target,
        title=text_in(definition.title, lang),
        instructions=text_in(definition.instructions, lang),
        time_frame=text_in(definition.time_frame, lang),
        items=page_items(form, number, lang),
        number=number,
        position=position,
        total=total,
        first=form.previous_page(number) is None,
        last=form.next_page(number) is None,
        notice=notice,
    )


def page_items(form: Questionnaire, number: int, lang: str) -> list[dict[str, object]]:
    """The asked items of a page with texts, options and the chosen value."""
    numbering = {item.id: index for index, item in enumerate(form.definition.items, start=1)}
    required = set(critical_items(form.definition))
    return [
        {
            "id": item.id,
            "number": numbering[item.id],
            "text": text_in(item.text, lang),
            "optional": item.optional,
            "required_why": required_item_hint() if item.id in required else None,
            "chosen": form.answers.get(item.id),
            "options": [(o.value, text_in(o.label, lang)) for o in item.options],
        }
        for item in form.asked_on(number)
    ]


def reshow_page(instrument: str, posted: Mapping[str, str], notice: str) -> ResponseReturnValue:
    """The page again after a refused POST, with what was posted kept (nothing is saved)."""
    officer = current_officer()
    target = load_target(officer, instrument)
    draft = load_draft(db(), officer, instrument, target.assignment_id)
    number = page_number(request.args.get("page"))
    form = Questionnaire(target.definition, draft)
    if number is None or not form.has_page(number):
        abort(404)
    kept = {**draft, **parse_page(form.asked_on(number), posted)}
    return render_page(target, Questionnaire(target.definition, kept), number, notice), 400
