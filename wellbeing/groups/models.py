"""A group session, who signed up for it (in order, with a waiting list) and who attended.

A session's texts are public notices, not clinical content. Sign-ups and attendance are rows of
(session id, user id) only: no note, no name. Feedback answers are per-session counters with no
user id; the attendance row keeps only that feedback was given. Withdrawing deletes the sign-up
row, so the table keeps no more of an officer's use of the service than the sessions they are
still booked on.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, IntPk, new_id
from wellbeing.org.models import Unit


class SignupStatus(enum.StrEnum):
    """A seat, or a place on the waiting list."""

    SIGNED_UP = "signed_up"
    WAITING = "waiting"


class GroupSession(Base):
    """One group session for the officers of a unit and its descendants."""

    __tablename__ = "group_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The next queue number; taken under the row lock, so sign-up order is the commit order.
    next_position: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()

    def title(self, lang: str) -> str:
        """The title in a language (zh-CN unless English is asked for)."""
        return self.title_en if lang == "en" else self.title_zh

    def description(self, lang: str) -> str:
        """The description in a language."""
        return self.description_en if lang == "en" else self.description_zh


class GroupSignup(Base):
    """An officer's seat or waiting place; position orders both (lowest first)."""

    __tablename__ = "group_signups"
    __table_args__ = (
        UniqueConstraint("session_id", "officer_id", name="uq_group_signups_session_officer"),
        UniqueConstraint("session_id", "position", name="uq_group_signups_session_position"),
    )

    id: Mapped[IntPk]
    session_id: Mapped[str] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int]


class GroupAttendance(Base):
    """One officer present at one session, as the session's counsellor recorded it."""

    __tablename__ = "group_attendance"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_group_attendance_session_user"),
    )

    id: Mapped[IntPk]
    session_id: Mapped[str] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # Whether this attendee has given feedback (once only); the answers are counted apart.
    feedback_given: Mapped[bool] = mapped_column(default=False)


class GroupFeedbackCount(Base):
    """How many attendees of a session gave one answer to one feedback item: a count, no one's id.

    Reported only through the disclosure control of screening reports (`groups.feedback`).
    """

    __tablename__ = "group_feedback_counts"
    __table_args__ = (
        UniqueConstraint("session_id", "item", "value", name="uq_group_feedback_counts_answer"),
    )

    id: Mapped[IntPk]
    session_id: Mapped[str] = mapped_column(ForeignKey("group_sessions.id"), index=True)
    item: Mapped[str] = mapped_column(String(32))
    value: Mapped[int]
    count: Mapped[int] = mapped_column(default=0)
