"""Issue 21, point 2 end to end: the scheduled job signs the head into the table and the
instance folder's checkpoint log; `wellbeing audit verify` then catches a cut tail, an emptied
log (even with the checkpoint table emptied too), a deleted head row — without a traceback —
and a forged checkpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from wellbeing.app.jobs import run_job_once
from wellbeing.audit import service as audit
from wellbeing.audit.heads import CHECKPOINT_LOG, record_checkpoint
from wellbeing.cli import cli
from wellbeing.core.config import load_settings
from wellbeing.core.db import Database, make_engine
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import dump_keyring, load_audit_signing_key, new_keyring
from wellbeing.scheduler.job import JobContext
from wellbeing.sealing.columns import set_active_keyring


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated SQLite file with three entries; the keyring in the environment and loaded."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("WELLBEING_DATABASE_URL", url)
    ring = new_keyring()
    monkeypatch.setenv("WELLBEING_KEYRING", dump_keyring(ring))
    set_active_keyring(ring)  # as `wellbeing scheduler` does at start (restored after the test)
    built = Database.for_engine(make_engine(url))
    upgrade_to_head(built.engine)
    _append(built, 3)
    yield built
    built.engine.dispose()


def _append(database: Database, count: int) -> None:
    with database.transaction() as session:
        for index in range(count):
            audit.record(session, actor=None, action="test.cli", target_type="t", target_id=index)


def _sign(database: Database) -> None:
    run_job_once("audit.checkpoint", JobContext(database, load_settings()))


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def _execute(database: Database, *statements: str) -> None:
    with database.engine.begin() as connection:
        for sql in statements:
            connection.execute(text(sql))


def _log(tmp_path: Path) -> list[dict[str, object]]:
    path = tmp_path / "instance" / CHECKPOINT_LOG
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_job_signs_into_the_table_and_the_log_once_per_head(
    database: Database, tmp_path: Path
) -> None:
    _sign(database)
    _sign(database)  # the head has not moved: nothing new
    assert [(line["seq"], line["reason"]) for line in _log(tmp_path)] == [(3, "schedule")]
    _append(database, 2)
    _sign(database)
    assert [line["seq"] for line in _log(tmp_path)] == [3, 5]
    code, out = _run("verify")
    assert code == 0, out
    assert "chain intact: 5 entries" in out
    assert "checkpoints intact: 4 checked; the newest, at " in out
    assert "signed entry 5" in out


def test_a_checkpoint_row_signed_with_another_key_is_refused(database: Database) -> None:
    with database.transaction() as session:
        ring = new_keyring()
        set_active_keyring(ring)
        record_checkpoint(session, load_audit_signing_key(ring), "release")
    code, out = _run("verify")
    assert code == 1  # not our key: the row is refused, and the job never copies it
    assert "invalid signature: forged, or signed with another key" in out


def test_a_cut_tail_is_reported(database: Database) -> None:
    _sign(database)
    _execute(
        database,
        "DELETE FROM audit_entries WHERE seq = 3",
        "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_entries WHERE seq = 2)",
    )
    code, out = _run("verify")
    assert code == 1
    assert "chain intact: 2 entries" in out
    assert "checkpoint check failed: 1 rows missing after checkpoint at " in out


def test_an_emptied_log_and_checkpoint_table_are_caught_by_the_file(database: Database) -> None:
    _sign(database)
    _execute(
        database,
        "DELETE FROM audit_entries",
        "DELETE FROM audit_checkpoints",
        "UPDATE audit_head SET seq = 0, hash = anchor_hash",
    )
    code, out = _run("verify")
    assert code == 1
    assert "3 rows missing after checkpoint at " in out


def test_a_deleted_head_row_is_a_clear_error(database: Database) -> None:
    _sign(database)
    _execute(database, "DELETE FROM audit_head")
    code, out = _run("verify")
    assert code == 1
    assert "audit log broken: the audit_head row is missing" in out
    assert "the checkpoint at " in out
    assert "Traceback" not in out


def test_a_deleted_head_row_without_checkpoints_is_a_clear_error(database: Database) -> None:
    _execute(database, "DELETE FROM audit_head")
    code, out = _run("verify")
    assert code == 1
    assert "audit log broken: the audit_head row is missing" in out


def test_checkpoints_deleted_from_the_table_are_caught(database: Database) -> None:
    _sign(database)
    _execute(database, "DELETE FROM audit_checkpoints")
    code, out = _run("verify")
    assert code == 1
    assert "1 checkpoints of " in out
    assert "were deleted from the audit_checkpoints table" in out


def test_a_dropped_checkpoint_table_is_caught(database: Database) -> None:
    _sign(database)
    _execute(database, "DROP TABLE audit_checkpoints")
    code, out = _run("verify")
    assert code == 1
    assert "the audit_checkpoints table cannot be read" in out


def test_a_forged_line_in_the_log_is_refused(database: Database, tmp_path: Path) -> None:
    _sign(database)
    path = tmp_path / "instance" / CHECKPOINT_LOG
    line = json.loads(path.read_text())
    line["seq"] = 99  # claim more entries than were signed
    path.write_text(json.dumps(line) + "\n")
    code, out = _run("verify")
    assert code == 1
    assert "in the log has an invalid signature" in out


def test_without_any_checkpoint_verify_warns(database: Database) -> None:
    code, out = _run("verify")
    assert code == 0
    assert "no signed checkpoint yet" in out


def test_a_purge_is_signed_and_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen_clock: Any
) -> None:
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path / 'purge.db'}"
    monkeypatch.setenv("WELLBEING_DATABASE_URL", url)
    ring = new_keyring()
    monkeypatch.setenv("WELLBEING_KEYRING", dump_keyring(ring))
    set_active_keyring(ring)
    database = Database.for_engine(make_engine(url))
    try:
        upgrade_to_head(database.engine)
        _append(database, 3)  # written at the frozen clock's time
        _sign(database)
        frozen_clock.advance(days=500)
        code, out = _run("purge")
        assert (code, out) == (0, "purged 3 entries older than 400 days\n")
        code, out = _run("verify")
        assert code == 0, out
        assert "chain intact: 1 entries" in out
        assert "checkpoints intact" in out
    finally:
        database.engine.dispose()
