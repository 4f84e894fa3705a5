"""Concurrent writers never wait for each other and never fork the chain: they stage entries
without a lock, the sequencer links what committed, seqs stay gapless and the chain verifies.

These tests commit real data, so they use their own engines and clean up after themselves; the
PostgreSQL run uses the configured test database, the SQLite run a file of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.models import AuditEntry, AuditHead
from wellbeing.audit.sequencer import link_committed, link_pending
from wellbeing.audit.verify import verify_chain
from wellbeing.core.db import Database, make_engine
from wellbeing.core.migrate import upgrade_to_head


def _append_concurrently(engine: Engine, writers: int) -> list[BaseException]:
    """Start `writers` threads at once; each appends one entry in its own committed session."""
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            with Session(engine) as session, session.begin():
                audit.record(
                    session,
                    actor=None,
                    action="test.concurrent",
                    target_type="test",
                    target_id=str(index),
                    detail={"writer": index},
                )
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def _check(engine: Engine, start_seq: int, writers: int) -> None:
    database = Database.for_engine(engine)
    assert link_committed(database.transaction) == writers
    with Session(engine) as session:
        seqs = session.scalars(
            select(AuditEntry.seq).where(AuditEntry.seq > start_seq).order_by(AuditEntry.seq)
        ).all()
        assert seqs == list(range(start_seq + 1, start_seq + writers + 1))
        writers_seen = session.scalars(
            select(AuditEntry.target_id).where(AuditEntry.seq > start_seq)
        ).all()
        assert sorted(writers_seen, key=int) == [str(i) for i in range(writers)]
        report = verify_chain(session)
        assert report.ok, report.reason
        assert report.last_seq == start_seq + writers


def _undo(engine: Engine, start_seq: int, start_hash: str) -> None:
    """Remove the rows a test committed and put the head back."""
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        connection.execute(
            text("DELETE FROM audit_entries WHERE seq > :s OR seq IS NULL"), {"s": start_seq}
        )
        connection.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))
        connection.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": start_seq, "h": start_hash}
        )


@pytest.fixture
def postgres_engine(database_url: str, engine: Engine) -> Iterator[Engine]:
    """A separate engine on the PostgreSQL test database (the schema is built by `engine`)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("WELLBEING_TEST_DATABASE_URL is not PostgreSQL")
    own = create_engine(database_url, pool_size=50, max_overflow=0, pool_timeout=60)
    yield own
    own.dispose()


def test_fifty_concurrent_writers_on_postgresql(postgres_engine: Engine) -> None:
    with postgres_engine.connect() as connection:
        head = connection.execute(select(AuditHead.seq, AuditHead.hash)).one()
    start_seq, start_hash = head
    try:
        failures = _append_concurrently(postgres_engine, 50)
        assert failures == []
        _check(postgres_engine, start_seq, 50)
    finally:
        _undo(postgres_engine, start_seq, start_hash)


def test_concurrent_writers_on_a_sqlite_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'audit.db'}")
    try:
        upgrade_to_head(engine)
        failures = _append_concurrently(engine, 8)
        assert failures == []
        _check(engine, 0, 8)
    finally:
        engine.dispose()


def test_a_writer_does_not_wait_for_another_open_transaction_on_postgresql(
    postgres_engine: Engine,
) -> None:
    """The old design's hot row: a second writer blocked on the head until the first committed.
    Now the second commits at once (lock_timeout would fail it otherwise), the linker links only
    what committed, and the first writer's entry joins the chain after it commits."""
    with postgres_engine.connect() as connection:
        start_seq, start_hash = connection.execute(select(AuditHead.seq, AuditHead.hash)).one()
    database = Database.for_engine(postgres_engine)
    try:
        with Session(postgres_engine) as slow:
            slow.begin()
            audit.record(slow, actor=None, action="test.slow", target_type="t", target_id="1")
            slow.flush()  # staged, uncommitted, still open
            with Session(postgres_engine) as fast, fast.begin():
                fast.execute(text("SET LOCAL lock_timeout = '2s'"))
                audit.record(fast, actor=None, action="test.fast", target_type="t", target_id="2")
            with Session(postgres_engine) as linker, linker.begin():
                linker.execute(text("SET LOCAL lock_timeout = '2s'"))
                assert link_pending(linker) == 1  # only the committed one
            slow.commit()
        assert link_committed(database.transaction) == 1
        with Session(postgres_engine) as session:
            actions = session.scalars(
                select(AuditEntry.action).where(AuditEntry.seq > start_seq).order_by(AuditEntry.seq)
            ).all()
            assert actions == ["test.fast", "test.slow"]
            assert verify_chain(session).ok
    finally:
        _undo(postgres_engine, start_seq, start_hash)
