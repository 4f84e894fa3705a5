"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth import service as auth_service
from wellbeing.auth.access import public, signed_in
from wellbeing.auth.errors import BadCredentials, Throttled
from wellbeing.faces.context import client_address, current_user, db, settings, throttle_policy
from wellbeing.org.models import LOCALES, User
from wellbeing.web.carry import carried_fields, continue_page
from wellbeing.web.next_target import relative_target
from wellbeing.web.next_target import safe_next as safe_next  # other pages import it here
from wellbeing.web.security import SESSION_KEY

bp = Blueprint("auth", __name__)


def oidc_sign_in_enabled() -> bool:
    """Whether an OpenID provider is configured."""
    current = settings()
    return bool(current.oidc_issuer and current.oidc_client_id)


def wecom_sign_in_enabled() -> bool:
    """Whether 企业微信 is configured (corp id, agent id and secret)."""
    current = settings()
    return bool(current.wecom_corp_id and current.wecom_agent_id and current.wecom_secret)


def sign_in_options() -> dict[str, bool]:
    """Which ways to sign in the login page offers."""
    return {
        "password_login": settings().password_login,
        "oidc_login": oidc_sign_in_enabled(),
        "wecom_login": wecom_sign_in_enabled(),
    }


@bp.get("/login")
@public
def login() -> ResponseReturnValue:
    """The sign-in form."""
    next_url = relative_target(request.args.get("next")) or ""
    if current_user() is not None:
        return redirect(safe_next(next_url))
    if next_url and "wxwork" in request.user_agent.string.lower() and wecom_sign_in_enabled():
        # opened from the 企业微信 workbench: sign in there without a password
        return redirect(url_for("sso.wecom_start", next=next_url))
    return render_template("login.html", next=next_url, **sign_in_options())


@bp.post("/login")
@public
def login_submit() -> ResponseReturnValue:
    """Check credentials, then start a fresh server-side session."""
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    next_url = relative_target(request.form.get("next")) or ""
    carried = carried_fields(request.form)  # a form kept from before the session ended
    if not settings().password_login:
        message = _("Sign-in with a password is switched off here. Use single sign-on.")
        page = render_template("login.html", error=message, next=next_url, **sign_in_options())
        return page, 403
    try:
        user = auth_service.authenticate(
            db(), username, password, client_address(), throttle_policy()
        )
    except Throttled as exc:
        _record_failure("auth.login_throttled", username)
        db().commit()
        message = _("Too many attempts. Please wait a few minutes and try again.")
        page = render_template(
            "login.html",
            error=message,
            next=next_url,
            username=username,
            carried=carried,
            **sign_in_options(),
        )
        return page, 429, {"Retry-After": str(exc.retry_after)}
    except BadCredentials:
        _record_failure("auth.login_failed", username)
        db().commit()
        message = _("The username or password is not correct.")
        page = render_template(
            "login.html",
            error=message,
            next=next_url,
            username=username,
            carried=carried,
            **sign_in_options(),
        )
        return page, 401
    return start_browser_session(user, next_url, carried)


def start_browser_session(
    user: User,
    next_url: str,
    carried: list[tuple[str, str]] | None = None,
    *,
    method: str | None = None,
    second_factor: bool = False,
) -> ResponseReturnValue:
    """Every sign-in (password or single sign-on) ends here: a fresh server-side session and a
    fresh cookie (nothing carried over but the language), audited by the service."""
    chosen_language = session.get("lang")
    if chosen_language in LOCALES:  # a language picked on the sign-in page is kept
        user.locale = chosen_language
    raw = auth_service.start_web_session(
        db(), user, client_address(), method=method, second_factor=second_factor
    )
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
    auth_service.record_refused_sign_in(
        db(), action, username, "web", client_address(), throttle_policy()
    )


@bp.post("/logout")
@signed_in
def logout() -> ResponseReturnValue:
    """Sign out: every session of this user ends, so a copied cookie stops working too."""
    user = current_user()
    if user is not None:
        auth_service.end_web_sessions(db(), user)
        db().commit()
    chosen_language = session.get("lang")
    session.clear()
    if chosen_language in LOCALES:  # the switch stays after signing out
        session["lang"] = chosen_language
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
