"""group sessions, sign-ups and attendance (心理团辅)

Revision ID: 0121_group_sessions
Revises: 0120_appointments
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0121_group_sessions"
down_revision: str | None = "0120_appointments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at() -> sa.types.TypeEngine[object]:
    return wellbeing.core.db.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "group_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("starts_at", _at(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("next_position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_group_sessions_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_group_sessions_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_group_sessions_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_sessions")),
    )
    op.create_index(op.f("ix_group_sessions_starts_at"), "group_sessions", ["starts_at"])
    op.create_index(op.f("ix_group_sessions_unit_id"), "group_sessions", ["unit_id"])
    op.create_table(
        "group_signups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_group_signups_session_id_group_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_group_signups_officer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_signups")),
        sa.UniqueConstraint(
            "session_id", "officer_id", name=op.f("uq_group_signups_session_officer")
        ),
        sa.UniqueConstraint(
            "session_id", "position", name=op.f("uq_group_signups_session_position")
        ),
    )
    op.create_index(op.f("ix_group_signups_session_id"), "group_signups", ["session_id"])
    op.create_index(op.f("ix_group_signups_officer_id"), "group_signups", ["officer_id"])
    op.create_table(
        "group_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("feedback_given", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_group_attendance_session_id_group_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_group_attendance_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_attendance")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_group_attendance_session_user")
        ),
    )
    op.create_index(op.f("ix_group_attendance_session_id"), "group_attendance", ["session_id"])
    op.create_index(op.f("ix_group_attendance_user_id"), "group_attendance", ["user_id"])
    op.create_table(
        "group_feedback_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["group_sessions.id"],
            name=op.f("fk_group_feedback_counts_session_id_group_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_feedback_counts")),
        sa.UniqueConstraint(
            "session_id", "item", "value", name=op.f("uq_group_feedback_counts_answer")
        ),
    )
    op.create_index(
        op.f("ix_group_feedback_counts_session_id"), "group_feedback_counts", ["session_id"]
    )


def downgrade() -> None:
    op.drop_table("group_feedback_counts")
    op.drop_table("group_attendance")
    op.drop_table("group_signups")
    op.drop_table("group_sessions")
