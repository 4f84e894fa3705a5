"""Backup and restore: a backup restored into a fresh database reads back every sealed record."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from wellbeing.app.schema import Base
from wellbeing.cli import cli
from wellbeing.core.clock import utcnow
from wellbeing.core.config import load_settings
from wellbeing.core.db import make_engine
from wellbeing.core.migrate import is_at_head
from wellbeing.crypto import new_keyring
from wellbeing.demo.organisation import create_demo_organisation
from wellbeing.demo.screening import create_demo_screenings
from wellbeing.screening.policy import load_policy
from wellbeing.sealing.columns import registered_columns, set_active_keyring


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database (never migrated) to restore into."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"wb_restore_{os.getpid()}"
    admin = make_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield database_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _run(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"WELLBEING_DATABASE_URL": url})
    return result.exit_code, result.output


def _every_sealed_value(engine: Engine) -> dict[tuple[str, str, str], Any]:
    """(table, column, id) → the opened value, for every sealed column of every table."""
    opened: dict[tuple[str, str, str], Any] = {}
    with Session(engine) as session:
        for info in registered_columns(Base.metadata):
            blob = info.table.c[info.column]
            for record in session.scalars(select(info.model).where(blob.is_not(None))):
                key = (info.table.name, info.column, str(record.id))
                opened[key] = getattr(record, info.attribute)
    return opened


def _row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def test_a_restored_backup_reads_back_every_record(
    scratch_engine: Engine, fresh_url: str, tmp_path: Path
) -> None:
    set_active_keyring(new_keyring())
    with Session(scratch_engine) as session, session.begin():
        create_demo_organisation(session)
        create_demo_screenings(session, load_policy(load_settings()), utcnow())
    source_values = _every_sealed_value(scratch_engine)
    tables = {table for table, _, _ in source_values}
    assert {"submissions", "referrals"} <= tables

    backup = tmp_path / "backup.bin"
    code, out = _run(_url(scratch_engine), "backup", str(backup))
    assert code == 0, out
    assert "keys backup" in out
    assert backup.stat().st_mode & 0o077 == 0
    code, out = _run(_url(scratch_engine), "backup", str(backup))
    assert code == 2
    assert "exists" in out

    code, out = _run(fresh_url, "restore", str(backup))
    assert code == 0, out
    restored = make_engine(fresh_url)
    try:
        assert is_at_head(restored)
        assert _row_counts(restored) == _row_counts(scratch_engine)
        assert _every_sealed_value(restored) == source_values
    finally:
        restored.dispose()


def test_restore_refuses_a_database_with_data_unless_forced(
    scratch_engine: Engine, tmp_path: Path
) -> None:
    backup = tmp_path / "backup.bin"
    assert _run(_url(scratch_engine), "backup", str(backup))[0] == 0
    code, out = _run(_url(scratch_engine), "restore", str(backup))
    assert code == 2
    assert "not empty" in out
    code, out = _run(_url(scratch_engine), "restore", "--force", str(backup))
    assert code == 0, out
    assert is_at_head(scratch_engine)


def test_keys_backup_copies_the_keyring_privately(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    env = {"WELLBEING_INSTANCE_PATH": str(instance)}
    assert CliRunner().invoke(cli, ["init"], env=env).exit_code == 0
    copy = tmp_path / "keys-copy.json"
    result = CliRunner().invoke(cli, ["keys", "backup", str(copy)], env=env)
    assert result.exit_code == 0, result.output
    assert copy.read_text() == (instance / "keyring.json").read_text()
    assert copy.stat().st_mode & 0o077 == 0
    again = CliRunner().invoke(cli, ["keys", "backup", str(copy)], env=env)
    assert again.exit_code == 2
