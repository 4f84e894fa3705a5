"""The second-factor service: enrolment, single use of codes, recovery codes, throttling, reset."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.auth.mfa_helpers import code_now, enrol, secret_of
from wellbeing.audit.models import AuditEntry
from wellbeing.auth import mfa
from wellbeing.auth.errors import BadOtp, NotEnrolled, Throttled
from wellbeing.auth.models import MfaCredential, RecoveryCode
from wellbeing.auth.service import ThrottlePolicy

POLICY = ThrottlePolicy()
ADDRESS = "192.0.2.7"


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.mark.parametrize(
    ("role", "needed"),
    [
        ("officer", False),
        ("counsellor", True),
        ("supervisor", True),
        ("leader", True),
        ("admin", True),
    ],
)
def test_every_role_but_officer_needs_a_second_factor(
    make_user: Any, role: str, needed: bool
) -> None:
    assert mfa.needs_second_factor(make_user(role)) is needed


def test_the_secret_is_sealed_and_shown_again_until_confirmed(
    db_session: Session, make_user: Any, frozen_clock: Any
) -> None:
    user = make_user("counsellor")
    first = mfa.start_enrolment(db_session, user, "Station")
    again = mfa.start_enrolment(db_session, user, "Station")
    assert first == again
    stored = db_session.scalars(select(MfaCredential)).one()
    assert first.secret_text.encode() not in bytes(stored.secret_sealed)
    assert secret_of(db_session, user).hex().encode() not in bytes(stored.secret_sealed)
    assert not mfa.is_enrolled(db_session, user)


def test_enrolment_gives_ten_hashed_single_use_recovery_codes(
    db_session: Session, make_user: Any, frozen_clock: Any
) -> None:
    user = make_user("admin")
    _secret, codes = enrol(db_session, user)
    assert mfa.is_enrolled(db_session, user)
    assert len(codes) == len(set(codes)) == 10
    stored = db_session.scalars(select(RecoveryCode)).all()
    assert len({row.salt for row in stored}) == 10
    assert not any(code in row.code_hash for row in stored for code in codes)
    assert "auth.mfa_enrolled" in _actions(db_session)
    with pytest.raises(ValueError, match="already enrolled"):
        mfa.start_enrolment(db_session, user, "Station")


def test_a_code_is_accepted_once(db_session: Session, make_user: Any, frozen_clock: Any) -> None:
    user = make_user("supervisor", unit="ST1")
    secret, _codes = enrol(db_session, user)
    with pytest.raises(BadOtp):  # the enrolment code of this step cannot be replayed
        mfa.verify(db_session, user, code_now(secret), ADDRESS, POLICY)
    frozen_clock.advance(seconds=30)
    assert mfa.verify(db_session, user, code_now(secret), ADDRESS, POLICY) == "totp"
    with pytest.raises(BadOtp):
        mfa.verify(db_session, user, code_now(secret), ADDRESS, POLICY)
    assert "auth.mfa_failed" in _actions(db_session)


def test_a_recovery_code_works_once_and_is_audited(
    db_session: Session, make_user: Any, frozen_clock: Any
) -> None:
    user = make_user("leader", unit="ST1")
    _secret, codes = enrol(db_session, user)
    assert mfa.verify(db_session, user, codes[3].upper(), ADDRESS, POLICY) == "recovery"
    assert mfa.unused_recovery_codes(db_session, user) == 9
    with pytest.raises(BadOtp):
        mfa.verify(db_session, user, codes[3], ADDRESS, POLICY)
    assert "auth.recovery_code_used" in _actions(db_session)


def test_wrong_codes_are_throttled_and_a_password_sign_in_does_not_reset_them(
    db_session: Session, make_user: Any, frozen_clock: Any
) -> None:
    from wellbeing.auth.service import authenticate

    user = make_user("counsellor")
    secret, _codes = enrol(db_session, user)
    for _ in range(POLICY.second_factor_failures):
        with pytest.raises(BadOtp):
            mfa.verify(db_session, user, "000000", ADDRESS, POLICY)
    authenticate(db_session, user.username, "insecure-test-password", ADDRESS, POLICY)
    frozen_clock.advance(seconds=30)
    with pytest.raises(Throttled):
        mfa.verify(db_session, user, code_now(secret), ADDRESS, POLICY)
    frozen_clock.advance(minutes=16)
    assert mfa.verify(db_session, user, code_now(secret), ADDRESS, POLICY) == "totp"


def test_verify_without_enrolment_says_so(db_session: Session, make_user: Any) -> None:
    with pytest.raises(NotEnrolled):
        mfa.verify(db_session, make_user("admin"), "123456", ADDRESS, POLICY)


def test_reset_removes_the_factor_and_is_audited(
    db_session: Session, make_user: Any, frozen_clock: Any
) -> None:
    user, admin = make_user("counsellor"), make_user("admin")
    enrol(db_session, user)
    mfa.reset(db_session, user, admin)
    assert not mfa.is_enrolled(db_session, user)
    assert db_session.scalars(select(RecoveryCode)).all() == []
    assert "auth.mfa_reset" in _actions(db_session)
