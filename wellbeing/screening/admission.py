"""What a submission is checked against before anything is written, read in as few statements as
possible: the officer's standing consent, the assignment it answers (locked until the
transaction ends), and the total of the officer's previous submission of the instrument (for
"rise" rules).

With an assignment — a wave's submissions, nearly all of them — the three come from one
statement; a voluntary check takes two. The statements are built once, not per request:
building a statement costs the app more than the database spends running it (profile in
docs/deployment.md §11).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, true
from sqlalchemy.orm import Session

from wellbeing.screening.consent import has_consented, standing
from wellbeing.screening.models import Assignment, AssignmentStatus, Submission
from wellbeing.screening.progress import OpenAssignment

_ASSIGNMENTS = cast(Table, Assignment.__table__)
_SUBMISSIONS = cast(Table, Submission.__table__)

# The officer's previous submission of the instrument: one seek of the history index, newest
# first (migration 0134; tests/screening/test_admission_plan.py checks both statements' plans).
PREVIOUS = (
    select(_SUBMISSIONS.c.id, _SUBMISSIONS.c.officer_id, _SUBMISSIONS.c.payload_sealed)
    .where(
        _SUBMISSIONS.c.officer_id == bindparam("officer_id"),
        _SUBMISSIONS.c.instrument_id == bindparam("instrument_id"),
    )
    .order_by(_SUBMISSIONS.c.submitted_at.desc(), _SUBMISSIONS.c.id.desc())
    .limit(1)
)
_previous = PREVIOUS.subquery("previous")
# FOR UPDATE OF assignments (PostgreSQL; SQLite transactions here begin IMMEDIATE): two
# instruments of one assignment submitted at once must not both write `done` from one read.
WITH_ASSIGNMENT = (
    select(
        _ASSIGNMENTS.c.id,
        _ASSIGNMENTS.c.unit_id,
        _ASSIGNMENTS.c.wave_id,
        _ASSIGNMENTS.c.instruments,
        _ASSIGNMENTS.c.done,
        standing(_ASSIGNMENTS.c.officer_id).label("consented"),
        _previous.c.id.label("previous_id"),
        _previous.c.payload_sealed.label("previous_sealed"),
    )
    .select_from(_ASSIGNMENTS.outerjoin(_previous, true()))
    .where(
        _ASSIGNMENTS.c.id == bindparam("assignment_id"),
        _ASSIGNMENTS.c.officer_id == bindparam("officer_id"),
        _ASSIGNMENTS.c.status == AssignmentStatus.PENDING.value,
    )
    .with_for_update(of=_ASSIGNMENTS)
)


@dataclass(frozen=True)
class Admission:
    """What the checks read: the pending assignment (None without one, or when it is not the
    officer's or no longer pending), whether consent stands, and the previous total."""

    assignment: OpenAssignment | None
    consented: bool
    previous_total: Fraction | None


@dataclass(frozen=True)
class _Sealed:
    """A previous submission's sealed payload with what it is bound to (id and officer)."""

    id: str
    officer_id: int
    payload_sealed: bytes


def admission(
    session: Session, officer_id: int, instrument_id: str, assignment_id: int | None
) -> Admission:
    """Read consent, the assignment (locked) and the previous total for a submission."""
    params: dict[str, Any] = {"officer_id": officer_id, "instrument_id": instrument_id}
    connection = session.connection()
    if assignment_id is not None:
        row = connection.execute(WITH_ASSIGNMENT, {**params, "assignment_id": assignment_id})
        found = row.first()
        if found is not None:
            assignment = OpenAssignment(
                found.id, found.unit_id, found.wave_id, list(found.instruments), list(found.done)
            )
            previous = None
            if found.previous_id is not None:
                previous = _Sealed(found.previous_id, officer_id, found.previous_sealed)
            return Admission(assignment, bool(found.consented), _total(previous))
    earlier = connection.execute(PREVIOUS, params).first()
    previous = None if earlier is None else _Sealed(*earlier)
    return Admission(None, has_consented(session, officer_id), _total(previous))


def _total(previous: _Sealed | None) -> Fraction | None:
    if previous is None:
        return None
    exact = Submission.payload.open(previous)["result"].get("exact", {}).get("total")
    return Fraction(exact) if exact is not None else None
