"""The only code that changes referrals: open or join, claim, contact, close, reassign.

Every transition is written to the referral's history and to the audit log in the caller's
transaction. There is no delete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.auth.policy import referral_scope_clause
from wellbeing.core.clock import utcnow
from wellbeing.notify.service import enqueue
from wellbeing.org.models import Role, RoleGrant, Unit, User
from wellbeing.referrals.errors import AlreadyClaimed, NothingToClaim, ReferralError, WrongState
from wellbeing.referrals.models import (
    Outcome,
    Referral,
    ReferralEvent,
    ReferralSubmission,
    Status,
    queue_rank,
)
from wellbeing.rules import Priority


@dataclass(frozen=True)
class Deadlines:
    """How long each priority may wait unclaimed."""

    urgent: timedelta = timedelta(hours=4)
    high: timedelta = timedelta(days=3)
    routine: timedelta = timedelta(days=14)

    def for_priority(self, priority: Priority) -> timedelta:
        """The claim deadline of a priority."""
        return {Priority.URGENT: self.urgent, Priority.HIGH: self.high}.get(priority, self.routine)


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
    .where(Referral.officer_id == bindparam("officer_id"), Referral.status != Status.CLOSED.value)
    .limit(1)
)


_LINK_SUBMISSION = cast(Table, ReferralSubmission.__table__).insert()


def find_referral(session: Session, referral_id: str) -> Referral | None:
    """The referral with this id, if any (whether the caller may see it is `permissions`')."""
    return session.get(Referral, referral_id)


def open_referral_for(session: Session, officer: User) -> Referral | None:
    """The officer's referral that is not yet closed, if any."""
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
) -> Referral:
    """Open a referral, or add these reasons to the officer's open one (priority may rise)."""
    now = utcnow()
    referral = open_referral_for(session, officer)
    if referral is None:
        referral = Referral(
            officer_id=officer.id,
            unit_id=officer.unit_id,
            priority=priority.value,
            priority_rank=queue_rank(priority),
            crisis=crisis,
            opened_at=now,
            claim_deadline=now + deadlines.for_priority(priority),
            reasons=[reason.as_dict(now) for reason in reasons],
        )
        session.add(referral)  # flushed before its event: the event's relationship orders them
        add_event(session, referral, None, "opened", {"priority": priority.value})
        _tell_counsellors(session, referral, "referral.waiting", "opened")
    else:
        referral.reasons = [*referral.reasons, *(reason.as_dict(now) for reason in reasons)]
        referral.crisis = referral.crisis or crisis
        add_event(session, referral, None, "reasons_added", {"count": len(reasons)})
        if queue_rank(priority) < referral.priority_rank:
            _raise_priority(session, referral, priority, deadlines, now)
    session.flush()
    if submission_id is not None:  # after the flush: the referral row exists
        values = {"referral_id": referral.id, "submission_id": submission_id}
        session.connection().execute(_LINK_SUBMISSION, values)
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
    add_event(session, referral, None, "priority_raised", {"priority": priority.value})
    _tell_counsellors(session, referral, "referral.waiting", f"raised:{priority.value}")


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
    """Record a contact attempt (sealed note); reaching the officer moves it to contacted."""
    _require_working(referral)
    add_event(session, referral, counsellor, "contact_attempt", {"reached": reached, "note": note})
    if reached and referral.status == Status.CLAIMED.value:
        referral.status = Status.CONTACTED.value
    session.flush()
    return referral


def add_note(session: Session, referral: Referral, counsellor: User, note: str) -> Referral:
    """Add a sealed case note."""
    _require_working(referral)
    add_event(session, referral, counsellor, "note", {"note": note})
    return referral


def close(
    session: Session, referral: Referral, counsellor: User, *, outcome: Outcome, note: str
) -> Referral:
    """Close with an outcome and a note; the officer's crisis banner ends with it."""
    _require_working(referral)
    if not note.strip():
        raise ReferralError("closing needs a note")
    referral.status, referral.outcome = Status.CLOSED.value, outcome.value
    referral.closed_at = utcnow()
    add_event(session, referral, counsellor, "closed", {"outcome": outcome.value, "note": note})
    return referral


def reassign(session: Session, referral: Referral, supervisor: User, counsellor: User) -> Referral:
    """A supervisor hands a referral to another counsellor."""
    if referral.status == Status.CLOSED.value:
        raise WrongState("closed")
    referral.claimed_by, referral.claimed_at = counsellor.id, utcnow()
    if referral.status == Status.OPEN.value:
        referral.status = Status.CLAIMED.value
    add_event(session, referral, supervisor, "reassigned", {"to": counsellor.username})
    return referral


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
    audit(
        session,
        actor=actor,
        action=f"referral.{kind}",
        target_type="referral",
        target_id=referral.id,
    )
    return event


_UNITS = cast(Table, Unit.__table__)
_GRANTS = cast(Table, RoleGrant.__table__)
_USERS = cast(Table, User.__table__)
_UNIT_PATH = select(_UNITS.c.path).where(_UNITS.c.id == bindparam("unit_id"))
# Who covers a unit: active users with a grant of the role scoped to the unit or an ancestor.
# Built once (the submission path asks it whenever a referral opens).
_COVERING = select(_USERS.c.id).where(
    _USERS.c.active.is_(True),
    _USERS.c.id.in_(
        select(_GRANTS.c.user_id).where(
            _GRANTS.c.role == bindparam("role"),
            _GRANTS.c.scope_unit_id.in_(bindparam("ancestors", expanding=True)),
        )
    ),
)
_COVERING_IDS = _COVERING.order_by(_USERS.c.id)


def staff_covering(session: Session, unit: Unit, role: Role) -> list[User]:
    """Active users holding a role whose scope covers the unit."""
    query = select(User).where(User.id.in_(_COVERING)).order_by(User.id)
    return list(session.scalars(query, _covering_params(unit.path, role)))


def staff_ids_covering(session: Session, unit_id: int, role: Role) -> list[int]:
    """`staff_covering`'s users as ids (the submission path: no users loaded)."""
    path = session.connection().execute(_UNIT_PATH, {"unit_id": unit_id}).scalar_one()
    params = _covering_params(path, role)
    return list(session.connection().execute(_COVERING_IDS, params).scalars())


def _covering_params(path: str, role: Role) -> dict[str, object]:
    return {"role": role.value, "ancestors": _ancestors(path)}


def _ancestors(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _tell_counsellors(session: Session, referral: Referral, kind: str, step: str) -> None:
    for person_id in staff_ids_covering(session, referral.unit_id, Role.COUNSELLOR):
        enqueue(
            session,
            kind=kind,
            recipient=person_id,
            params={"priority": referral.priority},
            dedupe_key=f"referral:{referral.id}:{step}:{person_id}",
        )
