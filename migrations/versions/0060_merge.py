"""merge the parallel branches

Revision ID: 0060_merge
Revises: 0010_audit, 0020_notify, 0050_reports
Create Date: 2026-11-27 03:03:39.556736
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db


revision: str = '0060_merge'
down_revision: str | None = ('0010_audit', '0020_notify', '0050_reports')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
