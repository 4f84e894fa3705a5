"""the psychoeducation library: articles, attachments, read counters (心理科普)

Revision ID: 0122_library
Revises: 0121_group_sessions
Create Date: 2026-12-06 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0122_library"
down_revision: str | None = "0121_group_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
