"""Who is calling, whether they may, and the response headers that keep pages safe."""

from __future__ import annotations

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from wellbeing.auth import service as auth_service
from wellbeing.auth.access import AccessRule, rule_of
from wellbeing.auth.mfa import needs_second_factor
from wellbeing.core.config import Settings
from wellbeing.core.db import read_apart, read_then_write
from wellbeing.faces.context import db, is_api_request, session_policy, settings
from wellbeing.faces.errors import ApiError
from wellbeing.org.models import Role
from wellbeing.web.carry import login_keeping_form

SESSION_KEY = "sid"
# Reachable before the second factor: signing in and out, and the second-factor pages themselves.
MFA_EXEMPT_ENDPOINTS = frozenset(
    {"auth.login", "auth.login_submit", "auth.logout", "auth.switch_language"}
)
MFA_EXEMPT_BLUEPRINTS = frozenset({"mfa"})


def load_user() -> None:
    """Find the caller: a Bearer token on the API, the session cookie on the web (never both)."""
    g.user = None
    if is_api_request():
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() == "bearer" and raw.strip():
            bearer = raw.strip()
            token = read_apart(db(), lambda s: auth_service.load_token(s, bearer))
            g.user = token.user if token else None
            g.mfa_done = token is not None and token.mfa_at is not None
        return
    raw_sid = session.get(SESSION_KEY)
    if isinstance(raw_sid, str):
        policy = session_policy()  # the touch (now and then) is written; a plain read is not
        found = read_then_write(db(), lambda s: auth_service.load_web_session(s, raw_sid, policy))
        if found is None:
            session.pop(SESSION_KEY, None)
        g.user = found.user if found else None
        g.web_session = found
        g.mfa_done = found is not None and found.mfa_at is not None


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
        return refuse_until_second_factor(endpoint, rule)
    if g.user is None:
        if is_api_request():
            abort(401)
        if request.method == "POST":  # a form sent after the session ended is kept, not lost
            return login_keeping_form()
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


def second_factor_pending() -> bool:
    """Whether the caller is privileged, a second factor is required and not yet given."""
    user = g.get("user")
    if user is None or not settings().require_mfa or not needs_second_factor(user):
        return False
    return not g.get("mfa_done", False)


def _needs_second_factor(endpoint: str, rule: AccessRule) -> bool:
    if rule.kind == "public" or (rule.kind == "roles" and rule.roles <= {Role.OFFICER}):
        return False  # anyone's pages, and an officer's own pages, need only the password
    blueprint = endpoint.partition(".")[0] if "." in endpoint else ""
    return endpoint not in MFA_EXEMPT_ENDPOINTS and blueprint not in MFA_EXEMPT_BLUEPRINTS


def refuse_until_second_factor(endpoint: str, rule: AccessRule) -> ResponseReturnValue | None:
    """Privileged pages and API calls wait for the second factor (web: to its page; API: 401)."""
    if not _needs_second_factor(endpoint, rule) or not second_factor_pending():
        return None
    if is_api_request():
        message = _("A one-time code is required: request a token with your code.")
        raise ApiError(401, "otp_required", message)
    return redirect(url_for("mfa.challenge", next=request.full_path.rstrip("?")))


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def add_security_headers(response: Response) -> Response:
    """Headers on every response; nothing but anonymous static files is ever cached.

    HSTS only over HTTPS (with WELLBEING_PROXY_COUNT set, as the proxy reports it).
    """
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS)
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
