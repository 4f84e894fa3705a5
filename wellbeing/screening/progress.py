"""An assignment's progress on the submission path, as read by `admission` (locked): record an
instrument. A Core statement rather than ORM objects: every submission of a wave runs it, with the
submission's other last writes (`core.batched`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from wellbeing.core.batched import write_last
from wellbeing.screening.models import Assignment, AssignmentStatus

_ASSIGNMENTS = cast(Table, Assignment.__table__)
_PROGRESS = (  # a template (`core.batched`): built once
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


def record_progress(session: Session, assignment: OpenAssignment, instrument_id: str) -> None:
    """Mark the instrument done; the assignment is submitted once every instrument is."""
    done = [*assignment.done, instrument_id]
    finished = all(instrument in done for instrument in assignment.instruments)
    status = AssignmentStatus.SUBMITTED if finished else AssignmentStatus.PENDING
    values = {"assignment_id": assignment.id, "new_done": done, "new_status": status.value}
    write_last(session, _PROGRESS, values)
