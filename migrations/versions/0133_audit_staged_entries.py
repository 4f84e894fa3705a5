"""audit_entries: staged unlinked, linked by the sequencer (issue 20, point 4: no hot head row)

Entries get an `id` (the order they were staged in) as primary key; `seq`, `prev_hash` and `hash`
become NULL until the sequencer links the entry into the chain. Existing entries are all linked
and keep their seq as id, so the chain and every signed checkpoint verify as before.

On PostgreSQL the guard trigger lets exactly one change through besides the retention purge:
an unlinked entry receiving its seq and hashes, every other column unchanged. Unlinked entries
cannot be deleted, not even by a purge.

Revision ID: 0133_audit_staged_entries
Revises: 0132_audit_checkpoints
Create Date: 2026-12-07 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0133_audit_staged_entries"
down_revision: str | None = "0132_audit_checkpoints"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONTENT = "id, time, actor_id, actor_name, action, target_type, target_id, detail_json"
GUARD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_entries_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('wellbeing.audit_purge', true) = 'on' AND OLD.seq IS NOT NULL
           AND OLD.seq <= (SELECT anchor_seq FROM audit_head WHERE id = 1) THEN
            RETURN OLD;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL
           AND NEW.hash IS NOT NULL
           AND ROW({", ".join("NEW." + c for c in CONTENT.split(", "))})
               IS NOT DISTINCT FROM ROW({", ".join("OLD." + c for c in CONTENT.split(", "))}) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
OLD_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entries_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('wellbeing.audit_purge', true) = 'on'
           AND OLD.seq <= (SELECT anchor_seq FROM audit_head WHERE id = 1) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_entries is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
UNLINKED = sa.text("seq IS NULL")
INDEXED = ("action", "actor_id", "actor_name", "time")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()
    op.create_index(
        "ix_audit_entries_unlinked",
        "audit_entries",
        ["id"],
        unique=False,
        postgresql_where=UNLINKED,
        sqlite_where=UNLINKED,
    )


def _upgrade_postgresql() -> None:
    op.execute("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only")
    op.execute("ALTER TABLE audit_entries ADD COLUMN id INTEGER")
    op.execute("UPDATE audit_entries SET id = seq")
    op.execute("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only")
    op.execute("CREATE SEQUENCE audit_entries_id_seq OWNED BY audit_entries.id")
    op.execute(
        "SELECT setval('audit_entries_id_seq', "
        "COALESCE((SELECT max(id) FROM audit_entries), 0) + 1, false)"
    )
    op.execute("ALTER TABLE audit_entries DROP CONSTRAINT pk_audit_entries")
    op.execute(
        "ALTER TABLE audit_entries ALTER COLUMN id SET DEFAULT nextval('audit_entries_id_seq'), "
        "ALTER COLUMN id SET NOT NULL, ALTER COLUMN seq DROP NOT NULL, "
        "ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL"
    )
    op.execute("ALTER TABLE audit_entries ADD CONSTRAINT pk_audit_entries PRIMARY KEY (id)")
    op.execute("ALTER TABLE audit_entries ADD CONSTRAINT uq_audit_entries_seq UNIQUE (seq)")
    op.execute(GUARD_FUNCTION)


def _upgrade_sqlite() -> None:
    """SQLite cannot change a primary key in place: copy into a new table, id = seq."""
    op.create_table(
        "_audit_entries_new",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("time", wellbeing.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.String(length=128), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entries"),
        sa.UniqueConstraint("hash", name="uq_audit_entries_hash"),
        sa.UniqueConstraint("seq", name="uq_audit_entries_seq"),
    )
    columns = "seq, time, actor_id, actor_name, action, target_type, target_id, detail_json, "
    columns += "prev_hash, hash"
    op.execute(
        f"INSERT INTO _audit_entries_new (id, {columns}) SELECT seq, {columns} FROM audit_entries"
    )
    op.drop_table("audit_entries")  # its indexes go with it
    op.rename_table("_audit_entries_new", "audit_entries")
    for column in INDEXED:
        op.create_index(f"ix_audit_entries_{column}", "audit_entries", [column], unique=False)


def downgrade() -> None:
    """Back to seq as primary key; refused while unlinked entries exist (link them first)."""
    bind = op.get_bind()
    unlinked = bind.execute(sa.text("SELECT count(*) FROM audit_entries WHERE seq IS NULL"))
    if unlinked.scalar_one():
        raise RuntimeError("unlinked audit entries exist: run `wellbeing audit link` first")
    op.drop_index("ix_audit_entries_unlinked", table_name="audit_entries")
    if bind.dialect.name == "postgresql":
        op.execute(OLD_GUARD_FUNCTION)
        op.execute("ALTER TABLE audit_entries DROP CONSTRAINT uq_audit_entries_seq")
        op.execute("ALTER TABLE audit_entries DROP CONSTRAINT pk_audit_entries")
        op.execute("ALTER TABLE audit_entries ADD CONSTRAINT pk_audit_entries PRIMARY KEY (seq)")
        op.execute(
            "ALTER TABLE audit_entries ALTER COLUMN prev_hash SET NOT NULL, "
            "ALTER COLUMN hash SET NOT NULL, DROP COLUMN id"
        )
        return
    with op.batch_alter_table("audit_entries", recreate="always") as batch_op:
        batch_op.drop_constraint("uq_audit_entries_seq", type_="unique")
        batch_op.drop_constraint("pk_audit_entries", type_="primary")
        batch_op.drop_column("id")
        batch_op.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_primary_key("pk_audit_entries", ["seq"])
