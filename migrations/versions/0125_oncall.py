"""the on-call roster (值班): weekly entries, one-off changes, urgent referrals routed on call

Revision ID: 0125_oncall
Revises: 0124_referral_clocks
Create Date: 2026-12-07 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0125_oncall"
down_revision: str | None = "0124_referral_clocks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at() -> sa.types.TypeEngine[object]:
    return wellbeing.core.db.UtcDateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "roster_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("from_minute", sa.Integer(), nullable=False),
        sa.Column("to_minute", sa.Integer(), nullable=False),
        _fk("roster_entries", "unit_id", "units"),
        _fk("roster_entries", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_entries")),
    )
    op.create_index(op.f("ix_roster_entries_unit_id"), "roster_entries", ["unit_id"])
    op.create_index(op.f("ix_roster_entries_user_id"), "roster_entries", ["user_id"])
    op.create_table(
        "roster_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", _at(), nullable=False),
        sa.Column("ends_at", _at(), nullable=False),
        _fk("roster_changes", "unit_id", "units"),
        _fk("roster_changes", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_changes")),
    )
    op.create_index(op.f("ix_roster_changes_unit_id"), "roster_changes", ["unit_id"])
    op.create_index(op.f("ix_roster_changes_user_id"), "roster_changes", ["user_id"])
    op.create_table(
        "on_call_routings",
        sa.Column("referral_id", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("routed_at", _at(), nullable=False),
        sa.Column("nobody_on_call", sa.Boolean(), nullable=False),
        sa.Column("escalated_at", _at(), nullable=True),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_on_call_routings_referral_id_referrals"),
        ),
        _fk("on_call_routings", "unit_id", "units"),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_on_call_routings")),
    )
    op.create_index(op.f("ix_on_call_routings_unit_id"), "on_call_routings", ["unit_id"])
    op.create_index(op.f("ix_on_call_routings_routed_at"), "on_call_routings", ["routed_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_on_call_routings_routed_at"), table_name="on_call_routings")
    op.drop_index(op.f("ix_on_call_routings_unit_id"), table_name="on_call_routings")
    op.drop_table("on_call_routings")
    for table in ("roster_changes", "roster_entries"):
        op.drop_index(op.f(f"ix_{table}_user_id"), table_name=table)
        op.drop_index(op.f(f"ix_{table}_unit_id"), table_name=table)
        op.drop_table(table)
