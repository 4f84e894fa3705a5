"""Reading one appointment with its sealed notes, audited when staff read an officer's note."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from wellbeing.appointments.models import Appointment
from wellbeing.appointments.permissions import holds_slot
from wellbeing.audit.service import record as audit
from wellbeing.org.models import User


def read_appointment(session: Session, reader: User, appointment: Appointment) -> dict[str, Any]:
    """The notes the reader may see: the booking note for both sides, the session note for the
    slot's counsellor. A counsellor's read is audited (the note is the officer's own words)."""
    body: dict[str, Any] = {"note": appointment.note}
    if holds_slot(reader, appointment.slot):
        body["session_note"] = appointment.session_note
        audit(
            session,
            actor=reader,
            action="appointment.read",
            target_type="appointment",
            target_id=appointment.id,
        )
    return body
