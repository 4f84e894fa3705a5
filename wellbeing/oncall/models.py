"""The roster's tables, and the record of urgent referrals sent to the on-call counsellor.

- `RosterEntry`: the weekly pattern of a station (the unit whose roster it is): a user on call
  on a weekday (0 = Monday … 6 = Sunday) from one local wall time to another, in minutes after
  midnight in the station's time zone (`WELLBEING_TIMEZONE`). A `to_minute` at or before
  `from_minute` runs past midnight into the next day (equal: 24 hours).
- `RosterChange`: a one-off change, a user on call from one UTC instant to another; while it
  runs it replaces the weekly pattern for each role that user holds (see `oncall.roster`).
- `OnCallRouting`: one row per urgent referral sent on call (the referral id is the key, so it is
  sent once); `escalated_at` is set when the on-call supervisors were told, so the escalation
  job never repeats a step, across restarts too.

No clinical content: who is on call when, and which referral was routed when.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.core.db import Base, IntPk
from wellbeing.org.models import Unit, User


class RosterEntry(Base):
    """One weekly on-call period of one user at a station."""

    __tablename__ = "roster_entries"

    id: Mapped[IntPk]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    weekday: Mapped[int]
    from_minute: Mapped[int]
    to_minute: Mapped[int]

    user: Mapped[User] = relationship(lazy="joined")


class RosterChange(Base):
    """A one-off on-call period (a swap, a holiday cover) between two UTC instants."""

    __tablename__ = "roster_changes"

    id: Mapped[IntPk]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")


class OnCallRouting(Base):
    """An urgent referral sent on call outside office hours, and when it was escalated."""

    __tablename__ = "on_call_routings"

    referral_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("referrals.id"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    routed_at: Mapped[datetime] = mapped_column(index=True)
    nobody_on_call: Mapped[bool] = mapped_column(default=False)
    escalated_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()
