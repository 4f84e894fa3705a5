"""A supervisor's decision on a closed case: sign it off with a comment, or reopen it with a
reason (back to its holder with a fresh clock). Either is recorded in the case's history with
the text sealed, and marks the case reviewed until it is closed again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.notify.service import enqueue
from wellbeing.org.models import User
from wellbeing.referrals.clocks import start_contact_clock
from wellbeing.referrals.errors import NotReviewable, ReferralError
from wellbeing.referrals.models import Referral, Status
from wellbeing.referrals.service import add_event


def is_reviewable(referral: Referral) -> bool:
    """Closed, and not reviewed since it was (last) closed."""
    if referral.status != Status.CLOSED.value or referral.closed_at is None:
        return False
    return referral.reviewed_at is None or referral.reviewed_at < referral.closed_at


def sign_off(session: Session, referral: Referral, supervisor: User, comment: str) -> Referral:
    """A supervisor signs a closed case off with a comment (sealed in the history)."""
    if not is_reviewable(referral):
        raise NotReviewable
    referral.reviewed_at = utcnow()
    add_event(session, referral, supervisor, "signed_off", {"comment": comment})
    return referral


def reopen(session: Session, referral: Referral, supervisor: User, reason: str) -> Referral:
    """A supervisor reopens a closed case with a reason: it goes back to its holder with a fresh
    close clock (or contact clock, if the officer was never reached); the holder is told."""
    if not is_reviewable(referral):
        raise NotReviewable
    if not reason.strip():
        raise ReferralError("reopening needs a reason")
    now = utcnow()
    referral.reviewed_at, referral.closed_at, referral.outcome = now, None, None
    referral.clock_level = 0
    if referral.contacted_at is not None:
        referral.status = Status.CONTACTED.value
        referral.close_deadline = now + timedelta(minutes=referral.close_minutes)
    else:
        referral.status = Status.CLAIMED.value
        start_contact_clock(referral, now)
    add_event(session, referral, supervisor, "reopened", {"reason": reason})
    if referral.claimed_by is not None:
        enqueue(
            session,
            kind="referral.reopened",
            recipient=referral.claimed_by,
            params={"priority": referral.priority},
            dedupe_key=f"referral:{referral.id}:reopened:{now.isoformat()}",
        )
    return referral
