"""Risk assessments on referrals and officers' safety plans: the only code that writes them.

Access is the faces' check (`referrals.permissions`): recording a risk assessment and writing
the counsellor's plan need `may_work` (the holder or a supervisor in scope); reading them needs
`may_see` (the referral's counsellors and supervisors in scope). An officer reaches only their
own plan. Every write and every staff read is audited with ids only — never a level, a factor or
a line of a plan.

Risk assessments: any priority (the page offers the form first on urgent ones), not on a closed
referral; the level, factors, actions and note are one sealed body.

Safety plans, one per officer: the counsellor writes the plan with the officer on a referral
that is not closed; the officer's own copy starts as that text. A later counsellor write
replaces the officer's copy only while the officer has not changed it (their copy still equals
the counsellor's previous text); once the officer has made it their own, it is kept and both
versions are shown side by side — to the officer (the counsellor's text) and to staff (the
officer's edits). An officer may also start a plan of their own before any counsellor wrote one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.core.clock import utcnow
from wellbeing.crisis.errors import InvalidInput, ReferralClosed
from wellbeing.crisis.input import Plan, is_empty, parse_assessment, parse_plan
from wellbeing.crisis.models import SafetyPlan
from wellbeing.org.models import User
from wellbeing.referrals.models import Referral, RiskAssessment, Status


def record_risk_assessment(
    session: Session,
    referral: Referral,
    counsellor: User,
    *,
    level: Any,
    factors: Any,
    actions: Any,
    note: Any = None,
) -> RiskAssessment:
    """Check and record a sealed risk assessment (the caller has checked `may_work`).

    Raises `InvalidInput` naming the field, or `ReferralClosed`; nothing is written then.
    """
    checked = parse_assessment(level, factors, actions, note)
    if referral.status == Status.CLOSED.value:
        raise ReferralClosed
    assessment = RiskAssessment(
        referral_id=referral.id, officer_id=referral.officer_id, author_id=counsellor.id,
        at=utcnow(),
    )  # fmt: skip
    assessment.body = checked.body()
    session.add(assessment)
    session.flush()
    audit(
        session, actor=counsellor, action="referral.risk_assessed", target_type="referral",
        target_id=referral.id, detail={"assessment": assessment.id},
    )  # fmt: skip
    return assessment


def assessment_view(assessment: RiskAssessment) -> dict[str, Any]:
    """One assessment as the faces show it: when, who, level, factors, actions, note."""
    body = assessment.body
    return {
        "id": assessment.id,
        "at": assessment.at,
        "author": assessment.author.display_name,
        "level": body.get("level"),
        "factors": list(body.get("factors") or []),
        "actions": list(body.get("actions") or []),
        "note": body.get("note") or "",
    }


def assessments(session: Session, referral: Referral, viewer: User) -> list[dict[str, Any]]:
    """The referral's risk assessments, newest first, opened for a `may_see` viewer; audited
    (`referral.risk_assessments_viewed`) when there is any to see."""
    rows = list(
        session.scalars(
            select(RiskAssessment)
            .where(RiskAssessment.referral_id == referral.id)
            .order_by(RiskAssessment.at.desc(), RiskAssessment.id)
        )
    )
    if rows:
        audit(
            session, actor=viewer, action="referral.risk_assessments_viewed",
            target_type="referral", target_id=referral.id, detail={"count": len(rows)},
        )  # fmt: skip
    return [assessment_view(row) for row in rows]


@dataclass(frozen=True)
class PlanView:
    """Both versions of a plan, and when each was last written."""

    own: Plan
    counsellor: Plan | None
    updated_at: datetime
    counsellor_at: datetime | None
    officer_edited_at: datetime | None
    referral_id: str | None

    @property
    def differs(self) -> bool:
        """Whether the officer's copy is not the counsellor's text."""
        return self.counsellor is not None and self.own != self.counsellor


def plan_of(session: Session, officer_id: int) -> SafetyPlan | None:
    """The officer's plan row, if any."""
    return session.scalar(select(SafetyPlan).where(SafetyPlan.officer_id == officer_id))


