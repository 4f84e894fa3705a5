"""Reading sessions: on SQLite their transactions begin DEFERRED, so under WAL they read while
a writer holds the write lock; writing sessions keep BEGIN IMMEDIATE; a write in a reading
transaction is caught; a GET request reads unless its view is marked `writes`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, registry

from tests.conftest import ControlledClock
from wellbeing.auth.models import WebSession
from wellbeing.core.db import (
    Database,
    WriteInReadTransaction,
    is_reading,
    make_engine,
    read_apart,
    read_then_write,
    set_reading,
    statement_writes,
    writing,
)
from wellbeing.faces.context import db
from wellbeing.org.models import User

metadata = MetaData()
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("text", String(20), nullable=False),
)


class Note:
    """The ORM view of `notes` (read_then_write sees ORM changes only)."""

    id: int
    text: str


registry().map_imperatively(Note, notes)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite file of our own with one table; its rows really commit."""
    engine = make_engine(f"sqlite:///{tmp_path / 'reads.db'}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(notes), [{"text": "first"}])
    yield engine
    engine.dispose()


@pytest.fixture
def begins(sqlite_file: Engine) -> list[str]:
    """Every BEGIN the engine sends, in order."""
    sent: list[str] = []

    @event.listens_for(sqlite_file, "before_cursor_execute")
    def _record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("BEGIN"):
            sent.append(statement)

    return sent


def texts(session: Session) -> list[str]:
    return list(session.scalars(select(notes.c.text).order_by(notes.c.id)))


def test_the_engine_runs_in_wal_with_a_busy_timeout(sqlite_file: Engine) -> None:
    with sqlite_file.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000


def test_a_reading_session_reads_while_a_writer_holds_the_lock(
    sqlite_file: Engine, begins: list[str]
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    with database.session_factory() as writer:
        writer.execute(insert(notes).values(text="uncommitted"))  # holds the write lock
        reader = database.request_session(reads_only=True)
        # an IMMEDIATE begin would wait for the writer's lock (then fail): this one reads the
        # last committed snapshot at once
        assert texts(reader) == ["first"]
        reader.close()
        writer.commit()
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_writing_sessions_and_transactions_still_begin_immediate(
    sqlite_file: Engine, begins: list[str]
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    with database.transaction() as session:
        texts(session)
    with database.request_session(reads_only=False) as session:
        texts(session)
    database.defer_reads = False  # the benchmark's "before": reads lock too
    with database.request_session(reads_only=True) as session:
        assert not is_reading(session)
        texts(session)
    assert begins == ["BEGIN IMMEDIATE"] * 3


def test_a_write_in_a_reading_transaction_raises_and_nothing_is_written(
    sqlite_file: Engine,
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    with database.request_session(reads_only=True) as session:
        with pytest.raises(WriteInReadTransaction, match="INSERT"):
            session.execute(insert(notes).values(text="sneaked"))
        session.rollback()
    with database.transaction() as session:  # the pooled connection is no longer marked
        session.execute(insert(notes).values(text="declared"))
    with database.transaction() as session:
        assert texts(session) == ["first", "declared"]


def test_the_guard_mark_ends_with_the_reading_transaction_on_a_shared_connection(
    sqlite_file: Engine,
) -> None:
    # as in the test suite: sessions join one connection's transaction through savepoints
    with sqlite_file.connect() as connection:
        outer = connection.begin()
        database = Database.for_engine(sqlite_file, guard="raise")
        database.session_factory.configure(
            bind=connection, join_transaction_mode="create_savepoint"
        )
        with database.request_session(reads_only=True) as session:
            assert texts(session) == ["first"]
            with pytest.raises(WriteInReadTransaction):
                connection.execute(insert(notes).values(text="during"))
        connection.execute(insert(notes).values(text="after"))
        assert connection.scalar(select(notes.c.text).where(notes.c.text == "after"))
        outer.rollback()


def test_outside_tests_the_guard_logs_the_write(
    sqlite_file: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    database = Database.for_engine(sqlite_file)
    with (
        caplog.at_level(logging.ERROR, logger="wellbeing.db"),
        database.request_session(reads_only=True) as session,
    ):
        session.execute(insert(notes).values(text="logged"))
        session.commit()
    assert "INSERT in a transaction begun for reading only" in caplog.text


def test_a_read_then_write_by_another_writer_fails_a_deferred_transaction(
    sqlite_file: Engine,
) -> None:
    # why writes need IMMEDIATE: a deferred transaction that read, then writes after another
    # writer committed, fails at once (SQLITE_BUSY_SNAPSHOT), busy timeout or not
    database = Database.for_engine(sqlite_file)
    with database.request_session(reads_only=True) as stale:
        texts(stale)
        with database.transaction() as other:
            other.execute(insert(notes).values(text="other"))
        with pytest.raises(OperationalError, match="database is locked"):
            stale.execute(insert(notes).values(text="lost"))


def test_writing_gives_a_reading_session_one_immediate_transaction(
    sqlite_file: Engine, begins: list[str]
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    with database.request_session(reads_only=True) as session:
        texts(session)
        with database.transaction() as other:  # a writer commits after our read
            other.execute(insert(notes).values(text="other"))
        with writing(session):
            assert texts(session) == ["first", "other"]  # read afresh under the lock
            session.execute(insert(notes).values(text="audit"))
        assert is_reading(session)
        assert texts(session) == ["first", "other", "audit"]
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN IMMEDIATE", "BEGIN"]


def test_read_then_write_writes_only_when_the_work_changed_something(
    sqlite_file: Engine, begins: list[str]
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    runs: list[bool] = []

    def touch_when(change: bool) -> Callable[[Session], str]:
        def work(session: Session) -> str:
            runs.append(is_reading(session))
            row = session.get(Note, 1)
            assert row is not None
            if change:
                row.text = "touched"
            return row.text

        return work

    with database.request_session(reads_only=True) as session:
        assert read_then_write(session, touch_when(False)) == "first"
        session.commit()
        with database.transaction() as other:  # a writer commits after the session's snapshot
            other.execute(insert(notes).values(text="other"))
        assert read_then_write(session, touch_when(True)) == "touched"
        assert is_reading(session)
    assert runs == [True, True, False]  # the changing work ran again in the write transaction
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN", "BEGIN IMMEDIATE"]
    with database.transaction() as session:
        assert texts(session) == ["touched", "other"]


def test_a_writing_request_reads_who_calls_before_it_takes_the_write_lock(
    sqlite_file: Engine, begins: list[str]
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    runs: list[bool] = []

    def who(session: Session) -> str:
        runs.append(is_reading(session))
        row = session.get(Note, 1)
        assert row is not None
        return row.text

    with database.session_factory() as writer:
        writer.execute(insert(notes).values(text="uncommitted"))  # holds the write lock
        session = database.request_session(reads_only=False)
        # the caller is read from the last committed snapshot at once, without waiting for
        # the writer; an IMMEDIATE begin would have waited for its lock
        assert read_then_write(session, who) == "first"
        assert not session.in_transaction()
        assert not is_reading(session)
        writer.commit()
    session.execute(insert(notes).values(text="second"))  # the request's own writes: locked
    session.commit()
    session.close()
    assert runs == [True]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN", "BEGIN IMMEDIATE"]
    with database.transaction() as check:
        assert texts(check) == ["first", "uncommitted", "second"]


def test_a_writing_request_still_writes_a_change_its_reading_made(
    sqlite_file: Engine, begins: list[str]
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    session = database.request_session(reads_only=False)

    def touch(session: Session) -> str:
        row = session.get(Note, 1)
        assert row is not None
        row.text = "touched"
        return row.text

    assert read_then_write(session, touch) == "touched"
    assert not is_reading(session)  # the request goes on writing
    session.close()
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]
    with database.transaction() as check:
        assert texts(check) == ["touched"]


def test_without_deferred_reads_a_writing_request_reads_under_the_lock(
    sqlite_file: Engine, begins: list[str]
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    database.defer_reads = False  # bench/reads.py's baseline: every transaction locks
    session = database.request_session(reads_only=False)
    assert read_then_write(session, texts) == ["first"]
    session.close()
    assert begins == ["BEGIN IMMEDIATE"]


def test_read_apart_reads_on_its_own_only_before_a_writing_session_began(
    sqlite_file: Engine, begins: list[str]
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")
    with database.request_session(reads_only=False) as session:
        assert read_apart(session, texts) == ["first"]  # its own deferred transaction, ended
        assert not session.in_transaction()
        session.execute(insert(notes).values(text="second"))
        assert read_apart(session, texts) == ["first", "second"]  # inside the begun one
        session.commit()
    with database.request_session(reads_only=True) as session:
        assert read_apart(session, texts) == ["first", "second"]  # a reading session's own
        assert session.in_transaction()
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN"]


def test_an_error_while_reading_apart_goes_on_as_it_is_and_the_request_can_still_write(
    sqlite_file: Engine,
) -> None:
    database = Database.for_engine(sqlite_file, guard="raise")

    def fails(session: Session) -> None:
        texts(session)  # the read transaction has begun
        session.execute(select(notes.c.nothing_here))  # type: ignore[attr-defined]

    with database.request_session(reads_only=False) as session:
        with pytest.raises(AttributeError):
            read_apart(session, fails)
        with pytest.raises(OperationalError, match="no such table"):
            read_apart(session, lambda s: s.execute(text("SELECT * FROM missing")).all())
        assert not session.in_transaction()
        assert not is_reading(session)
        session.execute(insert(notes).values(text="second"))
        session.commit()
    with database.transaction() as check:
        assert texts(check) == ["first", "second"]


def test_a_session_changes_mode_only_between_transactions(sqlite_file: Engine) -> None:
    database = Database.for_engine(sqlite_file)
    with database.request_session(reads_only=True) as session:
        texts(session)
        with pytest.raises(RuntimeError):
            set_reading(session, None)


@pytest.mark.parametrize(
    ("statement", "writes"),
    [
        ("SELECT 1", False),
        ("  select x from t", False),
        ("WITH a AS (SELECT 1) SELECT * FROM a", False),
        ("PRAGMA foreign_keys", False),
        ("SAVEPOINT sa_1", False),
        ("RELEASE SAVEPOINT sa_1", False),
        ("ROLLBACK TO SAVEPOINT sa_1", False),
        ("INSERT INTO t VALUES (1)", True),
        ("UPDATE t SET x = 1", True),
        ("DELETE FROM t", True),
        ("WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", True),
        ("SELECT * FROM t FOR UPDATE", True),
        ("SELECT * FROM t FOR NO KEY UPDATE OF t", True),
        ("LOCK TABLE t", True),
    ],
)
def test_statements_that_write_or_lock(statement: str, writes: bool) -> None:
    assert statement_writes(statement) is writes


@pytest.mark.parametrize(
    ("method", "path", "reads"),
    [
        ("GET", "/api/v1/referrals", True),
        ("HEAD", "/api/v1/referrals", True),
        ("POST", "/api/v1/submissions", False),
        ("GET", "/api/v1/referrals/abc", False),  # marked `writes`: the reading is audited
        ("GET", "/no/such/page", True),
    ],
)
def test_a_request_reads_unless_it_may_write(
    app: Flask, db_session: Session, method: str, path: str, reads: bool
) -> None:
    with app.test_request_context(path, method=method):  # routed: the endpoint is known
        assert is_reading(db()) is reads
    with app.app_context():  # CLI and jobs: no request, a writing session
        assert not is_reading(db())


def test_a_web_get_touches_its_browser_session_now_and_then_and_ends_an_idle_one(
    client: FlaskClient,
    db_session: Session,
    make_user: Callable[..., User],
    login: Callable[..., object],
    frozen_clock: ControlledClock,
) -> None:
    officer = make_user("officer")
    login(client, officer.username)
    signed_in_at = frozen_clock.now

    def last_seen() -> datetime | None:
        db_session.expire_all()
        found = db_session.scalars(select(WebSession).where(WebSession.user_id == officer.id))
        row = found.one_or_none()
        return None if row is None else row.last_seen_at

    frozen_clock.advance(seconds=30)  # within the touch interval: the GET only reads
    assert client.get("/history").status_code == 200
    assert last_seen() == signed_in_at
    frozen_clock.advance(minutes=5)  # the touch is due: written in a transaction of its own
    assert client.get("/history").status_code == 200
    assert last_seen() == frozen_clock.now
    frozen_clock.advance(days=2)  # idle too long: the GET ends the session and asks to sign in
    assert client.get("/history").status_code == 302
    assert last_seen() is None
