"""The review step and the submit: score first, so crisis contacts show even if storing fails."""

from __future__ import annotations

import uuid

from flask import current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import roles
from wellbeing.faces.context import db, screening_policy
from wellbeing.faces.errors import status_of
from wellbeing.faces.i18n import current_language
from wellbeing.faces.screening_text import (
    problem_messages,
    required_item_hint,
    screening_error_message,
)
from wellbeing.instruments import critical_items
from wellbeing.org.models import Role
from wellbeing.screening import service
from wellbeing.screening.drafts import load_draft
from wellbeing.screening.errors import InvalidAnswers, ScreeningError
from wellbeing.screening.views_data import text_in
from wellbeing.web.officer.blueprint import bp
from wellbeing.web.officer.common import Target, consent_gate, current_officer, load_target
from wellbeing.web.officer.paging import Questionnaire


@bp.get("/screenings/<instrument>/review")
@roles(Role.OFFICER)
def review(instrument: str) -> ResponseReturnValue:
    """Every question with the chosen answer, edit links, and Submit (with a fresh key)."""
    officer = current_officer()
    target = load_target(officer, instrument)
    if (gate := consent_gate(officer)) is not None:
        return gate
    if not load_draft(db(), officer, instrument, target.assignment_id):
        return redirect(target.url("officer.page"))  # nothing to review (e.g. back after submit)
    return render_review(target, uuid.uuid4().hex)


@bp.post("/screenings/<instrument>/submit")
@roles(Role.OFFICER)
def submit(instrument: str) -> ResponseReturnValue:
    """Submit the draft once: a repeated key (double click, refresh) goes to the same result."""
    officer = current_officer()
    target = load_target(officer, instrument)
    if (gate := consent_gate(officer)) is not None:
        return gate
    key = request.form.get("idempotency_key", "")
    if not 8 <= len(key) <= 100:
        return render_review(target, uuid.uuid4().hex), 400
    if (earlier := service.find_by_key(db(), officer, key)) is not None:
        return redirect(url_for("officer.result", submission_id=earlier.id))
    draft = load_draft(db(), officer, instrument, target.assignment_id)
    answers = Questionnaire(target.definition, draft).to_submit()
    if not answers:  # never store an empty questionnaire
        return redirect(target.url("officer.page"))
    try:
        scored = service.score_answers(target.definition, answers)
    except InvalidAnswers as exc:
        return render_review(target, key, problems=problem_messages(exc.problems)), 422
    crisis = bool(service.critical_flags(target.definition, scored))
    try:
        outcome = service.submit(
            db(),
            screening_policy(),
            officer,
            instrument_id=instrument,
            answers=answers,
            idempotency_key=key,
            assignment_id=target.assignment_id,
        )
        db().commit()
    except ScreeningError as exc:
        db().rollback()
        return render_review(target, key, error=screening_error_message(exc)), status_of(exc)
    except Exception as exc:  # the answers stay in the draft; crisis contacts still show
        db().rollback()
        current_app.logger.error("submission failed: %s", type(exc).__name__)
        page = render_template("officer/submit_failed.html", target=target, crisis=crisis)
        return page, 500
    return redirect(url_for("officer.result", submission_id=outcome.submission.id))


def render_review(
    target: Target,
    key: str,
    *,
    notice: str | None = None,
    error: str | None = None,
    problems: list[dict[str, object]] | None = None,
) -> str:
    """The review step for the officer's current draft."""
    officer = current_officer()
    lang = current_language()
    draft = load_draft(db(), officer, target.instrument, target.assignment_id)
    form = Questionnaire(target.definition, draft)
    asked = {item.id for item in form.asked_items()}
    required = set(critical_items(target.definition))
    rows = []
    for number, item in enumerate(target.definition.items, start=1):
        if item.id not in asked:
            continue
        chosen = form.answers.get(item.id)
        labels = {option.value: text_in(option.label, lang) for option in item.options}
        rows.append(
            {
                "id": item.id,
                "number": number,
                "text": text_in(item.text, lang),
                "answer": labels.get(chosen) if chosen is not None else None,
                "page": form.page_of(item.id),
                "optional": item.optional,
                "required_why": required_item_hint() if item.id in required else None,
            }
        )
    return render_template(
        "officer/review.html",
        target=target,
        title=text_in(target.definition.title, lang),
        rows=rows,
        unanswered=[row for row in rows if row["answer"] is None],
        key=key,
        notice=notice,
        error=error,
        problems=problems or [],
    )
