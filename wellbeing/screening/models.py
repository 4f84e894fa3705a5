"""Campaigns, waves, incidents, assignments, consent, drafts and submissions.

Nothing clinical is stored in plaintext: answers and the whole scored result live in sealed
columns bound to their record and owner; the plain columns say who, what instrument and when.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, IntPk, Name, new_id
from wellbeing.org.models import Unit, User
from wellbeing.sealing.columns import sealed_column


class WaveState(enum.StrEnum):
    """A wave is scheduled, then open, then closed (results final)."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class AssignmentStatus(enum.StrEnum):
    """An assignment waits (scheduled), is open (pending), then is submitted or expires."""

    SCHEDULED = "scheduled"
    PENDING = "pending"
    SUBMITTED = "submitted"
    EXPIRED = "expired"


class Campaign(Base):
    """A screening programme for a unit subtree; recurring ones have one wave per period."""

    __tablename__ = "campaigns"

    id: Mapped[IntPk]
    name: Mapped[Name]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    instruments: Mapped[list[str]] = mapped_column(JSON)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    every_months: Mapped[int | None]
    staff_category: Mapped[str | None] = mapped_column(String(16))  # only this category; None: all
    closed: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    waves: Mapped[list[Wave]] = relationship(
        back_populates="campaign", order_by="Wave.seq", cascade="all, delete-orphan"
    )


class Wave(Base):
    """One period of a campaign: its assignments open and close together."""

    __tablename__ = "waves"
    __table_args__ = (UniqueConstraint("campaign_id", "seq"),)

    id: Mapped[IntPk]
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    seq: Mapped[int]
    name: Mapped[Name]
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), default=WaveState.SCHEDULED.value)

    campaign: Mapped[Campaign] = relationship(back_populates="waves")


class Incident(Base):
    """A critical incident (战时心理服务) whose officers get follow-up screenings."""

    __tablename__ = "incidents"

    id: Mapped[IntPk]
    occurred_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(String(500))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """Screenings one officer is asked to complete: for a wave, or an incident follow-up."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("officer_id", "wave_id", name="uq_assignments_officer_wave"),
        UniqueConstraint(
            "officer_id", "incident_id", "follow_up_day", name="uq_assignments_officer_incident_day"
        ),
        # a wave's participation per unit, counted from the index alone
        Index("ix_assignments_wave_unit_status", "wave_id", "unit_id", "status"),
    )

    id: Mapped[IntPk]
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # the officer's unit when assigned: a wave's participation and results count there, even if
    # the officer moves while the wave is open
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    follow_up_day: Mapped[int | None]
    instruments: Mapped[list[str]] = mapped_column(JSON)
    done: Mapped[list[str]] = mapped_column(JSON, default=list)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.SCHEDULED.value)
    notices_sent: Mapped[int] = mapped_column(default=0)
    last_notice_at: Mapped[datetime | None]

    officer: Mapped[User] = relationship()
    wave: Mapped[Wave | None] = relationship()

    @property
    def remaining(self) -> list[str]:
        """Instruments of this assignment not yet submitted."""
        return [instrument for instrument in self.instruments if instrument not in self.done]


class Consent(Base):
    """An officer's consent to a version of the consent text (withdrawal keeps the record)."""

    __tablename__ = "consents"

    id: Mapped[IntPk]
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[str] = mapped_column(String(32))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class Draft(Base):
    """Unsubmitted answers, sealed, resumable on any device; one per officer and form."""

    __tablename__ = "drafts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    form_key: Mapped[str] = mapped_column(String(120), unique=True)
    instrument_id: Mapped[str] = mapped_column(String(32))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    answers = sealed_column("draft.answers", owner="officer_id")


class Submission(Base):
    """A submitted questionnaire: who, which definition, when — and a sealed payload."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("officer_id", "idempotency_key"),
        # Every submission reads the officer's previous one of its instrument (admission.py):
        # one seek, newest first, however long the officer's history. It also serves every
        # lookup by officer alone, so officer_id and instrument_id have no indexes of their own.
        Index(
            "ix_submissions_officer_instrument_time",
            "officer_id",
            "instrument_id",
            "submitted_at",
            "id",
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    instrument_id: Mapped[str] = mapped_column(String(32))
    instrument_version: Mapped[str] = mapped_column(String(32))
    definition_hash: Mapped[str] = mapped_column(String(64))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    payload = sealed_column("submission.payload", owner="officer_id")

    def opened(self) -> dict[str, Any]:
        """The decrypted payload: {"answers": {...}, "result": {...}}."""
        value: dict[str, Any] = self.payload
        return value
