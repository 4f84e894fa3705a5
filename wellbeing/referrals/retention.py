"""Retention and erasure on the referral side: erased stubs, and letting go of submissions.

An erased referral keeps what the service needs to show that it was handled — who, which unit,
priority, status, deadlines, outcome, and each history event's kind, actor and time — and loses
its content: reasons, notes, event details, risk assessments and the links to submissions. The
referral row itself is never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wellbeing.org.models import User
from wellbeing.referrals.models import (
    BreakGlass,
    Referral,
    ReferralEvent,
    ReferralSubmission,
    RiskAssessment,
    Status,
)
from wellbeing.referrals.service import add_event


def submissions_still_needed(session: Session, submission_ids: Sequence[str]) -> set[str]:
    """Those of these submissions behind a referral that is not closed yet (kept for now)."""
    if not submission_ids:
        return set()
    query = (
        select(ReferralSubmission.submission_id)
        .join(Referral, Referral.id == ReferralSubmission.referral_id)
        .where(
            ReferralSubmission.submission_id.in_(list(submission_ids)),
            Referral.status != Status.CLOSED.value,
        )
    )
    return set(session.scalars(query))


def release_submissions(session: Session, submission_ids: Sequence[str]) -> None:
    """Drop referral links and break-glass grants for submissions about to be deleted.

    The audit log keeps the record of every break-glass opening and reading.
    """
    if not submission_ids:
        return
    ids = list(submission_ids)
    session.execute(delete(ReferralSubmission).where(ReferralSubmission.submission_id.in_(ids)))
    session.execute(delete(BreakGlass).where(BreakGlass.submission_id.in_(ids)))


def unclosed_referrals_of(session: Session, officer_id: int) -> int:
    """How many of an officer's referrals are not closed (erasure waits for them)."""
    query = select(Referral.id).where(
        Referral.officer_id == officer_id, Referral.status != Status.CLOSED.value
    )
    return len(list(session.scalars(query)))


def closed_before(session: Session, before: datetime, limit: int) -> list[Referral]:
    """Closed, not yet erased referrals closed before `before`, oldest first."""
    query = (
        select(Referral)
        .where(
            Referral.status == Status.CLOSED.value,
            Referral.erased.is_(False),
            Referral.closed_at < before,
        )
        .order_by(Referral.closed_at, Referral.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def referrals_of(session: Session, officer_id: int) -> list[Referral]:
    """Every referral of one officer not yet erased."""
    query = select(Referral).where(Referral.officer_id == officer_id, Referral.erased.is_(False))
    return list(session.scalars(query))


def erase(session: Session, referral: Referral, actor: User | None) -> Referral:
    """Turn a closed referral into an erased stub (audited as `referral.erased`)."""
    if referral.status != Status.CLOSED.value:
        raise ValueError("only a closed referral can be erased")
    referral.reasons = []
    events = session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == referral.id))
    for event in events:
        event.detail_sealed = None  # type: ignore[attr-defined]  # the sealed column itself
    session.execute(delete(ReferralSubmission).where(ReferralSubmission.referral_id == referral.id))
    session.execute(delete(RiskAssessment).where(RiskAssessment.referral_id == referral.id))
    referral.erased = True
    add_event(session, referral, actor, "erased", None)
    session.flush()
    return referral
