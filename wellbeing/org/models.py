"""Units, users and role grants."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, Code, IntPk, Name


class Role(enum.StrEnum):
    """What a person may do; leader, counsellor and supervisor grants carry a unit scope."""

    OFFICER = "officer"
    COUNSELLOR = "counsellor"
    SUPERVISOR = "supervisor"
    LEADER = "leader"
    ADMIN = "admin"

    @property
    def needs_scope(self) -> bool:
        """Scoped roles see a unit's whole subtree and nothing else."""
        return self in {Role.COUNSELLOR, Role.SUPERVISOR, Role.LEADER}


class StaffCategory(enum.StrEnum):
    """民警 (police officer) or 辅警 (auxiliary officer), for campaigns and reports."""

    POLICE = "police"
    AUXILIARY = "auxiliary"


LOCALES = ("zh_CN", "en")


class Unit(Base):
    """A bureau, division/station or team; `path` lists ancestor ids for subtree queries."""

    __tablename__ = "units"

    id: Mapped[IntPk]
    code: Mapped[Code] = mapped_column(unique=True)
    name_zh: Mapped[Name]
    name_en: Mapped[Name]
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id")

    def name(self, locale: str) -> str:
        """The unit's name in a locale."""
        return self.name_en if locale == "en" else self.name_zh


class User(Base):
    """A person who signs in: officer, counsellor, supervisor, leader or admin."""

    __tablename__ = "users"

    id: Mapped[IntPk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[Name]
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    locale: Mapped[str] = mapped_column(String(8), default="zh_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(200))
    wecom_userid: Mapped[str | None] = mapped_column(
        String(64), unique=True, index=True
    )  # 企业微信
    staff_category: Mapped[str | None] = mapped_column(String(16))  # StaffCategory; None: neither
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def has_role(self, *roles: Role) -> bool:
        """Whether the user holds any of these roles."""
        return any(grant.role in roles for grant in self.grants)

    @property
    def roles(self) -> set[Role]:
        """Every role the user holds."""
        return {Role(grant.role) for grant in self.grants}


class RoleGrant(Base):
    """One role held by one user, with the unit subtree it covers for scoped roles."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "scope_unit_id"),)

    id: Mapped[IntPk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    scope_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    user: Mapped[User] = relationship(back_populates="grants")
    scope_unit: Mapped[Unit | None] = relationship(lazy="joined")
