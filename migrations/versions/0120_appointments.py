"""counselling slots and appointments (心理咨询预约)

Revision ID: 0120_appointments
Revises: 0110_sealed_facts
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0120_appointments"
down_revision: str | None = "0110_sealed_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at() -> sa.types.TypeEngine[object]:
    return wellbeing.core.db.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "appointment_slots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", _at(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", _at(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["users.id"], name=op.f("fk_appointment_slots_counsellor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_appointment_slots_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment_slots")),
    )
    for column in ("counsellor_id", "unit_id", "starts_at", "status"):
        op.create_index(op.f(f"ix_appointment_slots_{column}"), "appointment_slots", [column])
    op.create_table(
        "appointments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("slot_id", sa.String(length=32), nullable=False),
        sa.Column("active_slot_id", sa.String(length=32), nullable=True),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("booked_by", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("booked_at", _at(), nullable=False),
        sa.Column("cancel_reason", sa.String(length=32), nullable=True),
        sa.Column("closed_at", _at(), nullable=True),
        sa.Column("reminded_day", sa.Boolean(), nullable=False),
        sa.Column("reminded_hour", sa.Boolean(), nullable=False),
        sa.Column("note_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("session_note_sealed", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["appointment_slots.id"],
            name=op.f("fk_appointments_slot_id_appointment_slots"),
        ),
        sa.ForeignKeyConstraint(
            ["active_slot_id"],
            ["appointment_slots.id"],
            name=op.f("fk_appointments_active_slot_id_appointment_slots"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_appointments_officer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["booked_by"], ["users.id"], name=op.f("fk_appointments_booked_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referrals.id"], name=op.f("fk_appointments_referral_id_referrals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("active_slot_id", name=op.f("uq_appointments_active_slot_id")),
    )
    for column in ("slot_id", "officer_id", "referral_id", "status"):
        op.create_index(op.f(f"ix_appointments_{column}"), "appointments", [column])


def downgrade() -> None:
    for column in ("slot_id", "officer_id", "referral_id", "status"):
        op.drop_index(op.f(f"ix_appointments_{column}"), table_name="appointments")
    op.drop_table("appointments")
    for column in ("counsellor_id", "unit_id", "starts_at", "status"):
        op.drop_index(op.f(f"ix_appointment_slots_{column}"), table_name="appointment_slots")
    op.drop_table("appointment_slots")
