"""Take, renew and release the scheduler lease with conditional statements (SQLite and PostgreSQL).

Whoever's conditional UPDATE (or first INSERT) succeeds holds the lease; the database decides,
so two processes started at once never both believe they hold it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wellbeing.scheduler.models import SchedulerLease


def acquire_lease(
    session: Session, name: str, holder: str, now: datetime, duration: timedelta
) -> bool:
    """Take or renew the lease until now + duration; False when someone else holds it."""
    taken = session.execute(
        update(SchedulerLease)
        .where(
            SchedulerLease.name == name,
            or_(SchedulerLease.holder == holder, SchedulerLease.expires_at <= now),
        )
        .values(holder=holder, expires_at=now + duration)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return True
    if session.scalar(select(SchedulerLease.name).where(SchedulerLease.name == name)):
        return False
    try:
        with session.begin_nested():
            session.add(SchedulerLease(name=name, holder=holder, expires_at=now + duration))
    except IntegrityError:
        return False  # another process inserted it first
    return True


def release_lease(session: Session, name: str, holder: str, now: datetime) -> None:
    """Let the lease expire now, so a standby takes over at once (only if we still hold it)."""
    session.execute(
        update(SchedulerLease)
        .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )


def lease_holder(session: Session, name: str, now: datetime) -> str | None:
    """Who holds the lease now, or None when nobody does."""
    return session.scalar(
        select(SchedulerLease.holder).where(
            SchedulerLease.name == name, SchedulerLease.expires_at > now
        )
    )
