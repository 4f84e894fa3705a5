"""Slots and appointments.

A slot is a counsellor's published time at their station (the unit of their grant); its
`status` is open or booked, and booking flips it with a conditional UPDATE. An appointment's
`active_slot_id` repeats its slot while it is booked and is unique, so the database itself refuses
a second live booking of one slot. Notes are sealed with the officer as owner.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, new_id
from wellbeing.org.models import Unit, User
from wellbeing.sealing.columns import sealed_column


class Mode(enum.StrEnum):
    """How the session takes place."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class SlotStatus(enum.StrEnum):
    """open → booked (→ open again when the booking is cancelled or moved)."""

    OPEN = "open"
    BOOKED = "booked"


class Status(enum.StrEnum):
    """booked → cancelled | attended | no_show."""

    BOOKED = "booked"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class CancelReason(enum.StrEnum):
    """Why a booking was cancelled (a code: no free text next to an identity)."""

    OFFICER_CANCELLED = "officer_cancelled"
    COUNSELLOR_CANCELLED = "counsellor_cancelled"
    OTHER = "other"


class Slot(Base):
    """A time a counsellor offers at their station."""

    __tablename__ = "appointment_slots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    minutes: Mapped[int]
    mode: Mapped[str] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=SlotStatus.OPEN.value, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    counsellor: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()

    @property
    def ends_at(self) -> datetime:
        """When the slot ends."""
        return self.starts_at + timedelta(minutes=self.minutes)


class Appointment(Base):
    """An officer's booking of a slot, and what became of it."""

    __tablename__ = "appointments"
    __table_args__ = (UniqueConstraint("active_slot_id", name="uq_appointments_active_slot_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    slot_id: Mapped[str] = mapped_column(ForeignKey("appointment_slots.id"), index=True)
    # The slot while the booking is live, NULL once cancelled: one live booking per slot.
    active_slot_id: Mapped[str | None] = mapped_column(ForeignKey("appointment_slots.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    booked_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    referral_id: Mapped[str | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=Status.BOOKED.value, index=True)
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
    closed_at: Mapped[datetime | None]
    # Reminders queued (set in the transaction that enqueues them: each is sent once).
    reminded_day: Mapped[bool] = mapped_column(default=False)
    reminded_hour: Mapped[bool] = mapped_column(default=False)
    note = sealed_column("appointment.note", owner="officer_id", nullable=True)
    session_note = sealed_column("appointment.session_note", owner="officer_id", nullable=True)

    slot: Mapped[Slot] = relationship(foreign_keys=[slot_id])
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
