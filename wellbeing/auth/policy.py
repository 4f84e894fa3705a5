"""Object-level access checks, in one place: which units, records and people a user may reach."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from wellbeing.org.models import Role, Unit, User


def scope_units(user: User, role: Role) -> list[Unit]:
    """The units whose subtrees a user's grants of a role cover."""
    return [
        grant.scope_unit
        for grant in user.grants
        if grant.role == role.value and grant.scope_unit is not None
    ]


def unit_in_scope(user: User, role: Role, unit: Unit) -> bool:
    """Whether a unit lies in the subtree of one of the user's grants of that role."""
    return any(unit.path.startswith(scope.path) for scope in scope_units(user, role))


def units_in_scope_clause(user: User, role: Role) -> ColumnElement[bool]:
    """A SQL condition on Unit selecting the user's scope for a role (nothing without a grant)."""
    scopes = scope_units(user, role)
    if not scopes:
        return false()
    return or_(*(Unit.path.startswith(scope.path, autoescape=True) for scope in scopes))


def may_view_reports_for(user: User, unit: Unit) -> bool:
    """Leaders within their scope, and supervisors within theirs, may see a unit's reports."""
    return unit_in_scope(user, Role.LEADER, unit) or unit_in_scope(user, Role.SUPERVISOR, unit)


def report_scopes(user: User) -> list[Unit]:
    """The units whose subtrees a user may see reports of (leader and supervisor grants)."""
    return scope_units(user, Role.LEADER) + scope_units(user, Role.SUPERVISOR)


def may_work_referrals_in(user: User, unit: Unit) -> bool:
    """Counsellors and supervisors may work referrals of officers in units they cover."""
    return unit_in_scope(user, Role.COUNSELLOR, unit) or unit_in_scope(user, Role.SUPERVISOR, unit)


def may_supervise_in(user: User, unit: Unit) -> bool:
    """Supervisors may reassign, review and break glass within their scope."""
    return unit_in_scope(user, Role.SUPERVISOR, unit)


def referral_scope_clause(user: User) -> ColumnElement[bool]:
    """A SQL condition on Unit selecting where the user may work referrals."""
    return or_(
        units_in_scope_clause(user, Role.COUNSELLOR), units_in_scope_clause(user, Role.SUPERVISOR)
    )


def may_record_incident_in(user: User, unit: Unit) -> bool:
    """Admins may record a critical incident for any unit, supervisors within their scope."""
    return user.has_role(Role.ADMIN) or unit_in_scope(user, Role.SUPERVISOR, unit)


def incident_scope_clause(user: User) -> ColumnElement[bool]:
    """A SQL condition on Unit selecting where the user may see and record incidents."""
    if user.has_role(Role.ADMIN):
        return true()
    return units_in_scope_clause(user, Role.SUPERVISOR)
