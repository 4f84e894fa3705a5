"""Errors become JSON on the API and friendly pages on the web; never a stack trace."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any, Protocol

from flask import Flask, g, jsonify, make_response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from wellbeing.core.db import writing
from wellbeing.crypto import CryptoError
from wellbeing.crypto.errors import UNREADABLE_ERRORS
from wellbeing.faces.context import is_api_request

MESSAGES: dict[int, tuple[str, Any]] = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("Please sign in; the credentials given were not recognised.")),
    403: ("forbidden", _l("You do not have access to this.")),
    404: ("not_found", _l("This page or record does not exist.")),
    405: ("method_not_allowed", _l("This action is not allowed here.")),
    409: ("conflict", _l("This conflicts with the current state.")),
    413: ("too_large", _l("What was sent is too large.")),
    415: ("unsupported_media_type", _l("Please send JSON.")),
    422: ("invalid", _l("Some of what was sent is not valid.")),
    429: ("too_many_attempts", _l("Too many attempts. Please wait a few minutes and try again.")),
    500: ("server_error", _l("Something went wrong on our side. Please try again later.")),
    503: ("unavailable", _l("The service is briefly unavailable. Please try again shortly.")),
}


# Services name what went wrong with a reason code and know nothing of HTTP; this one table says
# which status each code is, for the pages and the API alike (a test checks every code is here).
STATUS_OF_CODE: dict[str, int] = {
    # screening
    "invalid": 422,
    "instrument_not_offered": 404,
    "consent_required": 403,
    "assignment_unavailable": 409,
    "idempotency_conflict": 409,
    "invalid_answers": 422,
    "invalid_campaign": 422,
    "consent_version_stale": 409,
    "invalid_draft": 400,
    # referrals
    "already_claimed": 409,
    "wrong_state": 409,
    "queue_empty": 404,
    "break_glass_refused": 422,
    "risk_assessment_required": 409,
    "not_reviewable": 409,
    # retention
    "erasure_refused": 409,
    # library
    "attachment_refused": 422,
    # appointments
    "slot_taken": 409,
    "appointment_closed": 409,
    # group sessions
    "already_signed_up": 409,
    "not_signed_up": 404,
    "session_started": 409,
    "not_signed_up_person": 422,
    "feedback_closed": 409,
    # single sign-on (wellbeing/auth/sso.py): matched users only, each state used once
    "sso_state": 400,
    "sso_expired": 400,
    "sso_denied": 400,
    "sso_code_refused": 401,
    "sso_bad_token": 401,
    "sso_no_username": 401,
    "sso_unknown_user": 403,
    "sso_inactive_user": 403,
    "sso_not_member": 403,
    "sso_unavailable": 502,
    "password_login_off": 403,
}


class ServiceError(Protocol):
    """What a service error shows the faces: its reason code."""

    code: str


def status_of(error: ServiceError) -> int:
    """The HTTP status of a service error's reason code (422 for a code not in the table)."""
    return STATUS_OF_CODE.get(error.code, 422)


class ApiError(Exception):
    """An error with a status, a stable code and a message in the user's language."""

    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def json_error(status: int, code: str, message: str, **details: Any) -> ResponseReturnValue:
    """The API's error body: {"error": {"code", "message", …details}}."""
    return jsonify({"error": {"code": code, "message": message, **details}}), status


def _respond(status: int, message: str | None = None) -> ResponseReturnValue:
    code, default = MESSAGES.get(status, MESSAGES[500])
    text = message or str(default)
    if is_api_request():
        return json_error(status, code, text)
    return render_template("error.html", status=status, message=text), status


RETRY_AFTER_SECONDS = 5
# Errors that mean "the database cannot be reached now", not "this request is wrong".
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)


def database_unavailable(exc: BaseException) -> bool:
    """Whether an exception means the database is unreachable (or busy), so 503 and retry."""
    if isinstance(exc, UNAVAILABLE):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def _unavailable() -> ResponseReturnValue:
    """503 in the user's language, touching the database no more in this request."""
    user = g.get("user")
    # the locale as loaded, without a lazy load: the session's objects are expired or broken
    locale = sa_inspect(user).dict.get("locale") if user is not None else None
    g.user = None
    session = g.pop("db_session", None)
    if session is not None:
        session.close()  # gives the (possibly dead) connection back; nothing was committed
    with force_locale(locale) if locale else nullcontext():
        response = make_response(_respond(503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_errors(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> ResponseReturnValue:
        return json_error(exc.status, exc.code, exc.message, **exc.details)

    @app.errorhandler(CSRFError)
    def _csrf_error(_exc: CSRFError) -> ResponseReturnValue:
        return _respond(400, str(_l("This form has expired. Please go back and try again.")))

    for error in UNREADABLE_ERRORS:
        app.register_error_handler(error, lambda exc: _report_unreadable(app, exc))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> ResponseReturnValue:
        return _respond(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        if database_unavailable(exc):
            # nothing was committed: the request's transaction dies with its connection
            cause = type(getattr(exc, "orig", None) or exc).__name__
            app.logger.warning("database unavailable (%s): answered 503", cause)
            return _unavailable()
        app.logger.error("unhandled %s on request", type(exc).__name__)
        return _respond(InternalServerError.code)


UNREADABLE_STATUS = 409  # the record exists but cannot be opened now; not a server crash


def _report_unreadable(app: Flask, exc: CryptoError) -> ResponseReturnValue:
    """A clear message and an audit event for one record that cannot be opened."""
    from wellbeing.audit.service import record as audit
    from wellbeing.faces.context import current_user, db

    app.logger.error("unreadable sealed record in %s (%s)", exc.table, type(exc).__name__)
    try:
        db().rollback()
        with writing(db()):  # a GET's session only reads: this entry gets a write transaction
            audit(
                db(),
                actor=current_user(),
                action="crypto.record_unreadable",
                target_type=(exc.table or "unknown")[:32],
                target_id=exc.record_id or "unknown",
                detail={"error": type(exc).__name__},
            )
    except Exception:  # the message to the user matters more than the audit entry
        app.logger.error("could not audit the unreadable record")
        db().rollback()
    message = str(
        _l(
            "This record cannot be opened right now. The station's administrator has been "
            "told; your other records are not affected."
        )
    )
    if is_api_request():
        return json_error(UNREADABLE_STATUS, "record_unreadable", message)
    return render_template("error.html", status=UNREADABLE_STATUS, message=message), 409
