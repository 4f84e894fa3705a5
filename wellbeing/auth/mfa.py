"""The second factor: TOTP enrolment, verification, single-use recovery codes, reset.

The TOTP secret is sealed (bound to its user); recovery codes are stored as salted SHA-256
hashes (each code carries 50 random bits, so a fast hash with a per-code salt suffices).
Failed codes are counted like failed passwords but under their own key (`otp:<username>`), so
a correct password — which clears password failures — does not reset the count of wrong codes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wellbeing.audit.service import Actor
from wellbeing.audit.service import record as audit
from wellbeing.auth import totp
from wellbeing.auth.errors import BadOtp, NotEnrolled
from wellbeing.auth.models import ApiToken, MfaCredential, RecoveryCode, WebSession
from wellbeing.auth.throttle import (
    ThrottlePolicy,
    clear_failures,
    record_failure,
    refuse_if_throttled,
)
from wellbeing.core.clock import utcnow
from wellbeing.org.models import Role, User

PRIVILEGED = frozenset({Role.COUNSELLOR, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the key as text and as an otpauth URI."""

    secret_text: str
    uri: str


def needs_second_factor(user: User) -> bool:
    """Whether this user's roles call for a second factor (every role but officer)."""
    return bool(user.roles & PRIVILEGED)


def credential_of(session: Session, user: User) -> MfaCredential | None:
    """The user's TOTP credential, confirmed or not."""
    return session.scalars(
        select(MfaCredential).where(MfaCredential.user_id == user.id)
    ).one_or_none()


def is_enrolled(session: Session, user: User) -> bool:
    """Whether the user has a confirmed TOTP credential."""
    found = credential_of(session, user)
    return found is not None and found.confirmed_at is not None


def start_enrolment(session: Session, user: User, issuer: str) -> Enrolment:
    """Create (or show again) the unconfirmed secret; refuses once enrolment is confirmed."""
    found = credential_of(session, user)
    if found is not None and found.confirmed_at is not None:
        raise ValueError("already enrolled; reset the second factor first")
    if found is None:
        found = MfaCredential(user_id=user.id, secret={"key": totp.new_secret().hex()})
        session.add(found)
        session.flush()
    secret = _secret_of(found)
    return Enrolment(totp.to_base32(secret), totp.provisioning_uri(secret, user.username, issuer))


def confirm_enrolment(
    session: Session, user: User, code: str, address: str, policy: ThrottlePolicy
) -> list[str]:
    """Confirm the pending secret with a first code; returns fresh recovery codes (shown once)."""
    found = credential_of(session, user)
    if found is None or found.confirmed_at is not None:
        raise NotEnrolled
    refuse_if_throttled(session, _otp_key(user), address, policy, second_factor=True)
    if not _accept_totp(found, code):
        _fail(session, user, address, "enrolment")
        raise BadOtp
    found.confirmed_at = utcnow()
    codes = _new_recovery_codes(session, user)
    audit(
        session, actor=user, action="auth.mfa_enrolled", target_type="user", target_id=user.username
    )
    return codes


def verify(session: Session, user: User, code: str, address: str, policy: ThrottlePolicy) -> str:
    """Check a TOTP code or a recovery code; returns "totp" or "recovery", else raises BadOtp.

    Throttled (like passwords) before any check; a used recovery code is spent.
    """
    found = credential_of(session, user)
    if found is None or found.confirmed_at is None:
        raise NotEnrolled
    refuse_if_throttled(session, _otp_key(user), address, policy, second_factor=True)
    if _accept_totp(found, code):
        kind = "totp"
    elif _spend_recovery_code(session, user, code):
        kind = "recovery"
        audit(
            session,
            actor=user,
            action="auth.recovery_code_used",
            target_type="user",
            target_id=user.username,
            detail={"left": unused_recovery_codes(session, user)},
        )
    else:
        _fail(session, user, address, "sign_in")
        raise BadOtp
    clear_failures(session, _otp_key(user), address)
    return kind


def replace_recovery_codes(session: Session, user: User) -> list[str]:
    """Issue ten new recovery codes (the old ones stop working); returns them in plain text.
    Audited `auth.recovery_codes_replaced`."""
    codes = _new_recovery_codes(session, user)
    audit(
        session,
        actor=user,
        action="auth.recovery_codes_replaced",
        target_type="user",
        target_id=user.username,
    )
    return codes


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    for code in codes:
        salt = secrets.token_hex(16)
        session.add(RecoveryCode(user_id=user.id, salt=salt, code_hash=_hash_code(salt, code)))
    session.flush()
    return codes


def unused_recovery_codes(session: Session, user: User) -> int:
    """How many recovery codes the user has left."""
    return len(_unused(session, user))


def reset(session: Session, user: User, actor: Actor | None) -> None:
    """Remove a user's second factor (lost phone); they enrol again at the next sign-in."""
    session.execute(delete(MfaCredential).where(MfaCredential.user_id == user.id))
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit(
        session, actor=actor, action="auth.mfa_reset", target_type="user", target_id=user.username
    )


def _secret_of(credential: MfaCredential) -> bytes:
    return bytes.fromhex(str(credential.secret["key"]))


def _accept_totp(credential: MfaCredential, code: str) -> bool:
    now = int(utcnow().timestamp())
    step = totp.matching_step(_secret_of(credential), code, now)
    if step is None or (credential.last_step is not None and step <= credential.last_step):
        return False  # wrong, or already used: a code is good once
    credential.last_step = step
    return True


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash_code(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{_normalise(code)}".encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _unused(session: Session, user: User) -> list[RecoveryCode]:
    return list(
        session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
    )


def _spend_recovery_code(session: Session, user: User, code: str) -> bool:
    if len(_normalise(code)) != 10:
        return False
    match = None
    for stored in _unused(session, user):  # compare all: no early exit on a match
        if hmac.compare_digest(stored.code_hash, _hash_code(stored.salt, code)):
            match = stored
    if match is None:
        return False
    match.used_at = utcnow()
    session.flush()
    return True


def _otp_key(user: User) -> str:
    return f"otp:{user.username}"[:64]


def _fail(session: Session, user: User, address: str, stage: str) -> None:
    record_failure(session, _otp_key(user), address)
    audit(
        session,
        actor=user,
        action="auth.mfa_failed",
        target_type="user",
        target_id=user.username,
        detail={"stage": stage, "address": address},
    )


def mark_done(holder: WebSession | ApiToken) -> None:
    """Record on a web session or API token that the second factor was given."""
    holder.mfa_at = utcnow()
