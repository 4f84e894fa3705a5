"""counselling slots and appointments (心理咨询预约)

Revision ID: 0120_appointments
Revises: 0110_sealed_facts
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0120_appointments"
down_revision: str | None = "0110_sealed_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
