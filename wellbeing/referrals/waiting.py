"""How much work waits: the figures on a counsellor's and a supervisor's home card.

Counted over exactly the referrals the queue lists (`reading.queue`): not yet closed, in the
caller's counsellor or supervisor scope, never the caller's own. Counts only — who and why stay
on the queue and the referral pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from wellbeing.auth.policy import referral_scope_clause
from wellbeing.org.models import Unit, User
from wellbeing.referrals.clocks import HALF_DEADLINE
from wellbeing.referrals.models import Referral, Status
from wellbeing.referrals.reading import ACTIVE


@dataclass(frozen=True)
class QueueCounts:
    """A counsellor's figures: waiting to be claimed, held by them, due by the end of today."""

    waiting: int
    mine: int
    due_today: int


@dataclass(frozen=True)
class SupervisionCounts:
    """A supervisor's figures: unclaimed past the deadline, and escalated to supervisors."""

    overdue: int
    escalated: int


def end_of_today(now: datetime, zone: str) -> datetime:
    """The midnight that ends today in the station's time zone, in UTC."""
    tz = ZoneInfo(zone)
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=tz).astimezone(UTC)


def queue_counts(session: Session, user: User, now: datetime, zone: str) -> QueueCounts:
    """Waiting: open referrals in the queue. Mine: the ones the user holds. Due today: waiting
    ones whose claim deadline, and the user's own whose running contact or close deadline, falls
    before the end of today (already late included)."""
    end = end_of_today(now, zone)
    waiting = Referral.status == Status.OPEN.value
    mine = and_(Referral.claimed_by == user.id, Referral.status != Status.OPEN.value)
    due = or_(
        and_(waiting, Referral.claim_deadline < end),
        and_(
            mine,
            or_(
                and_(Referral.status == Status.CLAIMED.value, Referral.contact_deadline < end),
                and_(Referral.status == Status.CONTACTED.value, Referral.close_deadline < end),
            ),
        ),
    )
    counted = _counted(session, user, waiting, mine, due)
    return QueueCounts(waiting=counted[0], mine=counted[1], due_today=counted[2])


def supervision_counts(session: Session, user: User, now: datetime) -> SupervisionCounts:
    """The lengths of the supervision page's first two lists: open past the claim deadline, and
    escalated (supervisors were told: half the deadline or more gone)."""
    overdue = and_(Referral.status == Status.OPEN.value, Referral.claim_deadline <= now)
    escalated = Referral.escalation_level >= HALF_DEADLINE
    counted = _counted(session, user, overdue, escalated)
    return SupervisionCounts(overdue=counted[0], escalated=counted[1])


def _counted(session: Session, user: User, *conditions: ColumnElement[bool]) -> list[int]:
    """How many of the queue's referrals meet each condition, in order."""
    query = (
        select(*(func.count(Referral.id).filter(condition) for condition in conditions))
        .select_from(Referral)
        .join(Unit, Referral.unit_id == Unit.id)
        .where(referral_scope_clause(user), Referral.officer_id != user.id)
        .where(Referral.status.in_(list(ACTIVE)))
    )
    return [int(value or 0) for value in session.execute(query).one()]
