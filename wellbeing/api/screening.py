"""Officer API: instruments offered, own assignments and submissions, export, submitting."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller, json_body
from wellbeing.auth.access import roles
from wellbeing.faces.context import catalogue, db, screening_policy
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.faces.i18n import current_language
from wellbeing.faces.screening_text import problem_messages, screening_error_message
from wellbeing.org.models import Role
from wellbeing.screening import service
from wellbeing.screening.errors import InvalidAnswers, ScreeningError
from wellbeing.screening.permissions import may_see_result
from wellbeing.screening.views_data import (
    assignment_data,
    definition_detail,
    definition_summary,
    follow_up_offers,
)

bp = Blueprint("api_screening", __name__, url_prefix="/api/v1")


@bp.get("/instruments")
@roles(Role.OFFICER)
def list_instruments() -> ResponseReturnValue:
    """Instruments offered to officers."""
    lang = current_language()
    return jsonify([definition_summary(d, lang) for d in catalogue().offerable()])


@bp.get("/instruments/<instrument_id>")
@roles(Role.OFFICER)
def get_instrument(instrument_id: str) -> ResponseReturnValue:
    """One instrument's items and options in the caller's language (or ?lang=)."""
    try:
        definition = service.offered_definition(catalogue(), instrument_id)
    except ScreeningError as exc:
        raise _api_error(exc) from None
    return jsonify(definition_detail(definition, current_language()))


@bp.get("/me/assignments")
@roles(Role.OFFICER)
def my_assignments() -> ResponseReturnValue:
    """The caller's open assignments."""
    return jsonify([assignment_data(a) for a in service.pending_assignments(db(), caller())])


@bp.get("/me/submissions")
@roles(Role.OFFICER)
def my_submissions() -> ResponseReturnValue:
    """The caller's own results, oldest first (answers are in the export)."""
    officer = caller()
    rows = service.readable_views(db(), officer, service.own_submissions(db(), officer))
    return jsonify([{k: v for k, v in row.items() if k != "answers"} for row in rows])


@bp.get("/me/submissions/<submission_id>")
@roles(Role.OFFICER)
def my_submission(submission_id: str) -> ResponseReturnValue:
    """One of the caller's results, as the result page shows it: the score, whether to show
    crisis contacts now, and the stepped follow-ups it offered (another's does not exist)."""
    officer = caller()
    submission = service.find_submission(db(), submission_id)
    if submission is None or not may_see_result(officer, submission):
        raise ApiError(404, "not_found", _("This page or record does not exist."))
    [view] = service.readable_views(db(), officer, [submission])
    body = {k: v for k, v in view.items() if k != "answers"}
    if body.get("unreadable"):
        return jsonify({**body, "crisis": None, "follow_up": []})
    crisis, follow_ups = service.told_with(submission)
    return jsonify({**body, "crisis": crisis, "follow_up": _follow_up(follow_ups)})


@bp.get("/me/export")
@roles(Role.OFFICER)
def my_export() -> ResponseReturnValue:
    """Everything stored about the caller's screenings, as JSON."""
    from wellbeing.screening.export import export_own_data

    response = jsonify(export_own_data(db(), caller()))
    response.headers["Content-Disposition"] = "attachment; filename=wellbeing-export.json"
    return response


@bp.post("/submissions")
@roles(Role.OFFICER)
def create_submission() -> ResponseReturnValue:
    """Submit answers; a retry with the same idempotency key returns the original result."""
    body = json_body()
    instrument, answers, key, assignment_id = _submission_fields(body)
    try:
        outcome = service.submit(
            db(),
            screening_policy(),
            caller(),
            instrument_id=instrument,
            answers=answers,
            idempotency_key=key,
            assignment_id=assignment_id,
        )
        db().commit()
    except ScreeningError as exc:
        db().rollback()
        raise _api_error(exc) from None
    body_out = {
        "id": outcome.submission.id,
        "result": outcome.result,
        "crisis": outcome.crisis,
        "referral": outcome.referral,
        "follow_up": _follow_up(outcome.follow_ups),
    }
    return jsonify(body_out), 200 if outcome.replayed else 201


def _follow_up(follow_ups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stepped offer with what a client needs to start it: the instrument, the assignment
    to send with its submission (null: a voluntary self-check), and where to fetch its items and
    keep its draft."""
    if not follow_ups:  # most submissions: no need to settle the caller's language
        return []
    offers = follow_up_offers(catalogue(), follow_ups, current_language())
    for offer in offers:
        instrument, assignment_id = offer["instrument"], offer["assignment_id"]
        offer["links"] = {
            "instrument": url_for("api_screening.get_instrument", instrument_id=instrument),
            "draft": url_for(
                "api_me_drafts.get_draft", instrument=instrument, assignment_id=assignment_id
            ),
            "submit": url_for("api_screening.create_submission"),
            "web": url_for("officer.page", instrument=instrument, assignment=assignment_id),
        }
    return offers


def _submission_fields(body: dict[str, Any]) -> tuple[str, dict[str, Any], str, int | None]:
    instrument, answers = body.get("instrument"), body.get("answers")
    key, assignment_id = body.get("idempotency_key"), body.get("assignment_id")
    if not isinstance(instrument, str) or not instrument:
        raise _field_error("instrument")
    if not isinstance(answers, dict):
        raise _field_error("answers")
    if not isinstance(key, str) or not 8 <= len(key) <= 100:
        raise _field_error("idempotency_key")
    if assignment_id is not None and (
        not isinstance(assignment_id, int) or isinstance(assignment_id, bool)
    ):
        raise _field_error("assignment_id")
    return instrument, answers, key, assignment_id


def _field_error(field: str) -> ApiError:
    messages = {
        "instrument": _("Field instrument must name an instrument."),
        "answers": _("Field answers must be an object of item ids to values."),
        "idempotency_key": _("Field idempotency_key must be a string of 8 to 100 characters."),
        "assignment_id": _("Field assignment_id must be a whole number."),
    }
    return ApiError(422, "invalid", messages[field], field=field)


def _api_error(exc: ScreeningError) -> ApiError:
    details: dict[str, Any] = {}
    if isinstance(exc, InvalidAnswers):
        details["items"] = problem_messages(exc.problems)
    return ApiError(status_of(exc), exc.code, screening_error_message(exc), **details)
