"""The second factor on the web: enrol (key as text + otpauth URI), then a code at each sign-in.

These pages are reachable with a password-only session (see `security.MFA_EXEMPT_BLUEPRINTS`);
everything else a privileged user opens waits until `WebSession.mfa_at` is set here.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth import mfa
from wellbeing.auth.access import signed_in
from wellbeing.auth.errors import BadOtp, NotEnrolled, Throttled
from wellbeing.faces.context import (
    client_address,
    current_user,
    db,
    settings,
    throttle_policy,
    writes,
)
from wellbeing.org.models import User
from wellbeing.web.auth_views import safe_next
from wellbeing.web.security import second_factor_pending

bp = Blueprint("mfa", __name__, url_prefix="/mfa")


def _user() -> User:
    user = current_user()
    assert user is not None  # guaranteed by the access rule  # noqa: S101
    return user


def _issuer() -> str:
    return settings().station_name or "Wellbeing"


@bp.get("")
@signed_in
def challenge() -> ResponseReturnValue:
    """Ask for the code from the authenticator app (or a recovery code)."""
    user, next_url = _user(), request.args.get("next", "")
    if not second_factor_pending():
        return redirect(safe_next(next_url))
    if not mfa.is_enrolled(db(), user):
        return redirect(url_for("mfa.enrol", next=next_url))
    return render_template("mfa/challenge.html", next=next_url)


@bp.post("")
@signed_in
def challenge_submit() -> ResponseReturnValue:
    """Check the code; on success this browser session counts as fully signed in."""
    user, next_url = _user(), request.form.get("next", "")
    if not second_factor_pending():
        return redirect(safe_next(next_url))
    try:
        mfa.verify(db(), user, request.form.get("code", ""), client_address(), throttle_policy())
    except NotEnrolled:
        return redirect(url_for("mfa.enrol", next=next_url))
    except Throttled as exc:
        db().commit()
        error = _("Too many attempts. Please wait a few minutes and try again.")
        page = render_template("mfa/challenge.html", next=next_url, error=error)
        return page, 429, {"Retry-After": str(exc.retry_after)}
    except BadOtp:
        db().commit()  # the failure is counted and audited
        error = _("That code is not correct (or was already used). Try the next code.")
        return render_template("mfa/challenge.html", next=next_url, error=error), 401
    mfa.mark_done(g.web_session)
    db().commit()
    return redirect(safe_next(next_url))


@bp.get("/enrol")
@signed_in
@writes
def enrol() -> ResponseReturnValue:
    """Show a new key to add to an authenticator app, and ask for its first code."""
    user, next_url = _user(), request.args.get("next", "")
    if not second_factor_pending():
        return redirect(safe_next(next_url))
    if mfa.is_enrolled(db(), user):
        return redirect(url_for("mfa.challenge", next=next_url))
    enrolment = mfa.start_enrolment(db(), user, _issuer())
    db().commit()
    return render_template("mfa/enrol.html", enrolment=enrolment, next=next_url)


@bp.post("/enrol")
@signed_in
def enrol_submit() -> ResponseReturnValue:
    """Confirm the key with a first code; show the recovery codes once."""
    user, next_url = _user(), request.form.get("next", "")
    if not second_factor_pending():
        return redirect(safe_next(next_url))
    code = request.form.get("code", "")
    try:
        codes = mfa.confirm_enrolment(db(), user, code, client_address(), throttle_policy())
    except NotEnrolled:
        return redirect(url_for("mfa.challenge", next=next_url))
    except (BadOtp, Throttled) as exc:
        db().commit()
        enrolment = mfa.start_enrolment(db(), user, _issuer())
        if isinstance(exc, Throttled):
            error = _("Too many attempts. Please wait a few minutes and try again.")
            status, headers = 429, {"Retry-After": str(exc.retry_after)}
        else:
            error = _("That code is not correct. Check the clock of your phone and try again.")
            status, headers = 401, {}
        page = render_template("mfa/enrol.html", enrolment=enrolment, next=next_url, error=error)
        return page, status, headers
    mfa.mark_done(g.web_session)
    db().commit()
    return render_template("mfa/recovery_codes.html", codes=codes, next=safe_next(next_url))


@bp.post("/recovery-codes")
@signed_in
def replace_codes() -> ResponseReturnValue:
    """Issue ten new recovery codes (the old ones stop working); needs a completed sign-in."""
    user = _user()
    if second_factor_pending() or not mfa.is_enrolled(db(), user):
        return redirect(url_for("mfa.challenge"))
    codes = mfa.replace_recovery_codes(db(), user)
    db().commit()
    return render_template("mfa/recovery_codes.html", codes=codes, next=url_for("home.index"))
