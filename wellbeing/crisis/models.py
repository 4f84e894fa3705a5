"""This room's tables: one safety plan per officer (Stanley–Brown), in two sealed versions.

The counsellor's version is what was written with the officer on a referral; the officer's own
copy starts as that text and only the officer edits it (`crisis.service` says when a later
counsellor write replaces it). Both are sealed and bound to the officer: a plan is clinical text
beside an identity. Plain columns say only who wrote last and when, and on which referral the
counsellor last wrote. Risk assessments live with the referrals (`referrals.models`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.core.clock import utcnow
from wellbeing.core.db import Base, new_id
from wellbeing.sealing.columns import sealed_column

__all__ = ["Base", "SafetyPlan"]


class SafetyPlan(Base):
    """An officer's safety plan: the counsellor's version and the officer's own copy."""

    __tablename__ = "safety_plans"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    referral_id: Mapped[str | None] = mapped_column(ForeignKey("referrals.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    counsellor_at: Mapped[datetime | None]
    officer_edited_at: Mapped[datetime | None]
    # {"warning_signs": [...], ...}: None until a counsellor writes one
    counsellor_plan = sealed_column("crisis.safety_plan", owner="officer_id", nullable=True)
    own_plan = sealed_column("crisis.safety_plan_own", owner="officer_id")
