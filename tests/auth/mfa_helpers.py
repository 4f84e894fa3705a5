"""Helpers for second-factor tests: enrol a user directly, compute the code of the moment."""

from __future__ import annotations

import base64
import re

from sqlalchemy.orm import Session

from wellbeing.auth import mfa, totp
from wellbeing.auth.service import ThrottlePolicy
from wellbeing.core.clock import utcnow
from wellbeing.org.models import User

SECRET_PATTERN = re.compile(r'id="mfa-secret">([A-Z2-7]+)<')


def secret_of(session: Session, user: User) -> bytes:
    """The user's TOTP key, read the way the service reads it."""
    credential = mfa.credential_of(session, user)
    assert credential is not None
    return bytes.fromhex(credential.secret["key"])


def code_now(secret: bytes) -> str:
    """The authenticator app's code at the service's (frozen) time."""
    return totp.code_at(secret, int(utcnow().timestamp()))


def secret_from_page(page: str) -> bytes:
    """The key shown as text on the enrolment page."""
    match = SECRET_PATTERN.search(page)
    assert match, "no key on the enrolment page"
    text = match.group(1)
    return base64.b32decode(text + "=" * (-len(text) % 8))


def enrol(session: Session, user: User) -> tuple[bytes, list[str]]:
    """Enrol a user through the service; returns the key and the recovery codes."""
    mfa.start_enrolment(session, user, "Test station")
    secret = secret_of(session, user)
    codes = mfa.confirm_enrolment(session, user, code_now(secret), "127.0.0.1", ThrottlePolicy())
    session.flush()
    return secret, codes
