"""The only code that changes appointments: book, book from a referral, cancel, move, outcome.

Exactly one booking per slot: the slot's status is flipped from open to booked by a conditional
UPDATE whose row count decides the winner (PostgreSQL re-checks the condition after a concurrent
writer commits; SQLite transactions take the write lock up front), and the appointment's unique
`active_slot_id` refuses a second live booking even so. Every step is audited without note text.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wellbeing.appointments.errors import InvalidInput, SlotTaken, WrongState
from wellbeing.appointments.models import Appointment, CancelReason, Slot, SlotStatus, Status
from wellbeing.appointments.permissions import may_offer
from wellbeing.appointments.reminders import notify_cancelled
from wellbeing.audit.service import record as audit
from wellbeing.core.clock import utcnow
from wellbeing.org.models import User
from wellbeing.referrals import service as referrals
from wellbeing.referrals.models import Referral

CONTACT_NOTE = "预约心理咨询 / counselling appointment booked"
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


def book(
    session: Session,
    officer: User,
    slot: Slot,
    note: str | None = None,
    *,
    booked_by: User | None = None,
    referral: Referral | None = None,
) -> Appointment:
    """Book an open future slot for the officer; SlotTaken when someone was first.

    The note ("what would you like to talk about") is sealed; it never reaches the audit log.
    """
    now = utcnow()
    _take(session, slot, now)
    appointment = Appointment(
        slot_id=slot.id,
        active_slot_id=slot.id,
        officer_id=officer.id,
        booked_by=(booked_by or officer).id,
        referral_id=referral.id if referral is not None else None,
        status=Status.BOOKED.value,
        booked_at=now,
    )
    _set_reminders_due(appointment, slot, now)
    appointment.note = note  # after officer_id: the note is sealed to its owner
    session.add(appointment)
    session.flush()
    audit(
        session,
        actor=booked_by or officer,
        action="appointment.booked",
        target_type="appointment",
        target_id=appointment.id,
        detail={"slot": slot.id, "referral": appointment.referral_id},
    )
    return appointment


def book_for_referral(
    session: Session, counsellor: User, slot: Slot, referral: Referral
) -> Appointment:
    """A counsellor books one of their own slots for the officer of a referral they hold.

    The booking is recorded as the referral's contact (its first one moves it to contacted),
    through the referrals service, in the same transaction.
    """
    officer = referral.officer
    if not may_offer(counsellor, slot, officer):
        raise InvalidInput("slot_id", "the slot must be yours and serve the officer's unit")
    appointment = book(session, officer, slot, None, booked_by=counsellor, referral=referral)
    referrals.record_contact(session, referral, counsellor, reached=True, note=CONTACT_NOTE)
    return appointment


def cancel(
    session: Session, actor: User, appointment: Appointment, reason: CancelReason
) -> Appointment:
    """Cancel a live booking (the officer or the slot's counsellor) and free its slot."""
    _require_booked(appointment)
    side = CancelReason.OFFICER_CANCELLED if actor.id == appointment.officer_id else None
    side = side or CancelReason.COUNSELLOR_CANCELLED
    if reason not in {side, CancelReason.OTHER}:
        raise InvalidInput("reason", "that reason is the other side's")
    slot, now = appointment.slot, utcnow()
    appointment.status, appointment.cancel_reason = Status.CANCELLED.value, reason.value
    appointment.active_slot_id, appointment.closed_at = None, now
    session.flush()  # the slot's live booking is gone before the slot reopens
    _free(session, slot)
    notify_cancelled(session, appointment, slot, actor)
    audit(
        session,
        actor=actor,
        action="appointment.cancelled",
        target_type="appointment",
        target_id=appointment.id,
        detail={"slot": slot.id, "reason": reason.value},
    )
    return appointment


def reschedule(session: Session, actor: User, appointment: Appointment, slot: Slot) -> Appointment:
    """Move a live booking to another open slot in one step: the new slot is taken first
    (SlotTaken if it cannot be), then the old one is freed; reminders start again."""
    _require_booked(appointment)
    if slot.id == appointment.slot_id:
        raise InvalidInput("slot_id", "the booking is already on that slot")
    now, old = utcnow(), appointment.slot
    _take(session, slot, now)
    appointment.slot_id = appointment.active_slot_id = slot.id
    appointment.slot = slot
    _set_reminders_due(appointment, slot, now)
    session.flush()
    _free(session, old)
    audit(
        session,
        actor=actor,
        action="appointment.rescheduled",
        target_type="appointment",
        target_id=appointment.id,
        detail={"slot": slot.id, "from_slot": old.id},
    )
    return appointment


def record_outcome(
    session: Session,
    counsellor: User,
    appointment: Appointment,
    status: Status,
    note: str | None = None,
) -> Appointment:
    """The slot's counsellor records attended or no_show, with an optional sealed session note."""
    _require_booked(appointment)
    if status not in {Status.ATTENDED, Status.NO_SHOW}:
        raise InvalidInput("status", "status must be attended or no_show")
    appointment.status, appointment.closed_at = status.value, utcnow()
    if note:
        appointment.session_note = note
    session.flush()
    audit(
        session,
        actor=counsellor,
        action="appointment.outcome_recorded",
        target_type="appointment",
        target_id=appointment.id,
        detail={"outcome": status.value},
    )
    return appointment


def _take(session: Session, slot: Slot, now: datetime) -> None:
    won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        update(Slot)
        .where(
            Slot.id == slot.id,
            Slot.status == SlotStatus.OPEN.value,
            Slot.starts_at > now,
        )
        .values(status=SlotStatus.BOOKED.value)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise SlotTaken(slot.id)
    set_committed_value(slot, "status", SlotStatus.BOOKED.value)


def _free(session: Session, slot: Slot) -> None:
    session.execute(
        update(Slot)
        .where(Slot.id == slot.id)
        .values(status=SlotStatus.OPEN.value)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(slot, "status", SlotStatus.OPEN.value)


def _require_booked(appointment: Appointment) -> None:
    if appointment.status != Status.BOOKED.value:
        raise WrongState(appointment.status)


def _set_reminders_due(appointment: Appointment, slot: Slot, now: datetime) -> None:
    # A booking made less than a day (an hour) ahead is its own notice: no "tomorrow" reminder.
    ahead = slot.starts_at - now
    appointment.reminded_day = ahead <= DAY
    appointment.reminded_hour = ahead <= HOUR
