"""Slots: publishing them, and reading slots and appointments for the person asking.

Booking, cancelling, moving and the outcome are in `booking.py`; reminders in `reminders.py`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from wellbeing.appointments.errors import InvalidInput
from wellbeing.appointments.input import SlotRequest
from wellbeing.appointments.models import Appointment, Slot, SlotStatus, Status
from wellbeing.appointments.permissions import may_move_to, stations_of
from wellbeing.audit.service import record as audit
from wellbeing.org.models import Unit, User


def publish_slots(session: Session, counsellor: User, request: SlotRequest) -> list[Slot]:
    """Publish a slot (and its weekly repeats) at the counsellor's station.

    The station is the unit named in the request, which must be one of the counsellor's grant
    scopes; without one, the first scope. InvalidInput("unit") when it is not theirs.
    """
    station = _station(counsellor, request.unit)
    slots = [
        Slot(
            counsellor_id=counsellor.id,
            unit_id=station.id,
            starts_at=request.starts_at + timedelta(weeks=week),
            minutes=request.minutes,
            mode=request.mode.value,
            place=request.place,
            status=SlotStatus.OPEN.value,
        )
        for week in range(request.weeks)
    ]
    session.add_all(slots)
    session.flush()
    audit(
        session,
        actor=counsellor,
        action="appointment.slots_published",
        target_type="slot",
        target_id=slots[0].id,
        detail={"count": len(slots), "unit": station.code},
    )
    return slots


def _station(counsellor: User, code: str | None) -> Unit:
    stations = stations_of(counsellor)
    for unit in stations:
        if code is None or unit.code == code:
            return unit
    raise InvalidInput("unit", "unit must be a station you serve")


def find_slot(session: Session, slot_id: str) -> Slot | None:
    """The slot with this id, if any (whether the caller may use it is `permissions`')."""
    return session.get(Slot, slot_id)


def find_appointment(session: Session, appointment_id: str) -> Appointment | None:
    """The appointment with this id, if any."""
    return session.get(Appointment, appointment_id)


def open_slots_for(session: Session, officer: User, now: datetime) -> list[Slot]:
    """Open future slots of the stations covering the officer's unit, soonest first."""
    query = _open_covering(officer, now).where(Slot.counsellor_id != officer.id)
    return list(session.scalars(query))


def open_slots_offered_by(
    session: Session, counsellor: User, officer: User, now: datetime
) -> list[Slot]:
    """The counsellor's own open future slots at stations covering the officer's unit, soonest
    first: the times they may book for the officer or move the officer's booking to."""
    query = _open_covering(officer, now).where(Slot.counsellor_id == counsellor.id)
    return list(session.scalars(query))


def slots_to_move_to(
    session: Session, user: User, appointment: Appointment, now: datetime
) -> list[Slot]:
    """The open future slots this user may move the booking to (`permissions.may_move_to`):
    the officer's bookable times, or the slot's counsellor's own times covering the officer."""
    if user.id == appointment.officer_id:
        slots = open_slots_for(session, user, now)
    else:
        slots = open_slots_offered_by(session, user, appointment.officer, now)
    return [slot for slot in slots if may_move_to(user, appointment, slot)]


def _open_covering(officer: User, now: datetime) -> Select[Slot]:
    ancestors = [int(part) for part in officer.unit.path.strip("/").split("/") if part]
    return (
        select(Slot)
        .where(
            Slot.status == SlotStatus.OPEN.value,
            Slot.starts_at > now,
            Slot.unit_id.in_(ancestors),
        )
        .order_by(Slot.starts_at, Slot.id)
    )


def slots_of(
    session: Session, counsellor: User, since: datetime, until: datetime | None = None
) -> list[Slot]:
    """The counsellor's own slots starting from `since` (and before `until`), soonest first."""
    query = select(Slot).where(Slot.counsellor_id == counsellor.id, Slot.starts_at >= since)
    if until is not None:
        query = query.where(Slot.starts_at < until)
    return list(session.scalars(query.order_by(Slot.starts_at, Slot.id)))


def appointments_of(session: Session, officer: User) -> list[Appointment]:
    """The officer's own appointments, soonest first."""
    query = (
        select(Appointment)
        .join(Slot, Appointment.slot_id == Slot.id)
        .where(Appointment.officer_id == officer.id)
        .options(joinedload(Appointment.slot))
        .order_by(Slot.starts_at, Appointment.id)
    )
    return list(session.scalars(query))


def appointments_on_slots_of(session: Session, counsellor: User) -> list[Appointment]:
    """Appointments on the counsellor's own slots, soonest first."""
    query = (
        select(Appointment)
        .join(Slot, Appointment.slot_id == Slot.id)
        .where(Slot.counsellor_id == counsellor.id)
        .options(joinedload(Appointment.slot), joinedload(Appointment.officer))
        .order_by(Slot.starts_at, Appointment.id)
    )
    return list(session.scalars(query))


def held_on(session: Session, slots: list[Slot]) -> list[Appointment]:
    """The bookings not cancelled on these slots (at most one a slot: a cancelled booking has
    given its slot back, and only then can another be made)."""
    if not slots:
        return []
    query = (
        select(Appointment)
        .where(
            Appointment.slot_id.in_([slot.id for slot in slots]),
            Appointment.status != Status.CANCELLED.value,
        )
        .options(joinedload(Appointment.officer))
    )
    return list(session.scalars(query))


def upcoming_for(session: Session, officer: User, now: datetime) -> list[Appointment]:
    """The officer's booked appointments that have not yet ended, soonest first."""
    return [
        appointment
        for appointment in appointments_of(session, officer)
        if appointment.status == Status.BOOKED.value and appointment.slot.ends_at > now
    ]
