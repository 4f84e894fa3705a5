"""Sign-in, server-side sessions, API tokens and database-backed throttling."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record
from wellbeing.auth import passwords
from wellbeing.auth.errors import BadCredentials, Throttled
from wellbeing.auth.models import ApiToken, LoginFailure, WebSession
from wellbeing.core.clock import utcnow
from wellbeing.org.models import User

TOKEN_BYTES = 32  # 256 bits of randomness per session id or API token
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures per account and per address are allowed in a sliding window."""

    window: timedelta = timedelta(minutes=15)
    account_failures: int = 5
    address_failures: int = 20


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
    """Check a username and password, enforcing throttling before any password check."""
    refuse_if_throttled(session, username, address, policy)
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    hash_ = user.password_hash if user is not None else None
    if not passwords.verify_password(hash_, password) or user is None or not user.active:
        session.add(LoginFailure(username=username[:64], address=address[:64]))
        raise BadCredentials
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    return user


def refuse_if_throttled(
    session: Session, username: str, address: str, policy: ThrottlePolicy
) -> None:
    """Raise Throttled when this name or address has too many recent failures."""
    since = utcnow() - policy.window
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    by_account = session.scalar(recent.where(LoginFailure.username == username)) or 0
    by_address = session.scalar(recent.where(LoginFailure.address == address)) or 0
    if by_account >= policy.account_failures or by_address >= policy.address_failures:
        raise Throttled


def start_web_session(session: Session, user: User, address: str | None = None) -> str:
    """Open a new server-side session (a fresh id at every sign-in) and return its raw id;
    audited `auth.login_succeeded` with the client's address (None: not known)."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(WebSession(token_hash=hash_token(raw), user=user))
    _audit_user(session, user, "auth.login_succeeded", channel="web", address=address)
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
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - policy.window))


def record_refused_sign_in(
    session: Session, action: str, username: str, channel: str, address: str
) -> None:
    """Audit a refused sign-in: no actor; the attempted name, the channel and the address."""
    record(
        session,
        actor=None,
        action=action,
        target_type="user",
        target_id=username,
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
