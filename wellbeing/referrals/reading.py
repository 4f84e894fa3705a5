"""Reading a referral as a counsellor sees it — and recording that it was read.

Every call of `read_referral` appends `referral.viewed` and one `submission.viewed` per
submission whose answers or results it shows, in the caller's transaction: the audit log says
who saw which record, never what it contains. Only the submissions behind the referral are shown
with their answers; the trend shows the totals and bands of the submissions behind any of the
officer's referrals (this one or earlier ones). Screenings that raised no referral stay out of a
counsellor's sight (DESIGN.md), except through an audited break-glass.

This module reads submission rows (`wellbeing.screening.models`, tables only) and questionnaire
definitions; it never calls the screening service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.auth.policy import referral_scope_clause
from wellbeing.instruments import Catalogue, Definition
from wellbeing.org.models import Unit, User
from wellbeing.referrals.clocks import running_clock
from wellbeing.referrals.models import Referral, ReferralSubmission, Status
from wellbeing.screening.models import Submission

# What of an event's sealed detail the history shows (counts and levels are internal).
HISTORY_FIELDS = ("reached", "note", "outcome", "to", "priority", "comment", "reason")


@dataclass(frozen=True)
class ReferralRecord:
    """A referral as shown to staff: reasons, history, submissions behind it, earlier results."""

    referral: Referral
    reasons: list[dict[str, Any]]
    history: list[dict[str, Any]]
    submissions: list[dict[str, Any]]
    trend: list[dict[str, Any]]


def text_in(text: Mapping[str, str] | None, lang: str) -> str:
    """A definition's bilingual text in "zh_CN" or "en"."""
    if not text:
        return ""
    return text.get("en" if lang == "en" else "zh-CN") or text.get("zh-CN") or ""


def read_referral(
    session: Session, viewer: User, referral: Referral, catalogue: Catalogue, lang: str
) -> ReferralRecord:
    """Everything the referral page shows, audited (the caller has checked access)."""
    behind = _submissions_behind(session, referral)
    behind_ids = {s.id for s in behind}
    earlier = _officer_submissions(session, referral.officer_id)
    audit(
        session, actor=viewer, action="referral.viewed", target_type="referral",
        target_id=referral.id,
    )  # fmt: skip
    for submission in earlier:
        via = "referral" if submission.id in behind_ids else "trend"
        audit_submission_view(session, viewer, submission, via=via, referral_id=referral.id)
    return ReferralRecord(
        referral=referral,
        reasons=reasons_in(referral, lang),
        history=history_of(referral),
        submissions=[submission_detail(s, catalogue, lang) for s in behind],
        trend=[_trend_point(s, catalogue, lang) for s in earlier],
    )


def audit_submission_view(
    session: Session,
    viewer: User,
    submission: Submission,
    *,
    via: str,
    referral_id: str | None = None,
    break_glass: bool = False,
) -> None:
    """Record that a person saw a submission's answers or results."""
    detail: dict[str, str | bool] = {"via": via}
    if referral_id is not None:
        detail["referral"] = referral_id
    if break_glass:
        detail["break_glass"] = True
    audit(
        session,
        actor=viewer,
        action="submission.viewed",
        target_type="submission",
        target_id=submission.id,
        detail=detail,
    )


def reasons_in(referral: Referral, lang: str) -> list[dict[str, Any]]:
    """The sealed reasons, each in the viewer's language, oldest first."""
    return [
        {
            "source": reason.get("source"),
            "text": reason.get("en" if lang == "en" else "zh") or reason.get("zh") or "",
            "at": datetime.fromisoformat(reason["at"]),
            "message": reason.get("message"),
            "submission_id": reason.get("submission_id"),
        }
        for reason in referral.reasons
    ]


def history_of(referral: Referral) -> list[dict[str, Any]]:
    """Every step of the referral: when, who, what, and the notes written with it."""
    rows = []
    for event in referral.events:
        detail = event.detail or {}
        rows.append(
            {
                "at": event.at,
                "kind": event.kind,
                "actor": event.actor.display_name if event.actor else None,
                **{key: detail[key] for key in HISTORY_FIELDS if key in detail},
            }
        )
    return rows


def submission_detail(submission: Submission, catalogue: Catalogue, lang: str) -> dict[str, Any]:
    """A submission's answers (item texts with the chosen option labels) and scores."""
    payload = submission.opened()
    result = payload.get("result", {})
    definition = (
        catalogue.get(submission.instrument_id) if submission.instrument_id in catalogue else None
    )
    return {
        "id": submission.id,
        "instrument": submission.instrument_id,
        "title": text_in(definition.title, lang) if definition else submission.instrument_id,
        "submitted_at": submission.submitted_at,
        "complete": result.get("complete"),
        "total": result.get("total"),
        "band": result.get("band"),
        "band_label": band_label(definition, result.get("band"), lang),
        "subscales": result.get("subscales") or {},
        "flags": result.get("flags") or [],
        "crisis": bool(payload.get("crisis")),
        "items": _answered_items(definition, payload.get("answers") or {}, lang),
    }


