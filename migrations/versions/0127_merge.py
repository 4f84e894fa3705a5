"""merge the on-call roster and the safety plans (issue 17)

Revision ID: 0127_merge
Revises: 0125_oncall, 0126_safety_plans
Create Date: 2026-12-07 06:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0127_merge"
down_revision: str | tuple[str, ...] | None = ("0125_oncall", "0126_safety_plans")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
