"""Break-glass: a supervisor's audited, time-limited access to one submission that raised no
referral.

Opening needs a written reason (at least 20 characters, sealed). The access covers that one
submission, for that supervisor, for 60 minutes. Every opening is audited and announced to the
other supervisors covering the officer's unit; when there is none, to the active admins, so
that someone other than the person who broke the glass always hears of it. Another supervisor
later marks each use reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.auth.policy import units_in_scope_clause
from wellbeing.core.clock import utcnow
from wellbeing.notify.service import enqueue
from wellbeing.org.models import Role, RoleGrant, Unit, User
from wellbeing.referrals.errors import BreakGlassRefused, WrongState
from wellbeing.referrals.models import BreakGlass, ReferralSubmission
from wellbeing.referrals.permissions import may_break_glass
from wellbeing.referrals.staff import staff_covering
from wellbeing.screening.models import Submission

WINDOW = timedelta(minutes=60)
MIN_REASON_LENGTH = 20
MAX_REASON_LENGTH = 2000


@dataclass(frozen=True)
class Listed:
    """One submission of an officer as the search shows it: id and date only."""

    id: str
    submitted_at: datetime
    referral_id: str | None


def raised_referral(session: Session, submission_id: str) -> str | None:
    """The id of the referral a submission raised, if any."""
    return session.scalars(
        select(ReferralSubmission.referral_id).where(
            ReferralSubmission.submission_id == submission_id
        )
    ).first()


def submission_in_scope(
    session: Session, supervisor: User, submission_id: str
) -> Submission | None:
    """The submission, if the supervisor may break glass into it (`may_break_glass`); None
    when it does not exist or lies outside that rule, alike, so ids cannot be probed."""
    submission = session.get(Submission, submission_id)
    if submission is None:
        return None
    officer = session.get(User, submission.officer_id)
    if officer is None or not may_break_glass(supervisor, officer):
        return None
    return submission


def list_submissions(session: Session, supervisor: User, officer: User) -> list[Listed]:
    """An officer's submission ids and dates, newest first, for choosing one (audited)."""
    rows = session.scalars(
        select(Submission)
        .where(Submission.officer_id == officer.id)
        .order_by(Submission.submitted_at.desc(), Submission.id)
    ).all()
    audit(
        session,
        actor=supervisor,
        action="break_glass.searched",
        target_type="user",
        target_id=officer.id,
    )
    return [Listed(row.id, row.submitted_at, raised_referral(session, row.id)) for row in rows]


def open_break_glass(
    session: Session, supervisor: User, submission: Submission, reason: str
) -> BreakGlass:
    """Open 60 minutes of access to one submission that raised no referral; audit and notify."""
    text = reason.strip()
    if len(text) < MIN_REASON_LENGTH:
        raise BreakGlassRefused("reason_too_short")
    if len(text) > MAX_REASON_LENGTH:
        raise BreakGlassRefused("reason_too_long")
    if raised_referral(session, submission.id) is not None:
        raise BreakGlassRefused("has_referral")
    now = utcnow()
    grant = BreakGlass(
        supervisor_id=supervisor.id,
        submission_id=submission.id,
        opened_at=now,
        expires_at=now + WINDOW,
        reason={"text": text},
    )
    session.add(grant)
    session.flush()
    told = _tell_others(session, grant, _officer_unit(session, submission))
    audit(
        session,
        actor=supervisor,
        action="break_glass.opened",
        target_type="submission",
        target_id=submission.id,
        detail={"break_glass": grant.id, "notified": told},
    )
    session.flush()
    return grant


def active_break_glass(
    session: Session, supervisor: User, submission_id: str, now: datetime | None = None
) -> BreakGlass | None:
    """The supervisor's unexpired access to this one submission, if any."""
    now = now or utcnow()
    return session.scalars(
        select(BreakGlass)
        .where(
            BreakGlass.supervisor_id == supervisor.id,
            BreakGlass.submission_id == submission_id,
            BreakGlass.expires_at > now,
        )
        .order_by(BreakGlass.expires_at.desc())
    ).first()


def review(session: Session, grant: BreakGlass, reviewer: User) -> BreakGlass:
    """Another supervisor confirms having read the reason of a break-glass use."""
    if grant.supervisor_id == reviewer.id:
        raise BreakGlassRefused("own_use")
    if grant.reviewed_at is not None:
        raise WrongState("reviewed")
    grant.reviewed_by, grant.reviewed_at = reviewer.id, utcnow()
    audit(
        session,
        actor=reviewer,
        action="break_glass.reviewed",
        target_type="break_glass",
        target_id=grant.id,
    )
    session.flush()
    return grant


def uses_in_scope(session: Session, supervisor: User, limit: int = 200) -> list[BreakGlass]:
    """Break-glass uses on officers in the supervisor's scope, unreviewed first, newest first."""
    return list(
        session.scalars(
            select(BreakGlass)
            .join(Submission, Submission.id == BreakGlass.submission_id)
            .join(User, User.id == Submission.officer_id)
            .join(Unit, Unit.id == User.unit_id)
            .where(units_in_scope_clause(supervisor, Role.SUPERVISOR))
            .order_by(BreakGlass.reviewed_at.is_not(None), BreakGlass.opened_at.desc())
            .limit(limit)
        )
    )


def reviewer_names(session: Session, uses: list[BreakGlass]) -> dict[int, str]:
    """The display names of whoever reviewed these uses, by user id."""
    reviewers = {use.reviewed_by for use in uses if use.reviewed_by is not None}
    if not reviewers:
        return {}
    found = session.scalars(select(User).where(User.id.in_(reviewers)))
    return {person.id: person.display_name for person in found}


def _officer_unit(session: Session, submission: Submission) -> Unit:
    officer = session.get(User, submission.officer_id)
    assert officer is not None  # a foreign key  # noqa: S101
    return officer.unit


def _tell_others(session: Session, grant: BreakGlass, unit: Unit) -> int:
    others = [
        p for p in staff_covering(session, unit, Role.SUPERVISOR) if p.id != grant.supervisor_id
    ]
    if not others:
        others = [p for p in _admins(session) if p.id != grant.supervisor_id]
    for person in others:
        enqueue(
            session,
            kind="break_glass.opened",
            recipient=person,
            params={},
            dedupe_key=f"break_glass:{grant.id}:{person.id}",
        )
    return len(others)


def _admins(session: Session) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(User.active.is_(True), RoleGrant.role == Role.ADMIN.value)
            .order_by(User.id)
        ).unique()
    )


def find_officers(session: Session, supervisor: User, text: str, limit: int = 20) -> list[User]:
    """Officers in the supervisor's scope whose username or name contains the text."""
    needle = text.strip().lower()
    if not needle:
        return []
    matches = func.lower(User.username).contains(needle, autoescape=True) | func.lower(
        User.display_name
    ).contains(needle, autoescape=True)
    return list(session.scalars(_officers_in_scope(supervisor).where(matches).limit(limit)))


def officer_in_scope(session: Session, supervisor: User, username: str) -> User | None:
    """The officer with this username, if in the supervisor's scope (never the supervisor)."""
    query = _officers_in_scope(supervisor).where(User.username == username)
    return session.scalars(query).first()


def _officers_in_scope(supervisor: User) -> Select[User]:
    return (
        select(User)
        .join(Unit, Unit.id == User.unit_id)
        .where(
            User.id != supervisor.id,
            units_in_scope_clause(supervisor, Role.SUPERVISOR),
            User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == Role.OFFICER.value)),
        )
        .order_by(User.username)
    )
