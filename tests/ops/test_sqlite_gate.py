"""SQLite writers queue at the writer gate (wellbeing/core/sqlite_gate.py), not in SQLite's busy
handler: a second writer with no busy timeout at all waits for the first to commit or roll back
instead of failing "database is locked"; readers never wait for it; a stuck holder delays a
writer at most GATE_WAIT_SECONDS, after which SQLite's own busy timeout decides as before."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Connection, Engine, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import OperationalError

from wellbeing.core import sqlite_gate
from wellbeing.core.db import BEGIN_OPTION, make_engine
from wellbeing.core.sqlite_gate import GatedConnection, lock_path

metadata = MetaData()
counts = Table("counts", metadata, Column("id", Integer, primary_key=True))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite file of our own, its rows really committed."""
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def impatient(connection: Connection) -> Connection:
    """SQLite's busy handler off for this connection: a locked database fails at once."""
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute("PRAGMA busy_timeout=0")  # on the DBAPI connection: no SQLAlchemy autobegin
    return connection


def write_in_thread(engine: Engine, errors: list[BaseException]) -> threading.Thread:
    """A second writer, impatient, in its own thread; started."""

    def run() -> None:
        try:
            with impatient(engine.connect()) as connection, connection.begin():
                connection.execute(insert(counts))
        except BaseException as error:  # reported to the test
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_a_second_writer_waits_at_the_gate_until_the_first_ends(
    engine: Engine, ending: str
) -> None:
    errors: list[BaseException] = []
    with engine.connect() as first:
        transaction = first.begin()
        first.execute(insert(counts))
        second = write_in_thread(engine, errors)
        second.join(timeout=0.5)
        assert second.is_alive(), "the second writer did not wait for the first"
        getattr(transaction, ending)()
    second.join(timeout=30)
    assert not second.is_alive()
    assert errors == []  # without the gate: "database is locked" at once (busy_timeout=0)
    with engine.connect() as connection:
        expected = 2 if ending == "commit" else 1
        assert connection.scalar(select(counts.c.id).order_by(counts.c.id.desc())) == expected


def test_a_reader_does_not_wait_for_the_gate(engine: Engine) -> None:
    with engine.connect() as writer, writer.begin():
        writer.execute(insert(counts))
        reader = impatient(engine.connect().execution_options(**{BEGIN_OPTION: "DEFERRED"}))
        with reader, reader.begin():
            assert reader.scalar(select(counts.c.id)) is None  # the snapshot before the insert


def test_a_failed_begin_gives_the_gate_back(engine: Engine) -> None:
    with impatient(engine.connect()) as holder:
        raw = holder.connection.dbapi_connection
        assert isinstance(raw, GatedConnection)
        # SQLite's write lock taken around the gate (as a process without the gate would)
        outsider = GatedConnection(engine.url.database, isolation_level=None)
        outsider.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="locked"):
            holder.begin()
        outsider.rollback()
        outsider.close()
        assert raw.take_writer_gate()  # ours again, not left held by the failed BEGIN
        raw.give_back_writer_gate()


def test_a_stuck_holder_delays_a_writer_only_so_long(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_gate, "GATE_WAIT_SECONDS", 0.2)
    with engine.connect() as holder:
        transaction = holder.begin()
        holder.execute(insert(counts))
        with impatient(engine.connect()) as late, pytest.raises(OperationalError, match="locked"):
            late.begin()  # past the gate's bound; SQLite's busy timeout (here 0) decides
        transaction.rollback()


def test_closing_a_connection_opens_the_gate(engine: Engine) -> None:
    first = GatedConnection(engine.url.database, isolation_level=None)
    assert first.take_writer_gate()
    second = GatedConnection(engine.url.database, isolation_level=None)
    second_waits = threading.Thread(target=second.take_writer_gate)
    second_waits.start()
    second_waits.join(timeout=0.3)
    assert second_waits.is_alive()
    first.close()
    second_waits.join(timeout=30)
    assert second._gate_held
    second.close()


def test_a_lock_file_deleted_while_running_does_not_split_the_queue(engine: Engine) -> None:
    """A connection opened before the lock file was deleted and one opened after (which made a
    new file) still queue at one gate: the older moves to the file at the path when it takes it."""
    database = str(engine.url.database)
    older = GatedConnection(database, isolation_level=None)
    os.unlink(f"{database}.writer-lock")  # a clean-up of the folder, say
    newer = GatedConnection(database, isolation_level=None)
    assert older.take_writer_gate()
    newer_waits = threading.Thread(target=newer.take_writer_gate)
    newer_waits.start()
    newer_waits.join(timeout=0.3)
    assert newer_waits.is_alive(), "each connection held a gate of its own"
    older.give_back_writer_gate()
    newer_waits.join(timeout=30)
    assert newer._gate_held
    newer.give_back_writer_gate()
    older.close()
    newer.close()


def test_memory_and_uri_databases_have_no_gate(engine: Engine) -> None:
    assert lock_path(":memory:") is None
    assert lock_path("file:x.db?mode=ro") is None
    assert lock_path("/srv/wellbeing/data.db") == "/srv/wellbeing/data.db.writer-lock"
    memory = make_engine("sqlite://")
    with memory.begin() as connection:
        assert connection.scalar(text("SELECT 1")) == 1
    memory.dispose()


def test_a_lock_file_that_cannot_be_opened_leaves_the_database_usable_without_a_gate(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    # what a database in a read-only folder meets; a directory in the lock file's place refuses
    # even root, who may write into any folder
    database = str(engine.url.database)
    os.unlink(f"{database}.writer-lock")
    os.mkdir(f"{database}.writer-lock")
    connection = GatedConnection(database, isolation_level=None)
    assert connection.execute("SELECT count(*) FROM counts").fetchone() == (0,)
    assert not connection.take_writer_gate()
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO counts DEFAULT VALUES")
    connection.commit()
    connection.close()
    assert "no writer gate" in caplog.text
