"""Retention and erasure on the screening side: the only code that deletes submissions and drafts.

Callers (`wellbeing.retention`) first let the referral domain drop its links to the
submissions; facts are not touched (they are anonymous and carry no submission id).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wellbeing.screening.models import Draft, Submission


def submissions_before(
    session: Session, before: datetime, limit: int, skip: Collection[str] = ()
) -> list[str]:
    """Ids of submissions made before `before` (except `skip`), oldest first, at most `limit`."""
    query = select(Submission.id).where(Submission.submitted_at < before)
    if skip:
        query = query.where(Submission.id.not_in(list(skip)))
    ordered = query.order_by(Submission.submitted_at, Submission.id).limit(limit)
    return list(session.scalars(ordered))


def submissions_of(session: Session, officer_id: int) -> list[str]:
    """Ids of every submission of one officer."""
    return list(session.scalars(select(Submission.id).where(Submission.officer_id == officer_id)))


def delete_submissions(session: Session, ids: Sequence[str]) -> int:
    """Delete these submissions (answers and sealed results go with them); returns how many."""
    if not ids:
        return 0
    result = session.execute(delete(Submission).where(Submission.id.in_(list(ids))))
    return int(result.rowcount)  # type: ignore[attr-defined]  # a DELETE's CursorResult


def delete_drafts_before(session: Session, before: datetime) -> int:
    """Delete drafts last saved before `before`; returns how many."""
    result = session.execute(delete(Draft).where(Draft.updated_at < before))
    return int(result.rowcount)  # type: ignore[attr-defined]


def delete_drafts_of(session: Session, officer_id: int) -> int:
    """Delete every draft of one officer; returns how many."""
    result = session.execute(delete(Draft).where(Draft.officer_id == officer_id))
    return int(result.rowcount)  # type: ignore[attr-defined]
