"""group sessions, sign-ups and attendance (心理团辅)

Revision ID: 0121_group_sessions
Revises: 0120_appointments
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0121_group_sessions"
down_revision: str | None = "0120_appointments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
