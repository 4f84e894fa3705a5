"""submissions: one index for an officer's history by instrument; audit_entries: no actor_id index

Every submission reads the officer's previous submission of the same instrument (for "rise"
rules). With only `ix_submissions_officer_id` that read fetched all of the officer's submissions
and sorted them: its cost grew with the officer's history (45 µs at 60 submissions on SQLite,
against 10 µs with this index). `(officer_id, instrument_id, submitted_at, id)` answers it with
one seek, newest first, and serves every lookup by officer, so the single-column indexes on
`officer_id` and `instrument_id` (nothing looks submissions up by instrument alone) go. Nothing
looks audit entries up by `actor_id`; its index only cost every entry's INSERT.

Revision ID: 0134_submission_history_index
Revises: 0133_audit_staged_entries
Create Date: 2026-12-08 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0134_submission_history_index"
down_revision: str | None = "0133_audit_staged_entries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY = ["officer_id", "instrument_id", "submitted_at", "id"]


def upgrade() -> None:
    op.create_index("ix_submissions_officer_instrument_time", "submissions", HISTORY)
    op.drop_index("ix_submissions_officer_id", table_name="submissions")
    op.drop_index("ix_submissions_instrument_id", table_name="submissions")
    op.drop_index("ix_audit_entries_actor_id", table_name="audit_entries")


def downgrade() -> None:
    op.create_index("ix_audit_entries_actor_id", "audit_entries", ["actor_id"])
    op.create_index("ix_submissions_instrument_id", "submissions", ["instrument_id"])
    op.create_index("ix_submissions_officer_id", "submissions", ["officer_id"])
    op.drop_index("ix_submissions_officer_instrument_time", table_name="submissions")
