"""Outreach after a critical incident (战时心理服务): one task per officer involved.

An outreach task is a referral of its own kind (`Kind.OUTREACH`): claimed within the outreach
claim period, the officer contacted within the outreach contact period after the claim, closed
like any referral, with the same clocks and escalation. It never joins the officer's screening
referral. The officer may decline it in one tap; command sees counts only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.notify.service import Outgoing, enqueue_all
from wellbeing.org.models import Role, User
from wellbeing.referrals.clocks import minutes_of
from wellbeing.referrals.errors import WrongState
from wellbeing.referrals.models import Kind, Outcome, Referral, Status, queue_rank
from wellbeing.referrals.service import Deadlines, Reason, add_event
from wellbeing.referrals.staff import staff_ids_covering
from wellbeing.rules import Priority

OUTREACH_REASON = Reason(
    "incident",
    "重大事件后的主动联系：请在时限内联系这名民警（辅警）",
    "Outreach after a critical incident: please contact this officer in time",
)


def open_outreach(
    session: Session, officers: Sequence[User], incident_id: int, deadlines: Deadlines
) -> list[Referral]:
    """Open one outreach task per officer involved in an incident (战时心理服务).

    An outreach task is a referral of its own kind: claimed within the outreach claim period,
    the officer contacted within the outreach contact period after the claim, closed like any
    referral; it has the same clocks and escalation, and never joins the officer's referral.
    Counsellors in scope hear once per incident.
    """
    now, opened = utcnow(), []
    for officer in officers:
        task = Referral(
            officer_id=officer.id,
            unit_id=officer.unit_id,
            kind=Kind.OUTREACH.value,
            incident_id=incident_id,
            priority=Priority.HIGH.value,
            priority_rank=queue_rank(Priority.HIGH),
            crisis=False,
            opened_at=now,
            claim_deadline=now + deadlines.outreach_claim,
            contact_minutes=minutes_of(deadlines.outreach_contact),
            close_minutes=minutes_of(deadlines.close_for(Priority.HIGH)),
            reasons=[OUTREACH_REASON.as_dict(now)],
        )
        session.add(task)
        add_event(session, task, None, "opened", {"kind": Kind.OUTREACH.value})
        opened.append(task)
    session.flush()
    told: dict[int, Outgoing] = {}  # each counsellor once per incident, in one statement
    for task in opened:
        for person_id in staff_ids_covering(session, task.unit_id, Role.COUNSELLOR):
            if person_id not in told and person_id != task.officer_id:
                told[person_id] = Outgoing(person_id, f"outreach:{incident_id}:{person_id}")
    enqueue_all(session, kind="outreach.waiting", to=list(told.values()), params={})
    return opened


def decline_outreach(session: Session, task: Referral, officer: User) -> Referral:
    """The officer declines outreach in one tap: recorded, and the task closes (no more clocks).

    Only the officer's own outreach task that is not yet closed; their follow-up screenings stay.
    """
    if task.kind != Kind.OUTREACH.value or task.officer_id != officer.id:
        raise WrongState("not your outreach")
    if task.status == Status.CLOSED.value:
        raise WrongState(task.status)
    task.status, task.outcome = Status.CLOSED.value, Outcome.DECLINED.value
    task.closed_at = utcnow()
    add_event(session, task, officer, "declined_by_officer", None)
    return task


def outreach_for(session: Session, officer: User) -> list[Referral]:
    """The officer's outreach tasks that are not closed (what they may decline)."""
    query = (
        select(Referral)
        .where(
            Referral.officer_id == officer.id,
            Referral.kind == Kind.OUTREACH.value,
            Referral.status != Status.CLOSED.value,
        )
        .order_by(Referral.opened_at)
    )
    return list(session.scalars(query))


def open_task_of(session: Session, officer: User, task_id: str) -> Referral | None:
    """The officer's own outreach task with this id, if it is still open (else None: 404)."""
    return next((task for task in outreach_for(session, officer) if task.id == task_id), None)


@dataclass(frozen=True)
class OutreachCounts:
    """What command may know of an incident's outreach: how many involved, how many reached."""

    involved: int
    reached: int


def outreach_counts(session: Session, incident_id: int) -> OutreachCounts:
    """Counts only: a decline and a task still waiting look the same from here."""
    rows = session.execute(
        select(Referral.contacted_at).where(
            Referral.incident_id == incident_id, Referral.kind == Kind.OUTREACH.value
        )
    ).all()
    return OutreachCounts(len(rows), sum(1 for (at,) in rows if at is not None))
