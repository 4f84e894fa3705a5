"""Who may do what with a group session (object level; the route rules have checked the role).

- Officers see a session when their unit lies in its target subtree; to anyone else without a
  staff view it does not exist (404).
- Counsellors and supervisors see sessions in their scope and the ones they created; admins see
  every session (they may create them) but never who signed up.
- The session's counsellors — its creator, and counsellors and supervisors whose scope covers
  its unit — are the only ones who see sign-ups and record attendance.
- Creating: admins for any unit, counsellors and supervisors within their scope.
"""

from __future__ import annotations

from wellbeing.auth.policy import may_work_referrals_in
from wellbeing.groups.models import GroupSession
from wellbeing.org.models import Role, Unit, User

STAFF = (Role.COUNSELLOR, Role.SUPERVISOR)


def is_target(officer: User, group: GroupSession) -> bool:
    """Whether an officer's unit lies in the session's target subtree."""
    return officer.has_role(Role.OFFICER) and officer.unit.path.startswith(group.unit.path)


def may_create_in(user: User, unit: Unit) -> bool:
    """Admins anywhere; counsellors and supervisors in their scope."""
    return user.has_role(Role.ADMIN) or may_work_referrals_in(user, unit)


def may_run(user: User, group: GroupSession) -> bool:
    """The session's counsellors: its creator (as staff) or staff whose scope covers its unit."""
    if not any(user.has_role(role) for role in STAFF):
        return False
    return group.created_by == user.id or may_work_referrals_in(user, group.unit)


def may_see(user: User, group: GroupSession) -> bool:
    """Its counsellors, admins, and officers of its target units."""
    return may_run(user, group) or user.has_role(Role.ADMIN) or is_target(user, group)


def has_staff_view(user: User) -> bool:
    """Staff and admins list the sessions they serve (with counts), not the officers' view."""
    return user.has_role(*STAFF, Role.ADMIN)


def may_read_feedback(user: User, group: GroupSession) -> bool:
    """The feedback's protected counts: the session's counsellors and admins."""
    return may_run(user, group) or user.has_role(Role.ADMIN)
