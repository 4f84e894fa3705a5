"""Single sign-on pages: OpenID Connect and 企业微信 web OAuth, each a start and a callback.

A start keeps one pending sign-in (random `state`, `nonce`, PKCE verifier) in the browser's
signed session and sends the browser to the provider; the callback takes it out again (so a
replayed `state` finds nothing), lets the provider's answer name a user, and ends in the same
`start_browser_session` as a password sign-in. Routes answer 404 where their provider is not
configured.
"""

from __future__ import annotations

from typing import Any

import httpx
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth import sso_users
from wellbeing.auth.access import public
from wellbeing.auth.errors import Throttled
from wellbeing.auth.sso import HTTP_TIMEOUT, OidcClient, OidcConfig, PendingSignIn, SsoError
from wellbeing.auth.sso import new_pending as new_pending_sign_in
from wellbeing.auth.sso_wecom import authorize_url, userid_for_code
from wellbeing.faces.context import (
    client_address,
    current_user,
    db,
    settings,
    throttle_policy,
    writes,
)
from wellbeing.faces.errors import STATUS_OF_CODE
from wellbeing.notify.wecom import WecomClient
from wellbeing.org.models import User
from wellbeing.web.auth_views import (
    oidc_sign_in_enabled,
    start_browser_session,
    wecom_sign_in_enabled,
)
from wellbeing.web.next_target import relative_target, safe_next

bp = Blueprint("sso", __name__, url_prefix="/login")
PENDING_KEY = "sso_pending"


@bp.get("/sso")
@public
@writes
def oidc_start() -> ResponseReturnValue:
    """Leave for the OpenID provider (authorization code flow with PKCE)."""
    if not oidc_sign_in_enabled():
        abort(404)
    if current_user() is not None:
        return redirect(safe_next(request.args.get("next")))
    pending = _begin("oidc", "sso.oidc_callback")
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT) as http:
            target = OidcClient(_oidc_config(), http).authorization_url(pending)
    except SsoError as exc:
        session.pop(PENDING_KEY, None)
        return _refused(exc.code, sso_users.OIDC)
    return redirect(target)


@bp.get("/sso/callback")
@public
@writes
def oidc_callback() -> ResponseReturnValue:
    """Back from the OpenID provider: check state, redeem the code, verify the ID token."""
    if not oidc_sign_in_enabled():
        abort(404)
    held = _take_pending("oidc")
    try:
        if held is None:
            raise SsoError("sso_state")
        pending, next_url = held
        with httpx.Client(timeout=HTTP_TIMEOUT) as http:
            identity = OidcClient(_oidc_config(), http).finish(pending, request.args)
        user = _match(sso_users.match_by_username, identity.username, sso_users.OIDC)
    except SsoError as exc:
        return _refused(exc.code, sso_users.OIDC)
    except Throttled as exc:
        return _throttled(exc)
    second_factor = identity.second_factor
    return start_browser_session(user, next_url, method="oidc", second_factor=second_factor)


@bp.get("/wecom")
@public
@writes
def wecom_start() -> ResponseReturnValue:
    """Leave for 企业微信's web OAuth (silent inside the 企业微信 app)."""
    if not wecom_sign_in_enabled():
        abort(404)
    if current_user() is not None:
        return redirect(safe_next(request.args.get("next")))
    pending = _begin("wecom", "sso.wecom_callback")
    current = settings()
    return redirect(
        authorize_url(
            current.wecom_oauth_url,
            current.wecom_corp_id,
            current.wecom_agent_id,
            pending.redirect_uri,
            pending.state,
        )
    )


