"""An assignment's progress on the submission path: read it (locked), then record an instrument.

Core statements built once rather than ORM objects: this runs in every submission of a wave.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from wellbeing.screening.consent import has_consented, standing
from wellbeing.screening.models import Assignment, AssignmentStatus

_ASSIGNMENTS = cast(Table, Assignment.__table__)
# The submission path's own statements are built once, not per request: building a statement
# costs the app more than the database spends running it (profile in docs/deployment.md §11).
# FOR UPDATE (PostgreSQL; SQLite transactions here begin IMMEDIATE): two instruments of one
# assignment submitted at once must not both write `done` from the same read.
_OPEN_ASSIGNMENT = (
    select(
        _ASSIGNMENTS.c.id,
        _ASSIGNMENTS.c.unit_id,
        _ASSIGNMENTS.c.wave_id,
        _ASSIGNMENTS.c.instruments,
        _ASSIGNMENTS.c.done,
        standing(_ASSIGNMENTS.c.officer_id).label("consented"),
    )
    .where(
        _ASSIGNMENTS.c.id == bindparam("assignment_id"),
        _ASSIGNMENTS.c.officer_id == bindparam("officer_id"),
        _ASSIGNMENTS.c.status == AssignmentStatus.PENDING.value,
    )
    .with_for_update()
)
_RECORD_PROGRESS = (
    update(_ASSIGNMENTS)
    .where(_ASSIGNMENTS.c.id == bindparam("assignment_id"))
    .values(done=bindparam("new_done"), status=bindparam("new_status"))
)


@dataclass(frozen=True)
class OpenAssignment:
    """The pending assignment a submission answers, as read (and locked) in its transaction."""

    id: int
    unit_id: int
    wave_id: int | None
    instruments: list[str]
    done: list[str]

    def asks_for(self, instrument_id: str) -> bool:
        """Whether the instrument is still to be submitted for this assignment."""
        return instrument_id in self.instruments and instrument_id not in self.done


def open_assignment(
    session: Session, officer_id: int, assignment_id: int
) -> tuple[OpenAssignment | None, bool]:
    """The officer's pending assignment, read and locked until the transaction ends (None if
    there is none), and whether the officer's consent stands: one statement when it exists."""
    params = {"assignment_id": assignment_id, "officer_id": officer_id}
    row = session.connection().execute(_OPEN_ASSIGNMENT, params).first()
    if row is None:
        return None, has_consented(session, officer_id)
    found = OpenAssignment(row.id, row.unit_id, row.wave_id, list(row.instruments), list(row.done))
    return found, bool(row.consented)


def record_progress(session: Session, assignment: OpenAssignment, instrument_id: str) -> None:
    """Mark the instrument done; the assignment is submitted once every instrument is."""
    done = [*assignment.done, instrument_id]
    finished = all(instrument in done for instrument in assignment.instruments)
    status = AssignmentStatus.SUBMITTED if finished else AssignmentStatus.PENDING
    params = {"assignment_id": assignment.id, "new_done": done, "new_status": status.value}
    session.connection().execute(_RECORD_PROGRESS, params)
