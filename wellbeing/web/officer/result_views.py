"""The officer's own results: one result, the history with trends, and the voluntary list."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, url_for
from flask.typing import ResponseReturnValue

from wellbeing.auth.access import roles
from wellbeing.faces.context import catalogue, db
from wellbeing.faces.i18n import current_language
from wellbeing.org.models import Role, User
from wellbeing.screening import service
from wellbeing.screening.permissions import may_answer, may_see_result
from wellbeing.screening.views_data import definition_summary, follow_up_offers, text_in
from wellbeing.web.library.for_you import for_result
from wellbeing.web.officer.blueprint import bp
from wellbeing.web.officer.common import consent_gate, current_officer
from wellbeing.web.officer.results import history_data, result_data


@bp.get("/results/<submission_id>")
@roles(Role.OFFICER)
def result(submission_id: str) -> ResponseReturnValue:
    """A result in plain words, self-help, and — after a critical answer — crisis contacts."""
    officer = current_officer()
    submission = service.find_submission(db(), submission_id)
    if submission is None or not may_see_result(officer, submission):
        abort(404)
    if submission.instrument_id not in catalogue():
        abort(404)
    definition = catalogue().get(submission.instrument_id)
    lang = current_language()
    data = result_data(submission, definition, lang)
    reading = for_result(db(), definition.id, data["band"], lang)
    offers = startable_offers(officer, data["follow_ups"], lang)
    return render_template("officer/result.html", result=data, reading=reading, follow_ups=offers)


def startable_offers(
    officer: User, follow_ups: list[dict[str, Any]], lang: str
) -> list[dict[str, Any]]:
    """The stepped offers the officer can start now, each with the address that starts it; an
    assigned follow-up already answered or closed is no longer offered."""
    startable = []
    for offer in follow_up_offers(catalogue(), follow_ups, lang):
        assignment_id = offer["assignment_id"]
        if assignment_id is not None:
            assignment = service.find_assignment(db(), int(assignment_id))
            if assignment is None or not may_answer(officer, assignment, offer["instrument"]):
                continue
        url = url_for("officer.page", instrument=offer["instrument"], assignment=assignment_id)
        startable.append({**offer, "url": url})
    return startable


@bp.get("/history")
@roles(Role.OFFICER)
def history() -> ResponseReturnValue:
    """Own results over time, a small trend chart per instrument, and the export links."""
    officer = current_officer()
    rows = service.own_submissions(db(), officer)
    data = history_data(rows, catalogue(), current_language())
    return render_template("officer/history.html", history=data)


@bp.get("/screenings")
@roles(Role.OFFICER)
def screenings() -> ResponseReturnValue:
    """Assigned screenings still open, and the questionnaires offered as voluntary self-checks."""
    officer = current_officer()
    if (gate := consent_gate(officer)) is not None:
        return gate
    lang = current_language()
    offered = [definition_summary(d, lang) for d in catalogue().offerable()]
    pending = service.pending_assignments(db(), officer)
    titles = {d.id: text_in(d.title, lang) for d in catalogue()}
    return render_template(
        "officer/screenings.html", offered=offered, pending=pending, titles=titles
    )
