"""The officer's drafts through the API: the same sealed drafts the questionnaire pages save.

One draft per instrument and assignment (`?assignment_id=`; none: a voluntary self-check).
PUT replaces the whole draft with the answers sent; the pages merge a page at a time into the
same row, so a questionnaire begun on the phone resumes on the web and the other way round.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller
from wellbeing.auth.access import roles
from wellbeing.faces.context import catalogue, db
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.faces.screening_text import problem_messages, screening_error_message
from wellbeing.org.models import Role
from wellbeing.screening.errors import InvalidDraft, ScreeningError
from wellbeing.screening.own_drafts import delete_draft, read_draft, write_draft

bp = Blueprint("api_me_drafts", __name__, url_prefix="/api/v1")


@bp.get("/me/drafts/<instrument>")
@roles(Role.OFFICER)
def get_draft(instrument: str) -> ResponseReturnValue:
    """The saved answers of the caller's draft ({} when none); 404 for an instrument not offered."""
    assignment_id = _assignment_id()
    try:
        answers = read_draft(db(), catalogue(), caller(), instrument, assignment_id)
    except ScreeningError as exc:
        raise _api_error(exc) from None
    return jsonify(_draft(instrument, assignment_id, answers))


@bp.put("/me/drafts/<instrument>")
@roles(Role.OFFICER)
def put_draft(instrument: str) -> ResponseReturnValue:
    """Replace the draft with `answers` (item id → option value or null), sealed; 400 naming
    each unknown item and each value that is not an option, with nothing saved."""
    assignment_id = _assignment_id()
    answers = _answers_field()
    try:
        saved = write_draft(db(), catalogue(), caller(), instrument, assignment_id, answers)
        db().commit()
    except ScreeningError as exc:
        db().rollback()
        raise _api_error(exc) from None
    return jsonify(_draft(instrument, assignment_id, saved))


@bp.delete("/me/drafts/<instrument>")
@roles(Role.OFFICER)
def remove_draft(instrument: str) -> ResponseReturnValue:
    """Delete the draft (204, also when there was none)."""
    assignment_id = _assignment_id()
    try:
        delete_draft(db(), catalogue(), caller(), instrument, assignment_id)
        db().commit()
    except ScreeningError as exc:
        db().rollback()
        raise _api_error(exc) from None
    return "", 204


def _draft(instrument: str, assignment_id: int | None, answers: dict[str, Any]) -> dict[str, Any]:
    return {"instrument": instrument, "assignment_id": assignment_id, "answers": answers}


def _assignment_id() -> int | None:
    raw = request.args.get("assignment_id")
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        message = _("Parameter assignment_id must be a whole number.")
        raise ApiError(400, "bad_request", message, field="assignment_id")
    return int(raw)


def _answers_field() -> dict[str, Any]:
    """`answers` from a JSON object body; any other shape is 400 bad_request naming the field."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", _("Please send JSON."))
    body = request.get_json(silent=True)
    answers = body.get("answers") if isinstance(body, dict) else None
    if not isinstance(answers, dict):
        message = _("Send a JSON object whose field answers maps item ids to values.")
        raise ApiError(400, "bad_request", message, field="answers")
    return answers


def _api_error(exc: ScreeningError) -> ApiError:
    details: dict[str, Any] = {}
    if isinstance(exc, InvalidDraft):
        details["items"] = problem_messages(exc.problems)
    return ApiError(status_of(exc), exc.code, screening_error_message(exc), **details)
