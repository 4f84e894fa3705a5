"""Facts sealed at rest; releases keep no reason; the reasons sealed apart; no fact shuffles

Revision ID: 0110_sealed_facts
Revises: 0100_assignment_unit
Create Date: 2026-12-06 12:00:00

A fact's band and total move into one sealed value (``result_sealed``, bound to the table, the
column and the fact's id, as the model's sealed column binds it); its flags are dropped (they
live sealed in the submission and in the referral). Existing facts are sealed with the
operator's keyring — the same one the service starts with — so a database that holds facts
cannot be upgraded without it, and nothing is left in plaintext.

Stored releases drop the reason of each hidden value (``[value, reason]`` becomes ``value``):
leaders are shown one neutral mark. Shuffling facts is no longer needed (a sealed fact's place
in the table says nothing about anyone's result), so its table goes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import wellbeing.core.db

revision: str = "0110_sealed_facts"
down_revision: str | None = "0100_assignment_unit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PURPOSE, _TABLE, _COLUMN = "report.fact", "report_facts", "result"


def _keyring() -> Any:
    from wellbeing.core.config import load_settings
    from wellbeing.crypto import select_provider

    return select_provider(load_settings().effective_keyring_path).load()


def _binding(fact_id: str) -> Any:
    from wellbeing.crypto import Binding

    return Binding(_PURPOSE, _TABLE, _COLUMN, fact_id)


def upgrade() -> None:
    with op.batch_alter_table("report_facts") as batch:
        batch.add_column(sa.Column("result_sealed", sa.LargeBinary(), nullable=True))
    _seal_facts()
    with op.batch_alter_table("report_facts") as batch:
        batch.alter_column("result_sealed", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column("band")
        batch.drop_column("total")
        batch.drop_column("flags")
    _rewrite_releases(lambda pair: pair[0])
    op.drop_table("report_fact_shuffles")
    op.create_table(
        "report_release_reasons",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("reasons_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["report_releases.id"],
            name=op.f("fk_report_release_reasons_release_id_report_releases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_release_reasons")),
        sa.UniqueConstraint("release_id", name=op.f("uq_report_release_reasons_release_id")),
    )


def _seal_facts() -> None:
    from wellbeing.crypto import seal_json

    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, band, total FROM report_facts")).all()
    if not rows:
        return
    keyring = _keyring()  # refuses with a clear message when there is none
    update = sa.text("UPDATE report_facts SET result_sealed = :sealed WHERE id = :id")
    connection.execute(
        update,
        [
            {"id": fact_id, "sealed": seal_json(keyring, {"band": band, "total": total}, _binding(fact_id))}
            for fact_id, band, total in rows
        ],
    )


def _rewrite_releases(convert: Any) -> None:
    connection = op.get_bind()
    releases = connection.execute(sa.text("SELECT id, cells FROM report_releases")).all()
    update = sa.text("UPDATE report_releases SET cells = :cells WHERE id = :id")
    for release_id, cells in releases:
        data = json.loads(cells) if isinstance(cells, str) else cells
        for row in data["rows"]:
            row["n"] = convert(row["n"])
            row["bands"] = {band: convert(cell) for band, cell in row["bands"].items()}
            row["mean"] = convert(row["mean"])
        connection.execute(update, {"id": release_id, "cells": json.dumps(data)})


def downgrade() -> None:
    op.drop_table("report_release_reasons")
    op.create_table(
        "report_fact_shuffles",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("facts", sa.Integer(), nullable=False),
        sa.Column("shuffled_at", wellbeing.core.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["wave_id"], ["waves.id"], name=op.f("fk_report_fact_shuffles_wave_id_waves")
        ),
        sa.PrimaryKeyConstraint("wave_id", name=op.f("pk_report_fact_shuffles")),
    )
    _rewrite_releases(lambda value: [value, None])
    with op.batch_alter_table("report_facts") as batch:
        batch.add_column(sa.Column("band", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("total", sa.Double(), nullable=True))
        batch.add_column(sa.Column("flags", sa.JSON(), nullable=True))
    _open_facts()
    with op.batch_alter_table("report_facts") as batch:
        batch.alter_column("flags", existing_type=sa.JSON(), nullable=False)
        batch.drop_column("result_sealed")


def _open_facts() -> None:
    from wellbeing.crypto import open_json

    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, result_sealed FROM report_facts")).all()
    update = sa.text(
        "UPDATE report_facts SET band = :band, total = :total, flags = '[]' WHERE id = :id"
    )
    keyring = _keyring() if rows else None
    for fact_id, sealed in rows:
        result = open_json(keyring, bytes(sealed), _binding(fact_id))
        connection.execute(update, {"id": fact_id, **result})
