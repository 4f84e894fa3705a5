"""What a scored submission causes, inside its transaction: rules, referral, facts, audit.

`foresee` runs before the submission row is written and writes nothing: it evaluates the rules
(pure) and reads the referral the submission will open or join, so what the officer is told —
crisis, referral id and priority, follow-ups — is sealed into the submission once.
`apply_consequences` runs after the row is written and writes what was foreseen; any failure
there rolls the whole submission back, so a referral can never be lost while its submission is
kept.
"""

from __future__ import annotations

from collections.abc import Callable
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
from wellbeing.referrals.opening import ReferralPlan, plan_referral
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


@dataclass(frozen=True)
class Foreseen:
    """The rules' verdict and the referral it opens or joins, known before anything is written."""

    evaluation: Evaluation
    crisis: bool
    plan: ReferralPlan | None
    follow_ups: list[dict[str, Any]]  # an assigned one's assignment_id: None until written

    @property
    def told(self) -> Consequences:
        """What the officer will be told; an assigned follow-up's id is None until written."""
        referral = None
        if self.plan is not None:
            referral = {"id": self.plan.id, "priority": self.plan.priority}
        return Consequences(self.crisis, referral, self.follow_ups)

    @property
    def assigns(self) -> bool:
        """Whether a follow-up is assigned: its assignment's id comes from the database."""
        return any(offer["mode"] == "assign" for offer in self.follow_ups)


def foresee(
    session: Session,
    policy: ScreeningPolicy,
    officer: User,
    result: Result,
    critical: bool,
    previous_total: Fraction | None,
) -> Foreseen:
    """Evaluate the rules and read the referral to open or join; nothing is written."""
    evaluation = evaluate(policy.rules, result, previous_total)
    plan = None
    if evaluation.priority is not None:
        plan = plan_referral(session, officer, evaluation.priority)
    offered = _offered(evaluation, policy)
    return Foreseen(evaluation, critical or evaluation.crisis, plan, offered)


def apply_consequences(
    session: Session,
    policy: ScreeningPolicy,
    officer: User,
    definition: Definition,
    result: Result,
    submission: Submission,
    assignment: OpenAssignment | None,
    foreseen: Foreseen,
) -> Consequences:
    """Write the referral, follow-ups, fact and audit entry `foresee` found."""
    evaluation, crisis = foreseen.evaluation, foreseen.crisis
    referral = _refer(session, policy, officer, foreseen, submission)
    follow_ups = foreseen.follow_ups
    if foreseen.assigns:
        follow_ups = _offered(evaluation, policy, lambda name: _assign(session, officer, name))
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
    foreseen: Foreseen,
    submission: Submission,
) -> dict[str, Any] | None:
    evaluation = foreseen.evaluation
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
        crisis=foreseen.crisis,
        deadlines=policy.deadlines,
        submission_id=submission.id,
        plan=foreseen.plan,
    )
    opened = foreseen.plan is not None and foreseen.plan.joined is None
    route_urgent(session, referral, utcnow(), policy.on_call, opened=opened)  # out of hours
    return {"id": referral.id, "priority": referral.priority}


def _offered(
    evaluation: Evaluation, policy: ScreeningPolicy, assign: Callable[[str], int] | None = None
) -> list[dict[str, Any]]:
    """The follow-ups offered, each with the assignment to answer it in (None: a self-check, or
    an assignment not written yet when `assign` is None)."""
    offered: list[dict[str, Any]] = []
    for follow_up in evaluation.follow_ups:
        if follow_up.instrument not in policy.catalogue:
            continue
        assignment_id = None
        if follow_up.mode == "assign" and assign is not None:
            assignment_id = assign(follow_up.instrument)
        offered.append(
            {
                "instrument": follow_up.instrument,
                "mode": str(follow_up.mode),
                "assignment_id": assignment_id,
            }
        )
    return offered


def _assign(session: Session, officer: User, instrument: str) -> int:
    now = utcnow()
    assignment = Assignment(
        officer_id=officer.id,
        unit_id=officer.unit_id,
        instruments=[instrument],
        opens_at=now,
        closes_at=now + FOLLOW_UP_WINDOW,
        status=AssignmentStatus.PENDING.value,
    )
    session.add(assignment)
    session.flush()  # its id: the officer (or their phone) starts it by this id
    return assignment.id
