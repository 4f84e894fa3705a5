"""The three clocks of a referral, and what happens when one runs late.

- **claim** (open): from opening to the claim deadline; supervisors hear at half time, when it
  passes, and again every half period until someone claims.
- **contact** (claimed): from the claim (or the last failed attempt) to the first contact; the
  holder hears at half time; at expiry, and every half period after, the supervisors and the
  holder hear.
- **close** (contacted): from the first contact to closing; the same steps as contact.

Each step raises the clock's level in the same transaction as its outbox messages, and the
messages carry dedupe keys naming the clock, its deadline and the step: a step is never sent
twice, even when the scheduler restarts mid-run or two schedulers race. A clock that reaches its
deadline marks the referral (`claim_breached`, …): the supervisors' timeliness figures count it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.notify.service import enqueue
from wellbeing.org.models import Role
from wellbeing.referrals.clocks import HALF_DEADLINE, OVERDUE, Clock, next_step, running_clock
from wellbeing.referrals.models import Referral, Status
from wellbeing.referrals.service import add_event
from wellbeing.referrals.staff import staff_covering


def escalate_due(session: Session, now: datetime | None = None) -> int:
    """Take every step now due (at most one per referral per run); return how many."""
    now = now or utcnow()
    taken = 0
    for referral in _running(session):
        clock = running_clock(referral)
        if clock is None:
            continue
        level, due_at = next_step(clock)
        if now < due_at:
            continue
        if clock.name == "claim":
            _claim_step(session, referral, level)
        else:
            _held_step(session, referral, clock, level)
        taken += 1
    session.flush()
    return taken


def _running(session: Session) -> Iterator[Referral]:
    """Referrals with a clock running: open, or held with a contact or close deadline."""
    query = (
        select(Referral)
        .where(
            or_(
                Referral.status == Status.OPEN.value,
                Referral.contact_deadline.is_not(None) & (Referral.status == Status.CLAIMED.value),
                Referral.close_deadline.is_not(None) & (Referral.status == Status.CONTACTED.value),
            )
        )
        .order_by(Referral.priority_rank, Referral.opened_at)
    )
    yield from session.scalars(query)


def _claim_step(session: Session, referral: Referral, level: int) -> None:
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
    if level >= OVERDUE:
        referral.claim_breached = True
    add_event(
        session,
        referral,
        None,
        "escalated" if level >= OVERDUE else "half_deadline",
        {"level": level},
    )


def _held_step(session: Session, referral: Referral, clock: Clock, level: int) -> None:
    """Contact and close clocks: the holder at half time; supervisors and holder after."""
    step = f"referral:{referral.id}:{clock.name}:{clock.deadline.isoformat()}:{level}"
    if level == HALF_DEADLINE:
        recipients = [referral.claimed_by] if referral.claimed_by is not None else []
        kind = f"referral.{clock.name}_due"
    else:
        supervisors = [s.id for s in staff_covering(session, referral.unit, Role.SUPERVISOR)]
        holder = [referral.claimed_by] if referral.claimed_by is not None else []
        recipients = list(dict.fromkeys([*supervisors, *holder]))
        kind = f"referral.{clock.name}_overdue"
        if clock.name == "contact":
            referral.contact_breached = True
        else:
            referral.close_breached = True
    for person_id in recipients:
        enqueue(
            session,
            kind=kind,
            recipient=person_id,
            params={"priority": referral.priority},
            dedupe_key=f"{step}:{person_id}",
        )
    referral.clock_level = level
    add_event(session, referral, None, f"{clock.name}_{_step_name(level)}", {"level": level})


def _step_name(level: int) -> str:
    return "half_time" if level == HALF_DEADLINE else "overdue"


def is_overdue(referral: Referral, now: datetime | None = None) -> bool:
    """Unclaimed past its claim deadline."""
    return referral.status == Status.OPEN.value and (now or utcnow()) >= referral.claim_deadline