def band_label(definition: Definition | None, band_id: str | None, lang: str) -> str:
    """A band's label in the viewer's language (the id when the definition is gone)."""
    if definition is None or band_id is None:
        return band_id or ""
    band = next((b for b in definition.bands if b.id == band_id), None)
    return text_in(band.label, lang) if band else band_id


def _answered_items(
    definition: Definition | None, answers: Mapping[str, Any], lang: str
) -> list[dict[str, Any]]:
    if definition is None:
        return [{"id": k, "text": k, "value": v, "label": None} for k, v in answers.items()]
    rows = []
    for number, item in enumerate(definition.items, start=1):
        value = answers.get(item.id)
        option = next((o for o in item.options if o.value == value), None)
        rows.append(
            {
                "id": item.id,
                "number": number,
                "text": text_in(item.text, lang) or item.id,
                "value": value,
                "label": text_in(option.label, lang) if option and option.label else None,
            }
        )
    return rows


def _trend_point(submission: Submission, catalogue: Catalogue, lang: str) -> dict[str, Any]:
    result = submission.opened().get("result", {})
    definition = (
        catalogue.get(submission.instrument_id) if submission.instrument_id in catalogue else None
    )
    return {
        "id": submission.id,
        "instrument": submission.instrument_id,
        "submitted_at": submission.submitted_at,
        "total": result.get("total"),
        "band": result.get("band"),
        "band_label": band_label(definition, result.get("band"), lang),
    }


def _submissions_behind(session: Session, referral: Referral) -> list[Submission]:
    return list(
        session.scalars(
            select(Submission)
            .join(ReferralSubmission, ReferralSubmission.submission_id == Submission.id)
            .where(ReferralSubmission.referral_id == referral.id)
            .order_by(Submission.submitted_at, Submission.id)
        )
    )


def _officer_submissions(session: Session, officer_id: int) -> list[Submission]:
    """The officer's submissions that stand behind one of their referrals."""
    behind_any = (
        select(ReferralSubmission.submission_id)
        .join(Referral, Referral.id == ReferralSubmission.referral_id)
        .where(Referral.officer_id == officer_id)
    )
    return list(
        session.scalars(
            select(Submission)
            .where(Submission.officer_id == officer_id, Submission.id.in_(behind_any))
            .order_by(Submission.submitted_at, Submission.id)
        )
    )


ACTIVE = (Status.OPEN.value, Status.CLAIMED.value, Status.CONTACTED.value)


def queue(
    session: Session,
    user: User,
    statuses: Sequence[str] = ACTIVE,
    *,
    claimed_by: User | None = None,
    limit: int = 500,
) -> list[Referral]:
    """Referrals in the user's scope (never their own), by priority then deadline; closed ones
    newest first."""
    query = (
        select(Referral)
        .join(Unit, Referral.unit_id == Unit.id)
        .where(referral_scope_clause(user), Referral.officer_id != user.id)
        .where(Referral.status.in_(list(statuses)))
    )
    if claimed_by is not None:
        query = query.where(Referral.claimed_by == claimed_by.id)
    if list(statuses) == [Status.CLOSED.value]:
        query = query.order_by(Referral.closed_at.desc(), Referral.id)
    else:
        query = query.order_by(Referral.priority_rank, Referral.claim_deadline, Referral.id)
    return list(session.scalars(query.limit(limit)))


def summary(referral: Referral, lang: str, now: datetime) -> dict[str, Any]:
    """A queue row: who, where, how pressing, who holds it, which clock runs (no reasons,
    nothing clinical)."""
    clock = running_clock(referral)
    return {
        "id": referral.id,
        "officer": {"username": referral.officer.username, "name": referral.officer.display_name},
        "unit": {"code": referral.unit.code, "name": referral.unit.name(lang)},
        "priority": referral.priority,
        "status": referral.status,
        "crisis": referral.crisis,
        "opened_at": referral.opened_at,
        "claim_deadline": referral.claim_deadline,
        "overdue": referral.status == Status.OPEN.value and now >= referral.claim_deadline,
        "escalation_level": referral.escalation_level,
        "claimed_by": referral.claimer.username if referral.claimer else None,
        "claimed_by_name": referral.claimer.display_name if referral.claimer else None,
        "claimed_at": referral.claimed_at,
        "closed_at": referral.closed_at,
        "outcome": referral.outcome,
        "kind": referral.kind,
        "clock": clock.name if clock else None,
        "clock_deadline": clock.deadline if clock else None,
        "clock_overdue": clock is not None and now >= clock.deadline,
        "contacted_at": referral.contacted_at,
        "failed_attempts": referral.failed_attempts,
        "review_requested_at": referral.review_requested_at,
        "reviewed_at": referral.reviewed_at,
    }
