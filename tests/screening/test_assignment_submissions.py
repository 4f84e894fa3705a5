"""Submissions that answer an assignment: progress, refusals, and retries that replay.

The submission path reads the assignment (locked) together with the officer's consent, and
looks the idempotency key up only when a submission cannot be stored as new; these tests pin
what the officer sees in each case.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.facts.models import Fact
from wellbeing.org.models import User
from wellbeing.screening.consent import give_consent, withdraw_consent
from wellbeing.screening.models import Assignment, AssignmentStatus, Submission

GAD7_LOW = {f"q{i}": 0 for i in range(1, 8)}


@pytest.fixture
def assignment(open_wave_for: Any) -> Assignment:
    """The officer's assignment of PHQ-9 and GAD-7 in an open wave of ST1."""
    found: Assignment = open_wave_for(["phq9", "gad7"])
    return found


def _stored(db_session: Session, model: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)))


def test_each_instrument_is_recorded_and_the_last_submits_the_assignment(
    officer: User,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    assignment: Assignment,
    db_session: Session,
) -> None:
    headers = token_for(officer)
    first = post_submission(
        headers, "phq9", phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 0), assignment_id=assignment.id
    )
    assert first.status_code == 201
    db_session.refresh(assignment)
    assert (assignment.done, assignment.status) == (["phq9"], AssignmentStatus.PENDING.value)
    second = post_submission(headers, "gad7", GAD7_LOW, assignment_id=assignment.id)
    assert second.status_code == 201
    db_session.refresh(assignment)
    assert assignment.done == ["phq9", "gad7"]
    assert assignment.status == AssignmentStatus.SUBMITTED.value
    facts = db_session.scalars(select(Fact).where(Fact.wave_id == assignment.wave_id)).all()
    assert sorted(f.instrument_id for f in facts) == ["gad7", "phq9"]
    assert {f.unit_id for f in facts} == {assignment.unit_id}


def test_an_instrument_already_done_is_refused_and_nothing_is_stored(
    officer: User,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    assignment: Assignment,
    db_session: Session,
) -> None:
    headers = token_for(officer)
    answers = phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert post_submission(headers, "phq9", answers, assignment_id=assignment.id).status_code == 201
    again = post_submission(headers, "phq9", answers, assignment_id=assignment.id)  # a new key
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "assignment_unavailable"
    assert _stored(db_session, Submission) == 1


def test_another_officers_assignment_is_refused(
    officer: User,
    make_user: Any,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    assignment: Assignment,
    db_session: Session,
) -> None:
    other = make_user("officer", unit="ST1-T1")
    give_consent(db_session, other)
    db_session.flush()
    response = post_submission(
        token_for(other),
        "phq9",
        phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 0),
        assignment_id=assignment.id,
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "assignment_unavailable"
    assert _stored(db_session, Submission) == 0


def test_without_consent_an_assignment_is_refused_for_consent(
    officer: User,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    assignment: Assignment,
    db_session: Session,
) -> None:
    headers = token_for(officer)
    withdraw_consent(db_session, officer)
    response = post_submission(
        headers, "phq9", phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 0), assignment_id=assignment.id
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "consent_required"
    assert _stored(db_session, Submission) == 0


def test_a_retry_after_the_assignment_is_done_replays_the_original(
    officer: User,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    assignment: Assignment,
    db_session: Session,
) -> None:
    headers = token_for(officer)
    answers = phq9_answers(2, 2, 2, 2, 2, 2, 2, 2, 0)
    first = post_submission(
        headers, "phq9", answers, key="retry-assign-1", assignment_id=assignment.id
    )
    retry = post_submission(
        headers, "phq9", answers, key="retry-assign-1", assignment_id=assignment.id
    )
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.get_json() == first.get_json()
    other = post_submission(
        headers,
        "phq9",
        phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 0),
        key="retry-assign-1",
        assignment_id=assignment.id,
    )
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_conflict"
    assert _stored(db_session, Submission) == 1


def test_a_concurrent_request_that_stored_the_key_first_is_replayed(
    officer: User,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    assignment: Assignment,
    db_session: Session,
) -> None:
    """The race the unique (officer, key) constraint decides: another request with the same key
    was stored after this one's checks passed (simulated by storing it first while leaving the
    assignment pending). The loser's work is rolled back and it answers as a replay."""
    headers = token_for(officer)
    answers = phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 0)
    winner = post_submission(headers, "phq9", answers, key="raced-key-01")  # voluntary, no wave
    assert winner.status_code == 201
    loser = post_submission(
        headers, "phq9", answers, key="raced-key-01", assignment_id=assignment.id
    )
    assert loser.status_code == 200
    assert loser.get_json() == winner.get_json()
    db_session.refresh(assignment)
    assert assignment.done == []  # the loser's progress was rolled back with it
    assert _stored(db_session, Submission) == 1
    assert _stored(db_session, Fact) == 0


def test_a_rise_since_the_previous_submission_refers_on_both_paths(
    officer: User,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    assignment: Assignment,
) -> None:
    """questionnaires/rules/change.yaml: a PHQ-9 or GAD-7 total 5 or more above the officer's
    previous one opens a routine referral (totals of 5 are below every severity rule). The
    previous total is read on its own for a voluntary check and together with the assignment
    otherwise; both must find it."""
    headers = token_for(officer)
    first = post_submission(headers, "phq9", phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert (first.status_code, first.get_json()["referral"]) == (201, None)
    voluntary = post_submission(headers, "phq9", phq9_answers(1, 1, 1, 1, 1, 0, 0, 0, 0))
    assert voluntary.get_json()["result"]["total"] == 5
    assert voluntary.get_json()["referral"]["priority"] == "routine"

    assert post_submission(headers, "gad7", GAD7_LOW).get_json()["referral"] is None
    five = {f"q{i}": 1 if i <= 5 else 0 for i in range(1, 8)}
    in_wave = post_submission(headers, "gad7", five, assignment_id=assignment.id)
    assert in_wave.status_code == 201
    assert in_wave.get_json()["result"]["total"] == 5
    assert in_wave.get_json()["referral"]["priority"] == "routine"
