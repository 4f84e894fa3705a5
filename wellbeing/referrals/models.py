"""Referrals, their history, the submissions behind them, and break-glass access.

Plain columns hold what the queue needs (who, which unit, priority, status, deadlines); the
reasons, contact notes and break-glass reasons are sealed. There is no delete.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, IntPk, new_id
from wellbeing.org.models import Unit, User
from wellbeing.rules import Priority
from wellbeing.sealing.columns import sealed_column


def queue_rank(priority: Priority) -> int:
    """What ``Referral.priority_rank`` stores: 0 is the most pressing (the queue sorts up)."""
    return Priority.URGENT.rank - priority.rank


class Status(enum.StrEnum):
    """open → claimed → contacted → closed (reassignment keeps it claimed by someone else)."""

    OPEN = "open"
    CLAIMED = "claimed"
    CONTACTED = "contacted"
    CLOSED = "closed"


class Kind(enum.StrEnum):
    """A referral raised by screening or the officer, or an outreach task after an incident."""

    REFERRAL = "referral"
    OUTREACH = "outreach"


class Outcome(enum.StrEnum):
    """How a referral ended; closing needs one and a note."""

    SUPPORT_PROVIDED = "support_provided"
    REFERRED_EXTERNAL = "referred_external"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"
    NO_ACTION_NEEDED = "no_action_needed"


class Referral(Base):
    """One officer's referral; new reasons join an open one instead of opening another."""

    __tablename__ = "referrals"
    # review sampling numbers each stratum's closings once (referrals/review.py)
    __table_args__ = (UniqueConstraint("review_stratum", "review_number"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    priority: Mapped[str] = mapped_column(String(16))
    priority_rank: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default=Status.OPEN.value, index=True)
    crisis: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_deadline: Mapped[datetime]
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    escalation_level: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16), default=Kind.REFERRAL.value, index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    # The clocks after the claim (clocks.py): periods fixed at opening, the running deadline and
    # how far its escalation went; plain, like the claim deadline, so the queue can sort on them.
    contact_minutes: Mapped[int] = mapped_column(default=0)
    close_minutes: Mapped[int] = mapped_column(default=0)
    first_claimed_at: Mapped[datetime | None]
    contact_clock_from: Mapped[datetime | None]
    contact_deadline: Mapped[datetime | None]
    contacted_at: Mapped[datetime | None]
    close_deadline: Mapped[datetime | None]
    clock_level: Mapped[int] = mapped_column(default=0)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    claim_breached: Mapped[bool] = mapped_column(default=False)
    contact_breached: Mapped[bool] = mapped_column(default=False)
    close_breached: Mapped[bool] = mapped_column(default=False)
    # Supervision: chosen for review at closing; signed off or reopened by a supervisor.
    review_stratum: Mapped[str | None] = mapped_column(String(8))
    review_number: Mapped[int | None]
    review_requested_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    erased: Mapped[bool] = mapped_column(default=False)
    reasons = sealed_column("referral.reasons", owner="officer_id")

    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    unit: Mapped[Unit] = relationship()
    claimer: Mapped[User | None] = relationship(foreign_keys=[claimed_by])
    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", order_by="ReferralEvent.at"
    )


class ReferralSubmission(Base):
    """A submission behind a referral (its answers may be seen by the referral's counsellor)."""

    __tablename__ = "referral_submissions"
    __table_args__ = (UniqueConstraint("referral_id", "submission_id"),)

    id: Mapped[IntPk]
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)


class ReferralEvent(Base):
    """One step in a referral's history: who, when, what; notes are sealed."""

    __tablename__ = "referral_events"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    detail = sealed_column("referral_event.detail", owner="officer_id", nullable=True)

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class RiskAssessment(Base):
    """A counsellor's structured risk assessment on a referral: level, factors, actions, note —
    all sealed (a risk level next to an officer is clinical); who and when stay plain."""

    __tablename__ = "risk_assessments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    body = sealed_column("referral.risk_assessment", owner="officer_id")

    author: Mapped[User] = relationship(foreign_keys=[author_id])


class BreakGlass(Base):
    """A supervisor's time-limited access to one submission that raised no referral."""

    __tablename__ = "break_glass"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    reason = sealed_column("break_glass.reason", owner="supervisor_id")

    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
