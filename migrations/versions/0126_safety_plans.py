"""safety plans: one per officer, the counsellor's version and the officer's copy, sealed

Revision ID: 0126_safety_plans
Revises: 0124_referral_clocks
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0126_safety_plans"
down_revision: str | None = "0124_referral_clocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at() -> sa.types.TypeEngine[object]:
    return wellbeing.core.db.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "safety_plans",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.String(length=32), nullable=True),
        sa.Column("updated_at", _at(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("counsellor_at", _at(), nullable=True),
        sa.Column("officer_edited_at", _at(), nullable=True),
        sa.Column("counsellor_plan_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("own_plan_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_safety_plans_officer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_safety_plans_referral_id_referrals")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_safety_plans_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_plans")),
        sa.UniqueConstraint("officer_id", name=op.f("uq_safety_plans_officer_id")),
    )


def downgrade() -> None:
    op.drop_table("safety_plans")
