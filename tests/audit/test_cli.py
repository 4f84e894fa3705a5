"""`wellbeing audit verify|checkpoint|purge` on a throwaway SQLite instance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from wellbeing.audit import service as audit
from wellbeing.audit.sequencer import link_all
from wellbeing.cli import cli
from wellbeing.core.clock import held_at, utcnow
from wellbeing.core.db import Database, make_engine
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import dump_keyring, new_keyring


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated SQLite file the CLI is pointed at, with a keyring in the environment."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("WELLBEING_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("WELLBEING_DATABASE_URL", url)
    monkeypatch.setenv("WELLBEING_KEYRING", dump_keyring(new_keyring()))
    built = Database.for_engine(make_engine(url))
    upgrade_to_head(built.engine)
    with built.transaction() as session:
        for index in range(3):
            audit.record(session, actor=None, action="test.cli", target_type="t", target_id=index)
        link_all(session)
    yield built
    built.engine.dispose()


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["audit", *args])
    return result.exit_code, result.output


def _execute(database: Database, sql: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(text(sql))


def test_verify_an_intact_chain(database: Database) -> None:
    code, out = _run("verify")
    assert code == 0
    assert out.startswith("chain intact: 3 entries\n")
    assert "no signed checkpoint yet" in out  # tests/audit/test_cli_checkpoints.py signs some


def test_verify_counts_the_unlinked_tail_and_link_links_it(database: Database) -> None:
    with database.transaction() as session:
        audit.record(session, actor=None, action="test.cli", target_type="t", target_id="new")
    code, out = _run("verify")
    assert code == 0, out
    assert "chain intact: 3 entries\n1 entries not yet linked, the oldest staged at " in out
    assert _run("link") == (0, "linked 1 entries\n")
    code, out = _run("verify")
    assert out.startswith("chain intact: 4 entries\n")
    assert "not yet linked" not in out


def test_an_entry_unlinked_for_long_fails_verify(database: Database) -> None:
    with held_at(utcnow() - timedelta(minutes=11)), database.transaction() as session:
        audit.record(session, actor=None, action="test.cli", target_type="t", target_id="old")
    code, out = _run("verify")
    assert code == 1
    assert "1 entries not yet linked" in out
    assert "the sequencer is not running" in out


def test_an_unlinked_entry_with_a_hash_breaks_verify(database: Database) -> None:
    with database.transaction() as session:
        audit.record(session, actor=None, action="test.cli", target_type="t", target_id="x")
    _execute(database, "UPDATE audit_entries SET hash = 'ab' WHERE seq IS NULL")
    code, out = _run("verify")
    assert code == 1
    assert "audit log broken: unlinked entry (id 4) carries a hash" in out


def test_verify_names_the_first_broken_entry(database: Database) -> None:
    _execute(database, "UPDATE audit_entries SET target_id = 'forged' WHERE seq = 2")
    code, out = _run("verify")
    assert code == 1
    assert "chain broken at seq 2" in out
    assert "edited" in out


def test_verify_reports_a_deleted_entry(database: Database) -> None:
    _execute(database, "DELETE FROM audit_entries WHERE seq = 1")
    code, out = _run("verify")
    assert code == 1
    assert "chain broken at seq 1: entry missing" in out


def test_checkpoint_then_verify_against_it(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "checkpoint.json"
    code, out = _run("checkpoint", str(path))
    assert (code, out) == (0, f"checkpoint of entry 3 written to {path}\n")
    code, out = _run("verify", "--checkpoint", str(path))
    assert code == 0, out
    assert "checkpoint intact: entry 3 unchanged" in out
    _execute(database, "DELETE FROM audit_entries WHERE seq = 3")
    _execute(
        database,
        "UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_entries WHERE seq = 2)",
    )
    code, out = _run("verify", "--checkpoint", str(path))
    assert code == 1
    assert "chain intact: 2 entries" in out
    assert "checkpoint failed" in out


def test_checkpoint_needs_the_keyring(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WELLBEING_KEYRING")
    code, out = _run("checkpoint", "cp.json")
    assert code == 2
    assert "keyring" in out


def test_purge_with_nothing_expired(database: Database) -> None:
    assert _run("purge") == (0, "purged 0 entries older than 400 days\n")
