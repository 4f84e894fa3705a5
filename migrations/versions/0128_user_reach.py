"""users' 企业微信 userid and staff category (民警/辅警); campaigns targeted by category

Revision ID: 0128_user_reach
Revises: 0127_merge
Create Date: 2026-12-07 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0128_user_reach"
down_revision: str | None = "0127_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN and a unique index: a batch rebuild of `users` would trip SQLite's
    # foreign keys from every table that points at it
    op.add_column("users", sa.Column("wecom_userid", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("staff_category", sa.String(length=16), nullable=True))
    op.create_index(op.f("ix_users_wecom_userid"), "users", ["wecom_userid"], unique=True)
    op.add_column("campaigns", sa.Column("staff_category", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("campaigns", "staff_category")
    op.drop_index(op.f("ix_users_wecom_userid"), table_name="users")
    op.drop_column("users", "staff_category")
    op.drop_column("users", "wecom_userid")
