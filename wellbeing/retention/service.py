"""Purge what is past retention, and erase one officer's clinical data on request.

Each domain deletes its own rows (`screening.retention`, `referrals.retention`); this module
decides the order and what is kept:

- submissions (answers and sealed results) and drafts are deleted; facts stay (anonymous);
- referrals become erased stubs: outcome and the kinds, actors and times of their history
  stay, reasons, notes and links to submissions go;
- consents stay: they record what the officer agreed to and when, nothing clinical;
- a submission behind a referral that is not closed is kept until that referral closes, and an
  erasure request waits until the officer's open referral is closed by the station — nothing
  makes an unfinished case disappear.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.core.clock import utcnow
from wellbeing.core.config import Settings
from wellbeing.crisis import service as safety_plans
from wellbeing.org.models import User
from wellbeing.referrals import retention as referrals
from wellbeing.retention.errors import ErasureRefused
from wellbeing.screening import retention as screening

BATCH = 200
MAX_REFERENCE = 40


class ErasureReason(StrEnum):
    """Why an officer's data is erased (a category: free text could carry clinical detail)."""

    OFFICER_REQUEST = "officer_request"
    LEFT_SERVICE = "left_service"
    LEGAL_ORDER = "legal_order"
    OTHER = "other"


@dataclass(frozen=True)
class RetentionPolicy:
    """How long submissions and closed referrals are kept."""

    submissions: timedelta
    closed_referrals: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        """The policy in force."""
        return cls(
            submissions=timedelta(days=settings.submission_retention_days),
            closed_referrals=timedelta(days=settings.closed_referral_retention_days),
        )


@dataclass(frozen=True)
class PurgeReport:
    """What one purge batch removed; `more` when another batch may find work; `kept`: the
    submissions past retention still behind an open referral (skipped by later batches)."""

    submissions: int = 0
    drafts: int = 0
    referrals: int = 0
    more: bool = False
    kept: frozenset[str] = frozenset()


def purge_batch(
    session: Session,
    policy: RetentionPolicy,
    batch: int = BATCH,
    skip: Collection[str] = (),
) -> PurgeReport:
    """One batch of the retention purge, in the caller's transaction (audited when it did work)."""
    now = utcnow()
    old = screening.submissions_before(session, now - policy.submissions, batch, skip)
    kept = referrals.submissions_still_needed(session, old)
    doomed = [submission_id for submission_id in old if submission_id not in kept]
    referrals.release_submissions(session, doomed)
    deleted = screening.delete_submissions(session, doomed)
    drafts = screening.delete_drafts_before(session, now - policy.submissions)
    stale = referrals.closed_before(session, now - policy.closed_referrals, batch)
    for referral in stale:
        referrals.erase(session, referral, None)
    more = len(old) == batch or len(stale) == batch
    report = PurgeReport(deleted, drafts, len(stale), more, frozenset(kept))
    if deleted or drafts or stale:
        detail = {"submissions": deleted, "drafts": drafts, "referrals": len(stale)}
        audit(
            session,
            actor=None,
            action="retention.purged",
            target_type="retention",
            target_id="batch",
            detail=detail,
        )
    return report


def erase_officer(
    session: Session, officer: User, actor: User, reason: ErasureReason, reference: str = ""
) -> None:
    """Erase an officer's clinical data on request (audited `officer.erased`).

    Refused (ErasureRefused) while a referral of the officer is not closed.
    """
    if referrals.unclosed_referrals_of(session, officer.id):
        raise ErasureRefused("a referral of this officer is still open")
    submission_ids = screening.submissions_of(session, officer.id)
    referrals.release_submissions(session, submission_ids)
    screening.delete_submissions(session, submission_ids)
    screening.delete_drafts_of(session, officer.id)
    for referral in referrals.referrals_of(session, officer.id):
        referrals.erase(session, referral, actor)
    safety_plans.erase_safety_plan(session, officer.id)
    audit(
        session,
        actor=actor,
        action="officer.erased",
        target_type="user",
        target_id=officer.username,
        detail={"reason": reason.value, "reference": reference.strip()[:MAX_REFERENCE]},
    )
    session.flush()
