"""clocks after the claim, outreach tasks, risk assessments and review marks on referrals

Revision ID: 0124_referral_clocks
Revises: 0123_activity_releases
Create Date: 2026-12-07 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0124_referral_clocks"
down_revision: str | None = "0123_activity_releases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The defaults of docs/deployment.md: first contact and closing periods per priority (minutes).
CONTACT = {"urgent": 60, "high": 24 * 60}
CLOSE = {"urgent": 7 * 24 * 60, "high": 14 * 24 * 60}
CONTACT_ROUTINE, CLOSE_ROUTINE = 5 * 24 * 60, 30 * 24 * 60


def _at() -> sa.types.TypeEngine[object]:
    return wellbeing.core.db.UtcDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="referral"))
        batch.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("contact_minutes", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("close_minutes", sa.Integer(), nullable=False, server_default="0"))
        for name in (
            "first_claimed_at", "contact_clock_from", "contact_deadline", "contacted_at",
            "close_deadline", "review_requested_at", "reviewed_at",
        ):
            batch.add_column(sa.Column(name, _at(), nullable=True))
        batch.add_column(sa.Column("clock_level", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("review_stratum", sa.String(8), nullable=True))
        batch.add_column(sa.Column("review_number", sa.Integer(), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_referrals_review_stratum"), ["review_stratum", "review_number"]
        )
        for name in ("claim_breached", "contact_breached", "close_breached"):
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_foreign_key(
            op.f("fk_referrals_incident_id_incidents"), "incidents", ["incident_id"], ["id"]
        )
        batch.create_index(op.f("ix_referrals_kind"), ["kind"], unique=False)
        batch.create_index(op.f("ix_referrals_incident_id"), ["incident_id"], unique=False)
    _start_clocks_of_existing_referrals()
    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("referral_id", sa.String(length=32), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("at", _at(), nullable=False),
        sa.Column("body_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_risk_assessments_author_id_users")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_risk_assessments_officer_id_users")),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.id"], name=op.f("fk_risk_assessments_referral_id_referrals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
    )
    with op.batch_alter_table("risk_assessments") as batch:
        batch.create_index(op.f("ix_risk_assessments_officer_id"), ["officer_id"], unique=False)
        batch.create_index(op.f("ix_risk_assessments_referral_id"), ["referral_id"], unique=False)


def _start_clocks_of_existing_referrals() -> None:
    """Referrals already open get the default periods; held ones start their clock now."""
    referrals = sa.table(
        "referrals",
        sa.column("id", sa.String),
        sa.column("priority", sa.String),
        sa.column("status", sa.String),
        sa.column("claimed_at", _at()),
        sa.column("contact_minutes", sa.Integer),
        sa.column("close_minutes", sa.Integer),
        sa.column("first_claimed_at", _at()),
        sa.column("contact_clock_from", _at()),
        sa.column("contact_deadline", _at()),
        sa.column("contacted_at", _at()),
        sa.column("close_deadline", _at()),
    )
    bind, now = op.get_bind(), datetime.now(UTC)
    rows = bind.execute(
        sa.select(referrals.c.id, referrals.c.priority, referrals.c.status, referrals.c.claimed_at)
        .where(referrals.c.status != "closed")
    ).all()
    for referral_id, priority, status, claimed_at in rows:
        contact = CONTACT.get(priority, CONTACT_ROUTINE)
        close = CLOSE.get(priority, CLOSE_ROUTINE)
        values: dict[str, object] = {"contact_minutes": contact, "close_minutes": close}
        if status == "claimed":
            values.update(
                first_claimed_at=claimed_at,
                contact_clock_from=now,
                contact_deadline=now + timedelta(minutes=contact),
            )
        elif status == "contacted":
            values.update(
                first_claimed_at=claimed_at,
                contacted_at=now,
                close_deadline=now + timedelta(minutes=close),
            )
        bind.execute(sa.update(referrals).where(referrals.c.id == referral_id).values(**values))


def downgrade() -> None:
    with op.batch_alter_table("risk_assessments") as batch:
        batch.drop_index(op.f("ix_risk_assessments_referral_id"))
        batch.drop_index(op.f("ix_risk_assessments_officer_id"))
    op.drop_table("risk_assessments")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_index(op.f("ix_referrals_incident_id"))
        batch.drop_index(op.f("ix_referrals_kind"))
        batch.drop_constraint(op.f("fk_referrals_incident_id_incidents"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_referrals_review_stratum"), type_="unique")
        for name in (
            "kind", "incident_id", "contact_minutes", "close_minutes", "first_claimed_at",
            "contact_clock_from", "contact_deadline", "contacted_at", "close_deadline",
            "review_requested_at", "reviewed_at", "clock_level", "failed_attempts",
            "claim_breached", "contact_breached", "close_breached", "review_stratum",
            "review_number",
        ):
            batch.drop_column(name)
