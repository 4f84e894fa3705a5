"""What the station's activity report counts of counselling: sessions held and people seen.

Counts per unit (the officer's unit), never who: the activity release applies disclosure
control before anything is shown.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.appointments.models import Appointment, Slot, Status
from wellbeing.org.models import User


def counselling_counts(
    session: Session, start: datetime, end: datetime
) -> dict[int, tuple[int, int]]:
    """Per unit id: (sessions attended, distinct officers attended) of slots in [start, end)."""
    query = (
        select(
            User.unit_id,
            func.count(Appointment.id),
            func.count(func.distinct(Appointment.officer_id)),
        )
        .join(Slot, Slot.id == Appointment.slot_id)
        .join(User, User.id == Appointment.officer_id)
        .where(
            Appointment.status == Status.ATTENDED.value,
            Slot.starts_at >= start,
            Slot.starts_at < end,
        )
        .group_by(User.unit_id)
    )
    return {unit: (sessions, people) for unit, sessions, people in session.execute(query)}


def first_session_at(session: Session) -> datetime | None:
    """When the earliest attended session started (where the activity report's history begins)."""
    query = (
        select(func.min(Slot.starts_at))
        .join(Appointment, Appointment.slot_id == Slot.id)
        .where(Appointment.status == Status.ATTENDED.value)
    )
    return session.scalar(query)
