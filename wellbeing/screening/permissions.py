"""Who may reach an officer's screening records (object level; the route rules have checked the
role): an officer reaches only their own. To anyone else a record does not exist (404, so ids
cannot be probed)."""

from __future__ import annotations

from wellbeing.org.models import User
from wellbeing.screening.models import Assignment, AssignmentStatus, Submission


def may_see_result(officer: User, submission: Submission) -> bool:
    """Only the officer who answered sees a result."""
    return submission.officer_id == officer.id


def may_answer(officer: User, assignment: Assignment, instrument_id: str) -> bool:
    """The officer's own assignment, still open, still asking for this instrument."""
    return (
        assignment.officer_id == officer.id
        and assignment.status == AssignmentStatus.PENDING.value
        and instrument_id in assignment.remaining
    )
