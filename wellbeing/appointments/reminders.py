"""Notices about appointments through the outbox: reminders the day before and an hour before,
and a cancellation notice to the other side. Texts are neutral ("an appointment at the wellbeing
station on DATE at TIME"): date and time are the only params, never a note or a reason.

Each reminder is sent once: its flag on the appointment is flipped by a conditional UPDATE in the
transaction that enqueues it (a restarted or second scheduler finds it set), and the outbox's
dedupe key (appointment, slot, which, recipient) refuses a duplicate besides.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wellbeing.appointments.models import Appointment, Slot, Status
from wellbeing.notify.service import enqueue
from wellbeing.org.models import User

WHEN = {"day": timedelta(days=1), "hour": timedelta(hours=1)}
FLAG = {"day": "reminded_day", "hour": "reminded_hour"}


def when_params(slot: Slot) -> dict[str, str]:
    """The only params a notice carries: the slot's date and time."""
    return {"on": slot.starts_at.strftime("%Y-%m-%d"), "at": slot.starts_at.strftime("%H:%M")}


def send_due_reminders(session: Session, now: datetime) -> int:
    """Queue every reminder now due (to the officer and the counsellor); the number queued."""
    queued = 0
    for which, lead in WHEN.items():
        flag = getattr(Appointment, FLAG[which])
        due = session.scalars(
            select(Appointment)
            .join(Slot, Appointment.slot_id == Slot.id)
            .where(
                Appointment.status == Status.BOOKED.value,
                flag.is_(False),
                # within the last hour only the hour's reminder is due, not both at once
                Slot.starts_at > (now + WHEN["hour"] if which == "day" else now),
                Slot.starts_at <= now + lead,
            )
            .order_by(Slot.starts_at)
        ).all()
        for appointment in due:
            queued += _remind(session, appointment, which)
    return queued


def _remind(session: Session, appointment: Appointment, which: str) -> int:
    flag = getattr(Appointment, FLAG[which])
    won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        update(Appointment)
        .where(Appointment.id == appointment.id, flag.is_(False))
        .values({FLAG[which]: True})
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        return 0
    slot = appointment.slot
    for recipient in (appointment.officer_id, slot.counsellor_id):
        enqueue(
            session,
            kind="appointment.reminder",
            recipient=recipient,
            params=when_params(slot),
            dedupe_key=f"appointment:{appointment.id}:{slot.id}:{which}:{recipient}",
        )
    return 1


def notify_cancelled(session: Session, appointment: Appointment, slot: Slot, by: User) -> None:
    """Tell the other side that the appointment was cancelled."""
    other = slot.counsellor_id if by.id == appointment.officer_id else appointment.officer_id
    enqueue(
        session,
        kind="appointment.cancelled",
        recipient=other,
        params=when_params(slot),
        dedupe_key=f"appointment:{appointment.id}:{slot.id}:cancelled",
    )
