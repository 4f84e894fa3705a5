"""merge reports releases and second factor

Revision ID: 0090_merge
Revises: 0070_reports_releases, 0080_mfa
Create Date: 2026-11-27 04:12:15.381101
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db


revision: str = '0090_merge'
down_revision: str | None = ('0070_reports_releases', '0080_mfa')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
