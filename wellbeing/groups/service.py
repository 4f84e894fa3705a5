"""The only code that changes group sessions: create, sign up, withdraw, record attendance.

Sign-ups are race-free on both databases: every change to a session's seats first locks the
session row (SELECT … FOR UPDATE on PostgreSQL; on SQLite every writing transaction begins
IMMEDIATE, see `wellbeing.core.db`, so there is one writer at a time). Under the lock the seats
are counted and the next queue number taken from the row, so capacity is never exceeded and the
waiting list keeps the order in which sign-ups committed. Each action records its audit entry
(ids only).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, literal, select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.auth.policy import referral_scope_clause
from wellbeing.core.clock import utcnow
from wellbeing.groups.errors import (
    AlreadySignedUp,
    GroupError,
    NotAttendable,
    NotSignedUp,
    SessionStarted,
)
from wellbeing.groups.input import GroupInput
from wellbeing.groups.models import GroupAttendance, GroupSession, GroupSignup, SignupStatus
from wellbeing.groups.permissions import may_create_in
from wellbeing.notify.service import enqueue
from wellbeing.org.models import Role, Unit, User
from wellbeing.org.service import find_unit
from wellbeing.screening.models import Incident

TARGET = "group_session"


def find_group(session: Session, group_id: str) -> GroupSession | None:
    """The session with this id, if any (whether the caller may see it is `permissions`')."""
    return session.get(GroupSession, group_id)


def create_group(session: Session, actor: User, data: GroupInput) -> GroupSession:
    """Create a session for a unit subtree the actor may serve (GroupError naming the field)."""
    unit = find_unit(session, data.unit)
    if unit is None or not may_create_in(actor, unit):
        raise GroupError("unknown unit", "unit")
    if data.incident_id is not None:
        incident = session.get(Incident, data.incident_id)
        if incident is None or not _incident_fits(session, actor, incident, unit):
            raise GroupError("unknown incident", "incident")
    group = GroupSession(
        title_zh=data.title["zh-CN"],
        title_en=data.title["en"],
        description_zh=data.description["zh-CN"],
        description_en=data.description["en"],
        topic=data.topic,
        starts_at=data.starts_at,
        place=data.place,
        capacity=data.capacity,
        unit_id=unit.id,
        incident_id=data.incident_id,
        created_by=actor.id,
    )
    session.add(group)
    session.flush()
    audit(session, actor=actor, action="group.created", target_type=TARGET, target_id=group.id)
    return group


def _incident_fits(session: Session, actor: User, incident: Incident, unit: Unit) -> bool:
    """The incident is in the actor's reach, and its unit and the session's overlap."""
    where = session.get(Unit, incident.unit_id)
    if where is None or not may_create_in(actor, where):
        return False
    return where.path.startswith(unit.path) or unit.path.startswith(where.path)


def units_for_creator(session: Session, user: User) -> list[Unit]:
    """The units a user may create sessions for: all for admins, else their scope."""
    query = select(Unit).order_by(Unit.path)
    if not user.has_role(Role.ADMIN):
        query = query.where(referral_scope_clause(user))
    return list(session.scalars(query))


def invite(session: Session, group: GroupSession, officer: User, actor: User) -> bool:
    """A counsellor invites an officer to an upcoming session open to them (outreach after an
    incident: a defusing or debriefing group); the officer decides and signs up themselves.
    The notice names the date only. False when the session is not open to the officer (started,
    or not for their unit); an invitation already sent is not sent again."""
    if group not in upcoming_for_officer(session, officer, utcnow()):
        return False
    sent = enqueue(
        session,
        kind="group.invited",
        recipient=officer,
        params={"starts_on": group.starts_at.date().isoformat()},
        dedupe_key=f"group:{group.id}:invited:{officer.id}",
    )
    if sent is not None:
        audit(session, actor=actor, action="group.invited", target_type=TARGET, target_id=group.id)
    return True


def upcoming_for_officer(session: Session, officer: User, now: datetime) -> list[GroupSession]:
    """Sessions not yet started whose target subtree holds the officer's unit, soonest first."""
    query = (
        select(GroupSession)
        .join(Unit, GroupSession.unit_id == Unit.id)
        .where(GroupSession.starts_at > now, literal(officer.unit.path).startswith(Unit.path))
        .order_by(GroupSession.starts_at)
    )
    return list(session.scalars(query))


def sessions_for_staff(session: Session, user: User, since: datetime) -> list[GroupSession]:
    """Sessions from `since` on: all for admins, else those in scope or created by the user."""
    query = select(GroupSession).join(Unit, GroupSession.unit_id == Unit.id)
    query = query.where(GroupSession.starts_at >= since)
    if not user.has_role(Role.ADMIN):
        query = query.where(referral_scope_clause(user) | (GroupSession.created_by == user.id))
    return list(session.scalars(query.order_by(GroupSession.starts_at)))


def seat_counts(session: Session, groups: list[GroupSession]) -> dict[str, dict[str, int]]:
    """Per session id: how many hold a seat ("signed_up") and how many wait ("waiting")."""
    counts = {group.id: {status.value: 0 for status in SignupStatus} for group in groups}
    if not groups:
        return counts
    query = (
        select(GroupSignup.session_id, GroupSignup.status, func.count())
        .where(GroupSignup.session_id.in_(list(counts)))
        .group_by(GroupSignup.session_id, GroupSignup.status)
    )
    for group_id, status, number in session.execute(query):
        counts[group_id][status] = number
    return counts


def signup_of(session: Session, group: GroupSession, officer: User) -> GroupSignup | None:
    """The officer's seat or waiting place on this session, if any."""
    query = select(GroupSignup).where(
        GroupSignup.session_id == group.id, GroupSignup.officer_id == officer.id
    )
    return session.scalars(query).first()


def signups(session: Session, group: GroupSession) -> list[tuple[GroupSignup, User]]:
    """Everyone signed up or waiting, in queue order (for the session's counsellors only)."""
    query = (
        select(GroupSignup, User)
        .join(User, GroupSignup.officer_id == User.id)
        .where(GroupSignup.session_id == group.id)
        .order_by(GroupSignup.position)
    )
    return [(signup, user) for signup, user in session.execute(query).all()]


def attendee_ids(session: Session, group: GroupSession) -> set[int]:
    """The ids of the users recorded as present."""
    query = select(GroupAttendance.user_id).where(GroupAttendance.session_id == group.id)
    return set(session.scalars(query))


def lock_group(session: Session, group: GroupSession) -> GroupSession:
    """Lock the session row (a no-op clause on SQLite, whose transaction holds the write lock)."""
    query = (
        select(GroupSession)
        .where(GroupSession.id == group.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()


def _seated(session: Session, group: GroupSession) -> int:
    query = select(func.count()).where(
        GroupSignup.session_id == group.id, GroupSignup.status == SignupStatus.SIGNED_UP.value
    )
    return session.scalar(query) or 0


def sign_up(session: Session, group: GroupSession, officer: User) -> GroupSignup:
    """Take a seat, or the next place on the waiting list when every seat is taken."""
    if group.starts_at <= utcnow():
        raise SessionStarted()
    group = lock_group(session, group)
    if signup_of(session, group, officer) is not None:
        raise AlreadySignedUp()
    seated = _seated(session, group) < group.capacity
    status = SignupStatus.SIGNED_UP if seated else SignupStatus.WAITING
    signup = GroupSignup(
        session_id=group.id,
        officer_id=officer.id,
        status=status.value,
        position=group.next_position,
    )
    group.next_position += 1
    session.add(signup)
    session.flush()
    audit(
        session,
        actor=officer,
        action="group.signed_up",
        target_type=TARGET,
        target_id=group.id,
        detail={"status": status.value},
    )
    return signup


def withdraw(session: Session, group: GroupSession, officer: User) -> int:
    """Give up a seat or waiting place; freed seats go to the waiting list in order.

    Returns how many were promoted; each promoted officer is told through the outbox.
    """
    if group.starts_at <= utcnow():
        raise SessionStarted()
    group = lock_group(session, group)
    signup = signup_of(session, group, officer)
    if signup is None:
        raise NotSignedUp()
    session.delete(signup)
    session.flush()
    promoted = _promote(session, group)
    audit(
        session,
        actor=officer,
        action="group.withdrew",
        target_type=TARGET,
        target_id=group.id,
        detail={"promoted": promoted},
    )
    return promoted


def _promote(session: Session, group: GroupSession) -> int:
    free = group.capacity - _seated(session, group)
    if free <= 0:
        return 0
    waiting = session.scalars(
        select(GroupSignup)
        .where(
            GroupSignup.session_id == group.id,
            GroupSignup.status == SignupStatus.WAITING.value,
        )
        .order_by(GroupSignup.position)
        .limit(free)
    ).all()
    for signup in waiting:
        signup.status = SignupStatus.SIGNED_UP.value
        enqueue(
            session,
            kind="group.seat_offered",
            recipient=signup.officer_id,
            params={"starts_on": group.starts_at.date().isoformat()},
        )
    session.flush()
    return len(waiting)


def record_attendance(
    session: Session, group: GroupSession, counsellor: User, usernames: list[str]
) -> int:
    """Replace the attendance with these signed-up officers; NotAttendable for anyone else."""
    wanted = set(usernames)
    known = {user.username: user for _signup, user in signups(session, group)}
    if wanted - set(known):
        raise NotAttendable("present names someone who is not signed up", "present")
    session.execute(delete(GroupAttendance).where(GroupAttendance.session_id == group.id))
    session.add_all(
        GroupAttendance(session_id=group.id, user_id=known[name].id) for name in sorted(wanted)
    )
    session.flush()
    audit(
        session,
        actor=counsellor,
        action="group.attendance_recorded",
        target_type=TARGET,
        target_id=group.id,
        detail={"count": len(wanted)},
    )
    return len(wanted)
