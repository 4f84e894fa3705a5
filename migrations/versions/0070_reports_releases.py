"""Reports: stored releases (protected/noisy tables, DP budget) and fact shuffles

Revision ID: 0070_reports_releases
Revises: 0060_merge
Create Date: 2026-11-27 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0070_reports_releases"
down_revision: str | None = "0060_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=32), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("epsilon", sa.Double(), nullable=True),
        sa.Column("sensitivity", sa.Integer(), nullable=True),
        sa.Column("tree_hash", sa.String(length=64), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("created_at", wellbeing.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_report_releases_wave_id_waves")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_releases")),
        sa.UniqueConstraint(
            "wave_id", "instrument_id", "k", "kind", name=op.f("uq_report_releases_wave_id")
        ),
    )
    with op.batch_alter_table("report_releases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_releases_wave_id"), ["wave_id"], unique=False)
    op.create_table(
        "report_fact_shuffles",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("facts", sa.Integer(), nullable=False),
        sa.Column("shuffled_at", wellbeing.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_report_fact_shuffles_wave_id_waves")
        ),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_report_fact_shuffles")),
    )


def downgrade() -> None:
    op.drop_table("report_fact_shuffles")
    with op.batch_alter_table("report_releases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_releases_wave_id"))
    op.drop_table("report_releases")
