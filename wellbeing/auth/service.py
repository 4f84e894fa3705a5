"""Sign-in, server-side sessions and API tokens; throttling lives in wellbeing/auth/throttle.py."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record
from wellbeing.auth import passwords
from wellbeing.auth.errors import BadCredentials
from wellbeing.auth.models import ApiToken, LoginFailure, WebSession
from wellbeing.auth.throttle import ThrottlePolicy as ThrottlePolicy  # used by the faces
from wellbeing.auth.throttle import (
    clear_failures,
    record_failure,
    refuse_if_throttled,
    stored_name,
    unknown_name,
)
from wellbeing.core.clock import utcnow
from wellbeing.org.models import User

TOKEN_BYTES = 32  # 256 bits of randomness per session id or API token
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionPolicy:
    """Idle and absolute lifetimes of a web session."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)


def hash_token(raw: str) -> str:
    """The stored form of a session id or token (SHA-256: the raw value has 256 bits)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def authenticate(
    session: Session, username: str, password: str, address: str, policy: ThrottlePolicy
) -> User:
    """Check a username and password, enforcing throttling before any password check.

    A failure is counted under the account's name, or a keyed hash of a name that is no
    account; a success forgets this address's failures for the account only.
    """
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    name = user.username if user is not None else unknown_name(username, policy)
    refuse_if_throttled(session, name, address, policy)
    hash_ = user.password_hash if user is not None else None
    if not passwords.verify_password(hash_, password) or user is None or not user.active:
        record_failure(session, name, address)
        raise BadCredentials
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    clear_failures(session, name, address)
    return user


def start_web_session(
    session: Session,
    user: User,
    address: str | None = None,
    *,
    method: str | None = None,
    second_factor: bool = False,
) -> str:
    """Open a new server-side session (a fresh id at every sign-in) and return its raw id;
    audited `auth.login_succeeded` with the client's address (None: not known).

    `method` names a single sign-on (`oidc`, `wecom`; None: the password); `second_factor`
    records that the identity provider asserted a second factor, so none is asked here.
    """
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    found = WebSession(token_hash=hash_token(raw), user=user)
    found.mfa_at = utcnow() if second_factor else None
    session.add(found)
    detail = {"channel": "web", "address": address}
    if method is not None:
        detail |= {"method": method, "second_factor": "yes" if second_factor else "no"}
    _audit_user(session, user, "auth.login_succeeded", **detail)
    return raw


def load_web_session(session: Session, raw: str, policy: SessionPolicy) -> WebSession | None:
    """The live session for a raw id, touched; None when unknown, idle, too old or inactive."""
    found = session.scalars(
        select(WebSession).where(WebSession.token_hash == hash_token(raw))
    ).one_or_none()
    if found is None:
        return None
    now = utcnow()
    expired = now - found.last_seen_at > policy.idle or now - found.created_at > policy.absolute
    if expired or not found.user.active:
        session.delete(found)
        return None
    if now - found.last_seen_at > TOUCH_INTERVAL:  # avoid a write on every request
        found.last_seen_at = now
    return found


def end_web_session(session: Session, raw: str) -> None:
    """Sign out one browser."""
    session.execute(delete(WebSession).where(WebSession.token_hash == hash_token(raw)))


def end_web_sessions(session: Session, user: User) -> None:
    """Sign a user out of every browser (logout ends all of that user's sessions); audited
    `auth.logout`."""
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    _audit_user(session, user, "auth.logout", channel="web")


def end_all_access(session: Session, user: User) -> None:
    """End every web session and API token of a user (logout everywhere, deactivation)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def issue_token(
    session: Session,
    user: User,
    ttl: timedelta,
    *,
    second_factor: bool = False,
    address: str | None = None,
) -> tuple[str, datetime]:
    """Create an API token; only its hash is stored. Returns the raw token and its expiry.

    `second_factor` records that a one-time code was given to obtain it. Audited
    `auth.token_issued` with the client's address (None: not known).
    """
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    expires_at = now + ttl
    token = ApiToken(token_hash=hash_token(raw), user=user, expires_at=expires_at)
    token.mfa_at = now if second_factor else None
    session.add(token)
    _audit_user(session, user, "auth.token_issued", channel="api", address=address)
    return raw, expires_at


def load_token(session: Session, raw: str) -> ApiToken | None:
    """The live token for a raw value; None when unknown, expired or the user is inactive."""
    found = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw))
    ).one_or_none()
    if found is None or found.expires_at <= utcnow() or not found.user.active:
        return None
    return found


def revoke_token(session: Session, user: User, raw: str) -> None:
    """Revoke one of the user's own API tokens; audited `auth.token_revoked`."""
    session.execute(
        delete(ApiToken).where(ApiToken.token_hash == hash_token(raw), ApiToken.user_id == user.id)
    )
    _audit_user(session, user, "auth.token_revoked", channel="api")


def purge_expired(session: Session, policy: ThrottlePolicy, sessions: SessionPolicy) -> None:
    """Delete expired tokens, stale sessions and old failure records (a scheduled job)."""
    now = utcnow()
    session.execute(delete(ApiToken).where(ApiToken.expires_at <= now))
    session.execute(delete(WebSession).where(WebSession.last_seen_at < now - sessions.idle))
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - policy.kept_for))


def record_refused_sign_in(
    session: Session, action: str, username: str, channel: str, address: str, policy: ThrottlePolicy
) -> None:
    """Audit a refused sign-in: no actor; the name tried (a keyed hash when it is no account),
    the channel and the address."""
    record(
        session,
        actor=None,
        action=action,
        target_type="user",
        target_id=stored_name(session, username, policy),
        detail={"channel": channel, "address": address},
    )


def _audit_user(session: Session, user: User, action: str, **detail: str | None) -> None:
    """Audit what a user did to their own access (target: the user)."""
    record(
        session,
        actor=user,
        action=action,
        target_type="user",
        target_id=user.username,
        detail=detail,
    )
