"""The officer's consent through the API: read the statement, agree to a version, withdraw.

The same records as the consent page (`screening.consent`): consent given here lets the web's
questionnaires open, and a withdrawal here stops both.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller
from wellbeing.auth.access import roles
from wellbeing.faces.consent_text import consent_texts
from wellbeing.faces.context import db
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.faces.screening_text import screening_error_message
from wellbeing.org.models import Role
from wellbeing.screening.consent import (
    CONSENT_VERSION,
    accept_consent,
    current_consent,
    withdraw_consent,
)
from wellbeing.screening.errors import ConsentVersionStale
from wellbeing.screening.models import Consent

bp = Blueprint("api_me_consent", __name__, url_prefix="/api/v1")


@bp.get("/me/consent")
@roles(Role.OFFICER)
def get_consent() -> ResponseReturnValue:
    """Whether the caller's consent to the current text stands, and that text in both languages."""
    consent = current_consent(db(), caller())
    return jsonify({**_state(consent), "text": consent_texts()})


@bp.post("/me/consent")
@roles(Role.OFFICER)
def give_consent() -> ResponseReturnValue:
    """Agree to the text version the client showed: 201 when recorded, 200 when it already
    stood (nothing new is recorded), 409 consent_version_stale for any other version."""
    version = _version_field()
    try:
        consent, created = accept_consent(db(), caller(), version)
    except ConsentVersionStale as exc:
        message = screening_error_message(exc)
        raise ApiError(status_of(exc), exc.code, message, current_version=exc.current) from None
    db().commit()
    return jsonify(_state(consent)), 201 if created else 200


@bp.delete("/me/consent")
@roles(Role.OFFICER)
def withdraw() -> ResponseReturnValue:
    """Withdraw consent for future screenings, as the consent page's button does (past results
    stay the officer's own); 204 also when there was none to withdraw."""
    withdraw_consent(db(), caller())
    db().commit()
    return "", 204


def _state(consent: Consent | None) -> dict[str, Any]:
    return {
        "given": consent is not None,
        "version": CONSENT_VERSION,
        "given_at": consent.given_at.isoformat() if consent is not None else None,
    }


def _version_field() -> str:
    """`version` from a JSON object body; anything else is 400 bad_request naming the field."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", _("Please send JSON."))
    body = request.get_json(silent=True)
    version = body.get("version") if isinstance(body, dict) else None
    if not isinstance(version, str) or not version:
        message = _("Send a JSON object with the consent text's version (field version).")
        raise ApiError(400, "bad_request", message, field="version")
    return version
