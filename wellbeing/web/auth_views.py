"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth import service as auth_service
from wellbeing.auth.access import public, signed_in
from wellbeing.auth.errors import BadCredentials, Throttled
from wellbeing.faces.context import client_address, current_user, db, throttle_policy
from wellbeing.org.models import LOCALES
from wellbeing.web.carry import carried_fields, continue_page
from wellbeing.web.security import SESSION_KEY

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.get("/login")
@public
def login() -> ResponseReturnValue:
    """The sign-in form."""
    if current_user() is not None:
        return redirect(safe_next(request.args.get("next")))
    return render_template("login.html", next=request.args.get("next", ""))


@bp.post("/login")
@public
def login_submit() -> ResponseReturnValue:
    """Check credentials, then start a fresh server-side session."""
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    carried = carried_fields(request.form)  # a form kept from before the session ended
    try:
        user = auth_service.authenticate(
            db(), username, password, client_address(), throttle_policy()
        )
    except Throttled:
        _record_failure("auth.login_throttled", username)
        db().commit()
        message = _("Too many attempts. Please wait a few minutes and try again.")
        page = render_template(
            "login.html", error=message, next=next_url, username=username, carried=carried
        )
        return page, 429
    except BadCredentials:
        _record_failure("auth.login_failed", username)
        db().commit()
        message = _("The username or password is not correct.")
        page = render_template(
            "login.html", error=message, next=next_url, username=username, carried=carried
        )
        return page, 401
    chosen_language = session.get("lang")
    if chosen_language in LOCALES:  # a language picked on the sign-in page is kept
        user.locale = chosen_language
    raw = auth_service.start_web_session(db(), user, client_address())
    db().commit()
    session.clear()  # a fresh session at sign-in: nothing carried over but the language
    session.permanent = True
    session[SESSION_KEY] = raw
    if chosen_language in LOCALES:
        session["lang"] = chosen_language
    if carried:
        return continue_page(safe_next(next_url), carried)
    return redirect(safe_next(next_url))


def _record_failure(action: str, username: str) -> None:
    auth_service.record_refused_sign_in(db(), action, username, "web", client_address())


@bp.post("/logout")
@signed_in
def logout() -> ResponseReturnValue:
    """Sign out: every session of this user ends, so a copied cookie stops working too."""
    user = current_user()
    if user is not None:
        auth_service.end_web_sessions(db(), user)
        db().commit()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("auth.login"))


@bp.post("/lang")
@public
def switch_language() -> ResponseReturnValue:
    """Switch between 中文 and English; remembered on the account when signed in."""
    lang = request.form.get("lang", "")
    if lang in LOCALES:
        session["lang"] = lang
        user = current_user()
        if user is not None:
            user.locale = lang
            db().commit()
    return redirect(safe_next(request.form.get("next")))
