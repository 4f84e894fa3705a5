"""What a scored submission causes, inside its transaction: rules, referral, facts, audit.

Called by `service.submit` after the submission row is written; any failure here rolls the
whole submission back, so a referral can never be lost while its submission is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.core.clock import utcnow
from wellbeing.facts.service import record_fact
from wellbeing.instruments import Definition, Result
from wellbeing.oncall.routing import route_urgent
from wellbeing.org.models import User
from wellbeing.referrals.service import Reason, open_or_join
from wellbeing.rules import Evaluation, evaluate
from wellbeing.screening.models import Assignment, AssignmentStatus, Submission
from wellbeing.screening.policy import ScreeningPolicy
from wellbeing.screening.progress import OpenAssignment

FOLLOW_UP_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Consequences:
    """What the officer is told beyond the score."""

    crisis: bool
    referral: dict[str, Any] | None
    follow_ups: list[dict[str, Any]] = field(default_factory=list)


def apply_consequences(
    session: Session,
    policy: ScreeningPolicy,
    officer: User,
    definition: Definition,
    result: Result,
    submission: Submission,
    assignment: OpenAssignment | None,
    critical: bool,
    previous_total: Fraction | None,
) -> Consequences:
    """Evaluate the rules and write the referral, follow-ups, fact and audit entry."""
    evaluation = evaluate(policy.rules, result, previous_total)
    crisis = critical or evaluation.crisis
    referral = _refer(session, policy, officer, evaluation, submission, crisis)
    follow_ups = _follow_ups(session, policy, officer, evaluation)
    if assignment is not None and assignment.wave_id is not None and result.complete:
        record_fact(
            session,
            unit_id=assignment.unit_id,  # where the wave counted the officer as invited
            wave_id=assignment.wave_id,
            instrument_id=definition.id,
            band=result.band,
            total=result.total,
            staff_category=officer.staff_category,  # 民警/辅警, sealed with the band
        )
    audit(
        session,
        actor=officer,
        action="screening.submitted",
        target_type="submission",
        target_id=submission.id,
        detail={"instrument": definition.id},
    )
    return Consequences(crisis, referral, follow_ups)


def _refer(
    session: Session,
    policy: ScreeningPolicy,
    officer: User,
    evaluation: Evaluation,
    submission: Submission,
    crisis: bool,
) -> dict[str, Any] | None:
    if evaluation.priority is None:
        return None
    reasons = [
        Reason(
            "rule",
            reason.text.get("zh-CN", ""),
            reason.text.get("en", ""),
            submission_id=submission.id,
        )
        for reason in evaluation.reasons
    ]
    referral = open_or_join(
        session,
        officer,
        priority=evaluation.priority,
        reasons=reasons,
        crisis=crisis,
        deadlines=policy.deadlines,
        submission_id=submission.id,
    )
    route_urgent(session, referral, utcnow(), policy.on_call)  # outside office hours: on call
    return {"id": referral.id, "priority": referral.priority}


def _follow_ups(
    session: Session, policy: ScreeningPolicy, officer: User, evaluation: Evaluation
) -> list[dict[str, Any]]:
    """The follow-ups offered, each with the assignment to answer it in (None: a self-check)."""
    offered: list[dict[str, Any]] = []
    for follow_up in evaluation.follow_ups:
        if follow_up.instrument not in policy.catalogue:
            continue
        assignment_id = None
        if follow_up.mode == "assign":
            now = utcnow()
            assignment = Assignment(
                officer_id=officer.id,
                unit_id=officer.unit_id,
                instruments=[follow_up.instrument],
                opens_at=now,
                closes_at=now + FOLLOW_UP_WINDOW,
                status=AssignmentStatus.PENDING.value,
            )
            session.add(assignment)
            session.flush()  # its id: the officer (or their phone) starts it by this id
            assignment_id = assignment.id
        offered.append(
            {
                "instrument": follow_up.instrument,
                "mode": str(follow_up.mode),
                "assignment_id": assignment_id,
            }
        )
    return offered
