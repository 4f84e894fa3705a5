"""The only code that changes referrals: open or join, claim, contact, close, reassign.

Every transition is written to the referral's history and to the audit log in the caller's
transaction. There is no delete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.auth.policy import referral_scope_clause
from wellbeing.core.clock import utcnow
from wellbeing.core.db import new_id
from wellbeing.org.models import Role, Unit, User
from wellbeing.referrals.clocks import minutes_of, start_contact_clock, tighten_running_clock
from wellbeing.referrals.errors import (
    AlreadyClaimed,
    NothingToClaim,
    ReferralError,
    RiskAssessmentRequired,
    WrongState,
)
from wellbeing.referrals.models import (
    Kind,
    Outcome,
    Referral,
    ReferralEvent,
    RiskAssessment,
    Status,
    queue_rank,
)
from wellbeing.referrals.opening import (
    ReferralPlan,
    insert_opened,
    link_submission,
    plan_referral,
    tell_covering,
)
from wellbeing.referrals.review import ReviewPolicy, mark_for_review
from wellbeing.rules import Priority


@dataclass(frozen=True)
class Deadlines:
    """The three clocks per priority: claim (from opening), first contact (from the claim) and
    close (from the first contact)."""

    urgent: timedelta = timedelta(hours=4)
    high: timedelta = timedelta(days=3)
    routine: timedelta = timedelta(days=14)
    contact_urgent: timedelta = timedelta(hours=1)
    contact_high: timedelta = timedelta(days=1)
    contact_routine: timedelta = timedelta(days=5)
    close_urgent: timedelta = timedelta(days=7)
    close_high: timedelta = timedelta(days=14)
    close_routine: timedelta = timedelta(days=30)
    outreach_claim: timedelta = timedelta(hours=24)
    outreach_contact: timedelta = timedelta(hours=48)

    def for_priority(self, priority: Priority) -> timedelta:
        """The claim deadline of a priority."""
        return {Priority.URGENT: self.urgent, Priority.HIGH: self.high}.get(priority, self.routine)

    def contact_for(self, priority: Priority) -> timedelta:
        """How long after the claim the officer must be reached."""
        by = {Priority.URGENT: self.contact_urgent, Priority.HIGH: self.contact_high}
        return by.get(priority, self.contact_routine)

    def close_for(self, priority: Priority) -> timedelta:
        """How long after the first contact the case should close."""
        by = {Priority.URGENT: self.close_urgent, Priority.HIGH: self.close_high}
        return by.get(priority, self.close_routine)


@dataclass(frozen=True)
class Reason:
    """Why a referral exists: a rule that fired, or the officer asking; texts in both languages."""

    source: str
    zh: str
    en: str
    submission_id: str | None = None
    message: str | None = None

    def as_dict(self, at: datetime) -> dict[str, Any]:
        """The sealed form."""
        return {
            "source": self.source,
            "zh": self.zh,
            "en": self.en,
            "at": at.isoformat(),
            "submission_id": self.submission_id,
            "message": self.message,
        }


# Built once: a submission that fires a rule asks this (statement building costs more than
# running it; docs/deployment.md §11).
_OPEN_REFERRAL = (
    select(Referral)
    .where(
        Referral.officer_id == bindparam("officer_id"),
        Referral.status != Status.CLOSED.value,
        Referral.kind == Kind.REFERRAL.value,
    )
    .limit(1)
)


def find_referral(session: Session, referral_id: str) -> Referral | None:
    """The referral with this id, if any (whether the caller may see it is `permissions`')."""
    return session.get(Referral, referral_id)


def open_referral_for(session: Session, officer: User) -> Referral | None:
    """The officer's referral (not an outreach task) that is not yet closed, if any."""
    return session.scalars(_OPEN_REFERRAL, {"officer_id": officer.id}).first()


def open_or_join(
    session: Session,
    officer: User,
    *,
    priority: Priority,
    reasons: Sequence[Reason],
    crisis: bool,
    deadlines: Deadlines,
    submission_id: str | None = None,
    plan: ReferralPlan | None = None,
) -> Referral:
    """Open a referral, or add these reasons to the officer's open one (priority may rise).

    `plan` is what `opening.plan_referral` read for this officer and priority (read now when
    not given); a new referral gets the planned id."""
    now = utcnow()
    plan = plan or plan_referral(session, officer, priority)
    referral = plan.joined
    if referral is None:
        referral = Referral(
            id=plan.id,
            officer_id=officer.id,
            unit_id=plan.unit.id,
            priority=priority.value,
            priority_rank=queue_rank(priority),
            status=Status.OPEN.value,
            kind=Kind.REFERRAL.value,
            crisis=crisis,
            opened_at=now,
            claim_deadline=now + deadlines.for_priority(priority),
            contact_minutes=minutes_of(deadlines.contact_for(priority)),
            close_minutes=minutes_of(deadlines.close_for(priority)),
        )
        referral.reasons = [reason.as_dict(now) for reason in reasons]
        referral.unit = plan.unit  # loaded: on-call routing reads it without a query
        event = ReferralEvent(id=new_id(), referral_id=referral.id, officer_id=officer.id)
        event.at, event.actor_id, event.kind = utcnow(), None, "opened"
        event.detail = {"priority": priority.value}
        insert_opened(session, referral, event, submission_id)
        _audit_event(session, referral, None, "opened")
        tell_covering(session, referral, Role.COUNSELLOR, "referral.waiting", "opened")
        return referral
    referral.reasons = [*referral.reasons, *(reason.as_dict(now) for reason in reasons)]
    referral.crisis = referral.crisis or crisis
    add_event(session, referral, None, "reasons_added", {"count": len(reasons)})
    if queue_rank(priority) < referral.priority_rank:
        _raise_priority(session, referral, priority, deadlines, now)
    session.flush()
    if submission_id is not None:  # after the flush: the referral row exists
        link_submission(session, referral.id, submission_id)
    return referral


SELF_REFERRAL_MESSAGE_MAX = 2000


def self_refer(
    session: Session, officer: User, message: str | None, deadlines: Deadlines
) -> Referral:
    """The officer asks to talk to a counsellor: a routine referral, or joining the open one.

    The optional message is sealed with the reasons; it never reaches the audit log.
    """
    text = (message or "").strip() or None
    if text is not None and len(text) > SELF_REFERRAL_MESSAGE_MAX:
        raise ReferralError("message too long")
    reason = Reason(
        "self", "本人申请与咨询师交谈", "The officer asked to talk to a counsellor", message=text
    )
    referral = open_or_join(
        session,
        officer,
        priority=Priority.ROUTINE,
        reasons=[reason],
        crisis=False,
        deadlines=deadlines,
    )
    audit(
        session,
        actor=officer,
        action="referral.self_referred",
        target_type="referral",
        target_id=referral.id,
    )
    return referral


def _raise_priority(
    session: Session, referral: Referral, priority: Priority, deadlines: Deadlines, now: datetime
) -> None:
    referral.priority, referral.priority_rank = priority.value, queue_rank(priority)
    if referral.status == Status.OPEN.value:
        referral.claim_deadline = min(
            referral.claim_deadline, now + deadlines.for_priority(priority)
        )
        referral.escalation_level = 0
    contact, close = (
        minutes_of(deadlines.contact_for(priority)),
        minutes_of(deadlines.close_for(priority)),
    )
    referral.contact_minutes = min(referral.contact_minutes or contact, contact)
    referral.close_minutes = min(referral.close_minutes or close, close)
    tighten_running_clock(referral, now)
    add_event(session, referral, None, "priority_raised", {"priority": priority.value})
    tell_covering(
        session, referral, Role.COUNSELLOR, "referral.waiting", f"raised:{priority.value}"
    )


def claim(session: Session, referral: Referral, counsellor: User) -> Referral:
    """Claim an open referral; exactly one of several simultaneous claims wins."""
    now = utcnow()
    won = session.execute(  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        update(Referral)
        .where(Referral.id == referral.id, Referral.status == Status.OPEN.value)
        .values(status=Status.CLAIMED.value, claimed_by=counsellor.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(referral)
    if won != 1:
        holder = referral.claimer.display_name if referral.claimer else "?"
        raise AlreadyClaimed(holder)
    start_contact_clock(referral, now)
    add_event(session, referral, counsellor, "claimed", None)
    return referral


def claim_next(session: Session, counsellor: User) -> Referral:
    """Claim the most pressing open referral in the counsellor's scope."""
    for _attempt in range(5):
        query = (
            select(Referral)
            .join(Unit, Referral.unit_id == Unit.id)
            .where(Referral.status == Status.OPEN.value)
            .where(referral_scope_clause(counsellor))
            .where(Referral.officer_id != counsellor.id)  # nobody works their own referral
            .order_by(Referral.priority_rank, Referral.claim_deadline)
            .limit(1)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=Referral)
        candidate = session.scalars(query).first()
        if candidate is None:
            raise NothingToClaim
        try:
            return claim(session, candidate, counsellor)
        except AlreadyClaimed:
            continue  # someone else took it between our read and our update: try the next
    raise NothingToClaim


def record_contact(
    session: Session, referral: Referral, counsellor: User, *, reached: bool, note: str
) -> Referral:
    """Record a contact attempt (sealed note).

    Reaching the officer moves the referral to contacted and starts the close clock. A failed
    attempt before the first contact restarts the contact clock at half its period; the third
    failed attempt on an urgent referral tells the supervisors (unreachable: a welfare check?).
    """
    _require_working(referral)
    add_event(session, referral, counsellor, "contact_attempt", {"reached": reached, "note": note})
    now = utcnow()
    if reached and referral.status == Status.CLAIMED.value:
        referral.status = Status.CONTACTED.value
        referral.contacted_at, referral.clock_level = now, 0
        referral.close_deadline = now + timedelta(minutes=referral.close_minutes)
    elif not reached and referral.status == Status.CLAIMED.value:
        referral.failed_attempts += 1
        referral.contact_clock_from, referral.clock_level = now, 0
        referral.contact_deadline = now + timedelta(minutes=referral.contact_minutes) / 2
        if referral.failed_attempts == UNREACHABLE_AFTER and referral.priority == "urgent":
            add_event(session, referral, None, "unreachable", {"attempts": UNREACHABLE_AFTER})
            tell_covering(session, referral, Role.SUPERVISOR, "referral.unreachable", "unreachable")
    session.flush()
    return referral


def add_note(session: Session, referral: Referral, counsellor: User, note: str) -> Referral:
    """Add a sealed case note."""
    _require_working(referral)
    add_event(session, referral, counsellor, "note", {"note": note})
    return referral


def close(
    session: Session,
    referral: Referral,
    counsellor: User,
    *,
    outcome: Outcome,
    note: str,
    review: ReviewPolicy,
) -> Referral:
    """Close with an outcome and a note; the officer's crisis banner ends with it.

    An urgent referral closes only after a recorded risk assessment. The review policy decides
    whether the closed case lands in the supervisors' review list.
    """
    _require_working(referral)
    if not note.strip():
        raise ReferralError("closing needs a note")
    if referral.priority == "urgent" and not has_risk_assessment(session, referral):
        raise RiskAssessmentRequired
    now = utcnow()
    referral.status, referral.outcome = Status.CLOSED.value, outcome.value
    referral.closed_at = now
    mark_for_review(session, referral, review, now)
    add_event(session, referral, counsellor, "closed", {"outcome": outcome.value, "note": note})
    return referral


def has_risk_assessment(session: Session, referral: Referral) -> bool:
    """Whether a counsellor recorded a risk assessment on this referral."""
    query = select(RiskAssessment.id).where(RiskAssessment.referral_id == referral.id).limit(1)
    return session.scalar(query) is not None


def reassign(session: Session, referral: Referral, supervisor: User, counsellor: User) -> Referral:
    """A supervisor hands a referral to another counsellor."""
    if referral.status == Status.CLOSED.value:
        raise WrongState("closed")
    now = utcnow()
    referral.claimed_by, referral.claimed_at = counsellor.id, now
    if referral.status == Status.OPEN.value:
        referral.status = Status.CLAIMED.value
        start_contact_clock(referral, now)
    add_event(session, referral, supervisor, "reassigned", {"to": counsellor.username})
    return referral


UNREACHABLE_AFTER = 3  # failed contact attempts on an urgent referral before supervisors hear


def is_working(referral: Referral) -> bool:
    """Whether the referral is held and not closed: contacts, notes, bookings and closing."""
    return referral.status in {Status.CLAIMED.value, Status.CONTACTED.value}


def _require_working(referral: Referral) -> None:
    if not is_working(referral):
        raise WrongState(referral.status)


def add_event(
    session: Session,
    referral: Referral,
    actor: User | None,
    kind: str,
    detail: dict[str, Any] | None,
) -> ReferralEvent:
    event = ReferralEvent(
        referral_id=referral.id,
        officer_id=referral.officer_id,
        at=utcnow(),
        actor_id=actor.id if actor else None,
        kind=kind,
        detail=detail,
    )
    session.add(event)
    _audit_event(session, referral, actor, kind)
    return event


def _audit_event(session: Session, referral: Referral, actor: User | None, kind: str) -> None:
    audit(
        session,
        actor=actor,
        action=f"referral.{kind}",
        target_type="referral",
        target_id=referral.id,
    )
