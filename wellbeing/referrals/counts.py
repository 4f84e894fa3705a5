"""What the station's activity report counts of referrals: opened, crisis, closed by outcome,
and the hours from opening to the first contact attempt.

Per unit (the unit the referral was opened for), never who: the activity release applies
disclosure control before anything is shown, and the hours leave here only as a list per unit
for the release to take a median of.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.referrals.models import Kind, Referral, ReferralEvent

FIRST_CONTACT = "contact_attempt"
# Referrals only: outreach tasks after an incident are counted by the incident, not here.
SCREENING = Referral.kind == Kind.REFERRAL.value


@dataclass
class ReferralCounts:
    """One unit's referral figures for a period."""

    opened: int = 0
    crisis: int = 0
    closed: Counter[str] = field(default_factory=Counter)  # outcome -> referrals closed
    hours_to_contact: list[float] = field(default_factory=list)


def referral_counts(session: Session, start: datetime, end: datetime) -> dict[int, ReferralCounts]:
    """Per unit id: referrals opened and closed in [start, end), and for those opened then and
    contacted, the hours to the first contact attempt."""
    counts: dict[int, ReferralCounts] = {}

    def of(unit: int) -> ReferralCounts:
        return counts.setdefault(unit, ReferralCounts())

    opened = select(Referral.unit_id, Referral.crisis, func.count(Referral.id)).where(
        Referral.opened_at >= start, Referral.opened_at < end, SCREENING
    )
    for unit, crisis, n in session.execute(opened.group_by(Referral.unit_id, Referral.crisis)):
        of(unit).opened += n
        if crisis:
            of(unit).crisis += n
    closed = select(Referral.unit_id, Referral.outcome, func.count(Referral.id)).where(
        Referral.closed_at >= start,
        Referral.closed_at < end,
        Referral.outcome.is_not(None),
        SCREENING,
    )
    for unit, outcome, n in session.execute(closed.group_by(Referral.unit_id, Referral.outcome)):
        of(unit).closed[str(outcome)] += n
    first = (
        select(ReferralEvent.referral_id, func.min(ReferralEvent.at).label("at"))
        .where(ReferralEvent.kind == FIRST_CONTACT)
        .group_by(ReferralEvent.referral_id)
        .subquery()
    )
    contacted = (
        select(Referral.unit_id, Referral.opened_at, first.c.at)
        .join(first, first.c.referral_id == Referral.id)
        .where(Referral.opened_at >= start, Referral.opened_at < end, SCREENING)
    )
    for unit, opened_at, contact_at in session.execute(contacted):
        hours = (contact_at - opened_at).total_seconds() / 3600
        of(unit).hours_to_contact.append(max(hours, 0.0))
    return counts


def first_referral_at(session: Session) -> datetime | None:
    """When the earliest referral was opened."""
    return session.scalar(select(func.min(Referral.opened_at)).where(SCREENING))
