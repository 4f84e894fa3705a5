"""the station's activity report: one stored, protected release per calendar period

Revision ID: 0123_activity_releases
Revises: 0122_library
Create Date: 2026-12-06 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0123_activity_releases"
down_revision: str | None = "0122_library"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activity_releases",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("tree_hash", sa.String(length=64), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("counts_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", wellbeing.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_releases")),
        sa.UniqueConstraint(
            "period_kind", "period_start", "k", name=op.f("uq_activity_releases_period_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("activity_releases")
