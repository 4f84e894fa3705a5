"""Who a campaign's waves invite: the active officers of a unit's subtree, of one staff category
(民警 or 辅警) when the campaign names one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.org.models import Role, RoleGrant, StaffCategory, Unit, User
from wellbeing.screening.errors import CampaignError


def check_staff_category(value: str | None) -> str | None:
    """A campaign's staff category: None or "" for everyone, else "police" or "auxiliary"."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text not in {category.value for category in StaffCategory}:
        raise CampaignError(
            f"unknown staff category {text!r}; expected police or auxiliary",
            "unknown_staff_category",
            category=text,
        )
    return text


def officers_in_subtree(
    session: Session, unit: Unit, staff_category: str | None = None
) -> list[User]:
    """Active officers whose unit lies in a unit's subtree (of ``staff_category`` when given:
    an officer with no category is in no category's campaign)."""
    query = (
        select(User)
        .join(Unit, User.unit_id == Unit.id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.active.is_(True), RoleGrant.role == Role.OFFICER.value)
        .where(Unit.path.startswith(unit.path, autoescape=True))
        .order_by(User.id)
    )
    if staff_category is not None:
        query = query.where(User.staff_category == staff_category)
    return list(session.scalars(query).unique())
