"""API sign-in: tokens and the caller's own profile."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller, json_body, require_string
from wellbeing.auth import mfa
from wellbeing.auth import service as auth_service
from wellbeing.auth.access import public, signed_in
from wellbeing.auth.errors import BadCredentials, BadOtp, Throttled
from wellbeing.faces.context import client_address, db, settings, throttle_policy
from wellbeing.faces.errors import ApiError
from wellbeing.org.models import User

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1")


@bp.post("/auth/token")
@public
def issue_token() -> ResponseReturnValue:
    """Exchange a username and password (and, for privileged roles, `otp`) for a bearer token."""
    if not settings().password_login:  # no password is accepted anywhere once switched off
        message = _("Sign-in with a password is switched off here. Use single sign-on.")
        raise ApiError(403, "password_login_off", message)
    body = json_body()
    username, password = require_string(body, "username"), require_string(body, "password")
    try:
        user = auth_service.authenticate(
            db(), username, password, client_address(), throttle_policy()
        )
    except Throttled as exc:
        _record_failure("auth.login_throttled", username)
        db().commit()
        return _too_many_attempts(exc)
    except BadCredentials:
        _record_failure("auth.login_failed", username)
        db().commit()
        raise ApiError(
            401, "bad_credentials", _("The username or password is not correct.")
        ) from None
    try:
        second_factor = _check_second_factor(user, body)
    except Throttled as exc:
        db().commit()
        return _too_many_attempts(exc)
    ttl = timedelta(hours=settings().token_ttl_hours)
    raw, expires_at = auth_service.issue_token(
        db(), user, ttl, second_factor=second_factor, address=client_address()
    )
    db().commit()
    return jsonify({"token": raw, "expires_at": expires_at.isoformat()}), 201


def _check_second_factor(user: User, body: dict[str, Any]) -> bool:
    """For privileged users when MFA is required: check `otp` (a code or a recovery code)."""
    if not settings().require_mfa or not mfa.needs_second_factor(user):
        return False
    if not mfa.is_enrolled(db(), user):
        db().commit()  # the correct password cleared its failure count
        message = _("Set up the second step of sign-in on the web first.")
        raise ApiError(403, "mfa_enrolment_required", message)
    code = body.get("otp")
    if not isinstance(code, str) or not code.strip():
        db().commit()  # the correct password cleared its failure count
        raise ApiError(401, "otp_required", _("A one-time code is required (field otp)."))
    try:
        mfa.verify(db(), user, code, client_address(), throttle_policy())
    except BadOtp:
        db().commit()  # the failure is counted and audited
        raise ApiError(401, "bad_otp", _("The one-time code is not correct.")) from None
    return True


def _too_many_attempts(exc: Throttled) -> ResponseReturnValue:
    """429 with the seconds to wait in `Retry-After`."""
    message = _("Too many attempts. Please wait a few minutes.")
    body = {"error": {"code": "too_many_attempts", "message": message}}
    return jsonify(body), 429, {"Retry-After": str(exc.retry_after)}


def _record_failure(action: str, username: str) -> None:
    auth_service.record_refused_sign_in(
        db(), action, username, "api", client_address(), throttle_policy()
    )


@bp.delete("/auth/token")
@signed_in
def revoke_token() -> ResponseReturnValue:
    """Revoke the token this request was made with."""
    raw = request.headers.get("Authorization", "").partition(" ")[2].strip()
    auth_service.revoke_token(db(), caller(), raw)
    db().commit()
    return "", 204


@bp.get("/me")
@signed_in
def me() -> ResponseReturnValue:
    """The caller's profile and roles."""
    user = caller()
    roles = [
        {"role": grant.role, "scope": grant.scope_unit.code if grant.scope_unit else None}
        for grant in sorted(user.grants, key=lambda g: (g.role, g.scope_unit_id or 0))
    ]
    return jsonify(
        {
            "username": user.username,
            "display_name": user.display_name,
            "roles": roles,
            "unit": user.unit.code,
            "locale": user.locale,
        }
    )
