"""Whose submissions a supervisor may break glass into, decided in the referrals domain
(`permissions.may_break_glass`, `break_glass.submission_in_scope`): supervisors whose scope covers
the officer's unit, never their own records; anything else looks absent (None, so 404)."""

from __future__ import annotations

from typing import Any

from wellbeing.referrals.break_glass import submission_in_scope
from wellbeing.referrals.permissions import may_break_glass


def test_a_supervisor_in_scope_may_break_glass(
    db_session: Any, make_user: Any, staff: Any, submit_phq9: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1")
    submission = submit_phq9(officer, [0, 1, 0, 0, 0, 0, 0, 0, 0]).submission
    for name in ("sup", "sup2"):  # ST1 covers ST1-T1, and so does BUR above it
        assert may_break_glass(staff[name], officer)
        assert submission_in_scope(db_session, staff[name], submission.id) is submission


def test_out_of_scope_unknown_or_own_looks_absent(
    db_session: Any, make_user: Any, staff: Any, submit_phq9: Any
) -> None:
    elsewhere = make_user("officer", unit="ST2-T1")
    submission = submit_phq9(elsewhere, [0, 1, 0, 0, 0, 0, 0, 0, 0]).submission
    assert not may_break_glass(staff["sup"], elsewhere)
    assert submission_in_scope(db_session, staff["sup"], submission.id) is None
    assert submission_in_scope(db_session, staff["sup2"], submission.id) is submission
    assert submission_in_scope(db_session, staff["sup"], "no-such-submission") is None

    for counsellor in ("c1", "other"):  # counsellors never break glass, in scope or not
        assert submission_in_scope(db_session, staff[counsellor], submission.id) is None


def test_never_into_ones_own_record(db_session: Any, make_user: Any, submit_phq9: Any) -> None:
    both = make_user("supervisor", unit="ST1", scope="ST1", extra_roles=("officer",))
    own = submit_phq9(both, [0, 1, 0, 0, 0, 0, 0, 0, 0]).submission
    assert not may_break_glass(both, both)
    assert submission_in_scope(db_session, both, own.id) is None
