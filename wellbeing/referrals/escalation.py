"""Deadlines and escalation: supervisors hear of unclaimed referrals at half the deadline, when
it passes, and again at intervals until someone acts.

Each step raises `escalation_level` in the same transaction as its outbox messages, and the
messages carry dedupe keys naming the step: a step is never sent twice, even when the scheduler
restarts mid-run or two schedulers race.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.notify.service import enqueue
from wellbeing.org.models import Role
from wellbeing.referrals.models import Referral, Status
from wellbeing.referrals.service import add_event, staff_covering

HALF_DEADLINE, OVERDUE = 1, 2


def next_step_due(referral: Referral) -> tuple[int, datetime]:
    """The next escalation level of an unclaimed referral and when it falls due."""
    allowed = referral.claim_deadline - referral.opened_at
    level = referral.escalation_level
    if level < HALF_DEADLINE:
        return HALF_DEADLINE, referral.opened_at + allowed / 2
    if level < OVERDUE:
        return OVERDUE, referral.claim_deadline
    return level + 1, referral.claim_deadline + (allowed / 2) * (level - OVERDUE + 1)


def escalate_due(session: Session, now: datetime | None = None) -> int:
    """Take every step now due (at most one per referral per run); return how many."""
    now = now or utcnow()
    taken = 0
    unclaimed = session.scalars(
        select(Referral)
        .where(Referral.status == Status.OPEN.value)
        .order_by(Referral.priority_rank, Referral.claim_deadline)
    )
    for referral in unclaimed:
        level, due_at = next_step_due(referral)
        if now < due_at:
            continue
        kind = "referral.half_deadline" if level == HALF_DEADLINE else "referral.escalated"
        for supervisor in staff_covering(session, referral.unit, Role.SUPERVISOR):
            enqueue(
                session,
                kind=kind,
                recipient=supervisor,
                params={"priority": referral.priority},
                dedupe_key=f"referral:{referral.id}:escalation:{level}:{supervisor.id}",
            )
        referral.escalation_level = level
        add_event(
            session,
            referral,
            None,
            "escalated" if level >= OVERDUE else "half_deadline",
            {"level": level},
        )
        taken += 1
    session.flush()
    return taken


def is_overdue(referral: Referral, now: datetime | None = None) -> bool:
    """Unclaimed past its claim deadline."""
    return referral.status == Status.OPEN.value and (now or utcnow()) >= referral.claim_deadline
