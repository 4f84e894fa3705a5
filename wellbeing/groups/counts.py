"""What the station's activity report counts of group sessions: sessions held, attendance.

A session counts for the unit it was held for; an attendance for the attendee's unit. Counts
only, never who: the activity release applies disclosure control before anything is shown.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.groups.models import GroupAttendance, GroupSession
from wellbeing.org.models import User


def group_counts(session: Session, start: datetime, end: datetime) -> dict[int, tuple[int, int]]:
    """Per unit id: (sessions held, attendances) for sessions starting in [start, end)."""
    in_period = (GroupSession.starts_at >= start, GroupSession.starts_at < end)
    held = session.execute(
        select(GroupSession.unit_id, func.count(GroupSession.id))
        .where(*in_period)
        .group_by(GroupSession.unit_id)
    )
    present = session.execute(
        select(User.unit_id, func.count(GroupAttendance.id))
        .join(GroupSession, GroupSession.id == GroupAttendance.session_id)
        .join(User, User.id == GroupAttendance.user_id)
        .where(*in_period)
        .group_by(User.unit_id)
    )
    counts: dict[int, tuple[int, int]] = {}
    for unit, n in held:
        counts[unit] = (n, 0)
    for unit, n in present:
        counts[unit] = (counts.get(unit, (0, 0))[0], n)
    return counts


def first_group_at(session: Session) -> datetime | None:
    """When the earliest group session started."""
    return session.scalar(select(func.min(GroupSession.starts_at)))
