"""Who a single sign-on names: an existing, active user, matched and never created.

The same throttling as a password sign-in applies (wellbeing/auth/throttle.py: per account and
address, then the account's ceiling and the address's), a refusal counts as a failure and is
audited `auth.login_failed` with the channel and the address only (no other claim of the
provider), and a success forgets this address's failures for the account, as a correct password
does. A name or 企业微信 userid that is no account is kept only as a keyed hash.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record
from wellbeing.auth.sso import SsoError
from wellbeing.auth.throttle import (
    ThrottlePolicy,
    clear_failures,
    record_failure,
    refuse_if_throttled,
    unknown_name,
)
from wellbeing.org.models import User

OIDC = "oidc"
WECOM = "wecom"


def match_by_username(
    session: Session, username: str, address: str, policy: ThrottlePolicy
) -> User:
    """The active user with this username (from the provider's username claim); else SsoError
    `sso_unknown_user` / `sso_inactive_user`, or Throttled."""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    name = stored_sso_name(user, OIDC, username, policy)
    refuse_if_throttled(session, name, address, policy)
    return _accept(session, user, name, OIDC, address)


def match_by_wecom_userid(
    session: Session, wecom_userid: str, address: str, policy: ThrottlePolicy
) -> User:
    """The active user whose 企业微信 userid this is; else SsoError or Throttled."""
    user = session.scalars(select(User).where(User.wecom_userid == wecom_userid)).one_or_none()
    name = stored_sso_name(user, WECOM, wecom_userid, policy)
    refuse_if_throttled(session, name, address, policy)
    return _accept(session, user, name, WECOM, address)


def stored_sso_name(user: User | None, channel: str, tried: str, policy: ThrottlePolicy) -> str:
    """What failures and audit entries keep: the account's name, else a keyed hash of what the
    provider named (a 企业微信 userid hashed apart from usernames)."""
    if user is not None:
        return user.username
    return unknown_name(f"wecom:{tried}" if channel == WECOM else tried, policy)


def record_throttled(
    session: Session, channel: str, tried: str, address: str, policy: ThrottlePolicy
) -> None:
    """Audit `auth.login_throttled` for a single sign-on, naming whom it tried as a failure
    would (the account's name, or the keyed hash)."""
    if channel == WECOM:
        query = select(User).where(User.wecom_userid == tried)
    else:
        query = select(User).where(User.username == tried)
    name = stored_sso_name(session.scalars(query).one_or_none(), channel, tried, policy)
    _audit(session, "auth.login_throttled", name, channel, address)


def record_refused(session: Session, code: str, channel: str, address: str) -> None:
    """Audit a single sign-on that failed before anyone was named (bad state, token, provider):
    `auth.sso_failed` with the reason code, the channel and the address."""
    record(
        session,
        actor=None,
        action="auth.sso_failed",
        target_type="user",
        target_id="-",
        detail={"channel": channel, "address": address, "reason": code},
    )


def _accept(session: Session, user: User | None, name: str, channel: str, address: str) -> User:
    if user is None or not user.active:
        record_failure(session, name, address)
        _audit(session, "auth.login_failed", name, channel, address)
        raise SsoError("sso_unknown_user" if user is None else "sso_inactive_user")
    clear_failures(session, name, address)
    return user


def _audit(session: Session, action: str, name: str, channel: str, address: str) -> None:
    record(
        session,
        actor=None,
        action=action,
        target_type="user",
        target_id=name[:64],
        detail={"channel": channel, "address": address},
    )