@bp.get("/wecom/callback")
@public
@writes
def wecom_callback() -> ResponseReturnValue:
    """Back from 企业微信: check state, ask who the code stands for, match their userid."""
    if not wecom_sign_in_enabled():
        abort(404)
    held = _take_pending("wecom")
    current = settings()
    client = WecomClient(current.wecom_base_url, current.wecom_corp_id, current.wecom_secret)
    try:
        if held is None:
            raise SsoError("sso_state")
        pending, next_url = held
        userid = userid_for_code(client, pending.check_return(request.args))
        user = _match(sso_users.match_by_wecom_userid, userid, sso_users.WECOM)
    except SsoError as exc:
        return _refused(exc.code, sso_users.WECOM)
    except Throttled as exc:
        return _throttled(exc)
    finally:
        client.close()
    return start_browser_session(user, next_url, method="wecom")


def _oidc_config() -> OidcConfig:
    current = settings()
    amr = frozenset(item.strip() for item in current.oidc_mfa_amr.split(",") if item.strip())
    return OidcConfig(
        issuer=current.oidc_issuer,
        client_id=current.oidc_client_id,
        client_secret=current.oidc_client_secret,
        username_claim=current.oidc_username_claim,
        mfa_amr=amr,
    )


def _callback_url(endpoint: str) -> str:
    """Our callback as the provider must see it (WELLBEING_PUBLIC_URL when set)."""
    public_url = settings().public_url.rstrip("/")
    return public_url + url_for(endpoint) if public_url else url_for(endpoint, _external=True)


def _begin(kind: str, callback: str) -> PendingSignIn:
    """A new pending sign-in, replacing any earlier one of this browser."""
    pending = new_pending_sign_in(_callback_url(callback))
    next_url = relative_target(request.args.get("next")) or ""
    session[PENDING_KEY] = {"kind": kind, "next": next_url, **pending.to_dict()}
    return pending


def _take_pending(kind: str) -> tuple[PendingSignIn, str] | None:
    """The browser's pending sign-in, removed: a state is good for one callback only."""
    raw: Any = session.pop(PENDING_KEY, None)
    if not isinstance(raw, dict) or raw.get("kind") != kind:
        return None
    pending = PendingSignIn.from_dict(raw)
    return None if pending is None else (pending, str(raw.get("next", "")))


def _match(matcher: Any, name: str, channel: str) -> User:
    """Find the user (never create one); throttling and audit as for a password."""
    try:
        user: User = matcher(db(), name, client_address(), throttle_policy())
    except SsoError:
        db().commit()  # the refusal is counted and audited
        raise
    except Throttled:
        sso_users.record_throttled(db(), channel, name, client_address(), throttle_policy())
        db().commit()
        raise
    return user


def _refused(code: str, channel: str) -> ResponseReturnValue:
    if code not in {"sso_unknown_user", "sso_inactive_user"}:  # those are audited by name
        sso_users.record_refused(db(), code, channel, client_address())
        db().commit()
    page = render_template("sso_refused.html", message=_refusal_text(code))
    return page, STATUS_OF_CODE.get(code, 400)


def _throttled(exc: Throttled) -> ResponseReturnValue:
    message = _("Too many attempts. Please wait a few minutes and try again.")
    page = render_template("sso_refused.html", message=message)
    return page, 429, {"Retry-After": str(exc.retry_after)}


def _refusal_text(code: str) -> str:
    texts = {
        "sso_unknown_user": _(
            "You were recognised, but there is no account here for you. "
            "Please ask the station's administrator to add you."
        ),
        "sso_not_member": _(
            "You were recognised, but there is no account here for you. "
            "Please ask the station's administrator to add you."
        ),
        "sso_inactive_user": _(
            "Your account here has been deactivated. Please ask the station's administrator."
        ),
        "sso_state": _(
            "This sign-in was already used or does not belong to this browser. Please start again."
        ),
        "sso_expired": _("This sign-in took too long. Please start again."),
        "sso_denied": _("The sign-in was cancelled at the identity provider."),
        "sso_unavailable": _(
            "The identity provider cannot be reached right now. Please try again later."
        ),
    }
    default = _("The identity provider's answer could not be verified. Please start again.")
    return str(texts.get(code, default))
