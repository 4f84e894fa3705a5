"""assignments remember the officer's unit when assigned; participation counted from an index

Revision ID: 0100_assignment_unit
Revises: 0090_merge
Create Date: 2026-11-27 05:30:00

Existing assignments take their officer's present unit (the best record there is of where they
were). The index on (wave_id, unit_id, status) replaces the one on wave_id alone, which is its
prefix.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0100_assignment_unit"
down_revision: str | None = "0090_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE assignments SET unit_id = "
        "(SELECT users.unit_id FROM users WHERE users.id = assignments.officer_id)"
    )
    with op.batch_alter_table("assignments") as batch:
        batch.alter_column("unit_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(op.f("fk_assignments_unit_id_units"), "units", ["unit_id"], ["id"])
        batch.drop_index("ix_assignments_wave_id")
        batch.create_index(
            "ix_assignments_wave_unit_status", ["wave_id", "unit_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_index("ix_assignments_wave_unit_status")
        batch.create_index("ix_assignments_wave_id", ["wave_id"], unique=False)
        batch.drop_constraint(op.f("fk_assignments_unit_id_units"), type_="foreignkey")
        batch.drop_column("unit_id")
