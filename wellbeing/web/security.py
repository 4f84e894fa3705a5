"""Who is calling, whether they may, and the response headers that keep pages safe."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from wellbeing.auth import service as auth_service
from wellbeing.auth.access import rule_of
from wellbeing.config import Settings
from wellbeing.web.carry import login_keeping_form
from wellbeing.web.context import db, is_api_request, settings

SESSION_KEY = "sid"


def session_policy() -> auth_service.SessionPolicy:
    """Idle and absolute session lifetimes from the settings."""
    current = settings()
    return auth_service.SessionPolicy(
        idle=timedelta(minutes=current.session_idle_minutes),
        absolute=timedelta(hours=current.session_absolute_hours),
    )


def throttle_policy() -> auth_service.ThrottlePolicy:
    """Sign-in throttling limits from the settings."""
    current = settings()
    return auth_service.ThrottlePolicy(
        window=timedelta(minutes=current.throttle_window_minutes),
        account_failures=current.throttle_account_failures,
        address_failures=current.throttle_address_failures,
    )


def load_user() -> None:
    """Find the caller: a Bearer token on the API, the session cookie on the web (never both)."""
    g.user = None
    if is_api_request():
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() == "bearer" and raw.strip():
            token = auth_service.load_token(db(), raw.strip())
            g.user = token.user if token else None
        return
    raw_sid = session.get(SESSION_KEY)
    if isinstance(raw_sid, str):
        found = auth_service.load_web_session(db(), raw_sid, session_policy())
        db().commit()
        if found is None:
            session.pop(SESSION_KEY, None)
        g.user = found.user if found else None


def enforce_access_rule() -> ResponseReturnValue | None:
    """Deny by default: a route without a declared rule is refused; otherwise apply its rule."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None
    rule = rule_of(current_app.view_functions[endpoint])
    if rule is None:
        current_app.logger.error("route %s declares no access rule; refused", endpoint)
        abort(403)
    if rule.allows(g.user):
        return None
    if g.user is None:
        if is_api_request():
            abort(401)
        if request.method == "POST":  # a form sent after the session ended is kept, not lost
            return login_keeping_form()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def add_security_headers(response: Response) -> Response:
    """Headers on every response; pages for signed-in users are never cached."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if g.get("user") is not None or request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask) -> None:
    """Install the proxy fix (only when configured) and the request hooks."""
    proxies = settings_of(app).proxy_count
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    app.before_request(load_user)
    app.before_request(enforce_access_rule)
    app.after_request(add_security_headers)


def settings_of(app: Flask) -> Settings:
    """The settings of an app outside a request."""
    value: Settings = app.extensions["wellbeing.settings"]
    return value
