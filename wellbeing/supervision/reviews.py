"""The supervisors' review list and their decisions on closed cases.

Closing a case chooses it for review or not (`wellbeing.referrals.review.ReviewPolicy`: by
default every urgent case and a fifth of the others). The review list holds the chosen cases in
the supervisor's scope that are closed and not reviewed since they were (last) closed, oldest
first, each with how long it has waited since closing. A reopened case keeps its mark: when its
holder closes it again it is back in the list.

A decision signs the case off with a comment or reopens it with a reason; the referral service
records it in the case's history (the comment sealed) and in the audit log. A supervisor may also
decide on a closed case that was not chosen (from the case's page); it then never was in the list.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from wellbeing.auth.policy import units_in_scope_clause
from wellbeing.org.models import Role, Unit, User
from wellbeing.referrals import supervising
from wellbeing.referrals.errors import ReferralError
from wellbeing.referrals.models import Referral, Status

COMMENT_MAX = 5000
LIST_LIMIT = 500


class Decision(enum.StrEnum):
    """What a supervisor decides on a closed case."""

    SIGNED_OFF = "signed_off"
    REOPENED = "reopened"


@dataclass(frozen=True)
class WaitingReview:
    """A case in the review list and how long it has waited since it was closed."""

    referral: Referral
    waiting: timedelta


def pending_clause() -> ColumnElement[bool]:
    """SQL condition on Referral: chosen for review, closed, not reviewed since (last) closed."""
    return and_(
        Referral.status == Status.CLOSED.value,
        Referral.closed_at.is_not(None),
        Referral.review_requested_at.is_not(None),
        or_(Referral.reviewed_at.is_(None), Referral.reviewed_at < Referral.closed_at),
    )


def review_list(session: Session, supervisor: User, now: datetime) -> list[WaitingReview]:
    """The cases waiting for this supervisor's review, oldest closing first (never their own
    referral, never a case they held)."""
    query = (
        select(Referral)
        .join(Unit, Referral.unit_id == Unit.id)
        .where(units_in_scope_clause(supervisor, Role.SUPERVISOR))
        .where(Referral.officer_id != supervisor.id)
        .where(or_(Referral.claimed_by.is_(None), Referral.claimed_by != supervisor.id))
        .where(pending_clause())
        .order_by(Referral.closed_at, Referral.id)
        .limit(LIST_LIMIT)
    )
    return [
        WaitingReview(referral, now - (referral.closed_at or now))
        for referral in session.scalars(query)
    ]


def decide(
    session: Session, referral: Referral, supervisor: User, decision: Decision, comment: str
) -> Referral:
    """Sign off (comment) or reopen (reason); the caller has checked the supervisor's scope.

    Raises `NotReviewable` when the case is not closed or was reviewed since it was closed, and
    `ReferralError` for an empty or overlong comment; nothing is written then.
    """
    if not comment.strip() or len(comment) > COMMENT_MAX:
        raise ReferralError("review needs a comment")
    if decision is Decision.SIGNED_OFF:
        return supervising.sign_off(session, referral, supervisor, comment)
    return supervising.reopen(session, referral, supervisor, comment)