def has_safety_plan(session: Session, officer: User) -> bool:
    """Whether the officer has a plan (for a link; opens nothing)."""
    return (
        session.scalar(select(SafetyPlan.id).where(SafetyPlan.officer_id == officer.id)) is not None
    )


def write_plan_as_counsellor(
    session: Session, referral: Referral, counsellor: User, body: Mapping[str, Any]
) -> PlanView:
    """Write the counsellor's version of the referral's officer's plan (the caller has checked
    `may_work`); the officer's copy follows unless the officer has changed it.

    Raises `InvalidInput` (a bad or empty plan) or `ReferralClosed`; nothing is written then.
    """
    plan = parse_plan(body)
    if is_empty(plan):
        raise InvalidInput("plan", "empty")
    if referral.status == Status.CLOSED.value:
        raise ReferralClosed
    now, row = utcnow(), plan_of(session, referral.officer_id)
    if row is None:
        row = SafetyPlan(officer_id=referral.officer_id)
        session.add(row)
        row.own_plan = plan
    elif _officer_kept_counsellor_text(row):
        row.own_plan = plan
    row.counsellor_plan = plan
    row.referral_id, row.counsellor_at = referral.id, now
    row.updated_at, row.updated_by = now, counsellor.id
    session.flush()
    audit(
        session, actor=counsellor, action="safety_plan.written", target_type="safety_plan",
        target_id=row.id, detail={"referral": referral.id},
    )  # fmt: skip
    return view_of(row)


def write_plan_as_officer(session: Session, officer: User, body: Mapping[str, Any]) -> PlanView:
    """Replace the officer's own copy (starting a plan if there is none yet).

    Raises `InvalidInput`; nothing is written then.
    """
    plan = parse_plan(body)
    now, row = utcnow(), plan_of(session, officer.id)
    if row is None:
        row = SafetyPlan(officer_id=officer.id)
        session.add(row)
    row.own_plan = plan
    row.officer_edited_at = row.updated_at = now
    row.updated_by = officer.id
    session.flush()
    audit(
        session, actor=officer, action="safety_plan.officer_edited", target_type="safety_plan",
        target_id=row.id,
    )  # fmt: skip
    return view_of(row)


def read_plan_for_officer(session: Session, officer: User) -> PlanView | None:
    """The officer's own plan, both versions (None: no plan yet)."""
    row = plan_of(session, officer.id)
    return view_of(row) if row is not None else None


def read_plan_for_staff(session: Session, referral: Referral, viewer: User) -> PlanView | None:
    """The referral's officer's plan for a `may_see` viewer, both versions; audited
    (`safety_plan.viewed`, with the referral it was read through)."""
    row = plan_of(session, referral.officer_id)
    if row is None:
        return None
    audit(
        session, actor=viewer, action="safety_plan.viewed", target_type="safety_plan",
        target_id=row.id, detail={"referral": referral.id},
    )  # fmt: skip
    return view_of(row)


def erase_safety_plan(session: Session, officer_id: int) -> int:
    """Delete the officer's plan (erasure of their clinical data); how many rows went."""
    result = session.execute(delete(SafetyPlan).where(SafetyPlan.officer_id == officer_id))
    return int(getattr(result, "rowcount", 0) or 0)


def view_of(row: SafetyPlan) -> PlanView:
    """Open both versions of a plan row."""
    return PlanView(
        own=row.own_plan,
        counsellor=row.counsellor_plan,
        updated_at=row.updated_at,
        counsellor_at=row.counsellor_at,
        officer_edited_at=row.officer_edited_at,
        referral_id=row.referral_id,
    )


def _officer_kept_counsellor_text(row: SafetyPlan) -> bool:
    own, previous = row.own_plan, row.counsellor_plan
    return own == previous or (previous is None and is_empty(own))
