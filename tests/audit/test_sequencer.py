"""The sequencer: links committed entries in the order they were staged, a batch at a time; the
`audit.link` job leaves an idle log alone; a signed head covers its own transaction's entries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from wellbeing.app.jobs import run_job_once
from wellbeing.audit import service as audit
from wellbeing.audit.errors import AuditError
from wellbeing.audit.heads import record_checkpoint
from wellbeing.audit.models import AuditEntry, AuditHead
from wellbeing.audit.sequencer import link_all, link_pending
from wellbeing.audit.verify import verify_chain
from wellbeing.core.config import load_settings
from wellbeing.core.db import Database, make_engine
from wellbeing.core.migrate import upgrade_to_head
from wellbeing.crypto import load_audit_signing_key, new_keyring
from wellbeing.scheduler.job import JobContext


def _stage(session: Session, *targets: str) -> None:
    for target in targets:
        audit.record(session, actor=None, action="test.seq", target_type="t", target_id=target)


def _linked(session: Session) -> list[tuple[int, str]]:
    query = select(AuditEntry.seq, AuditEntry.target_id).where(AuditEntry.action == "test.seq")
    return [(seq, target) for seq, target in session.execute(query) if seq is not None]


def test_entries_are_linked_in_staging_order_a_batch_at_a_time(db_session: Session) -> None:
    link_all(db_session)
    start = db_session.scalar(select(AuditHead.seq))
    assert start is not None
    _stage(db_session, "a", "b", "c")
    assert link_pending(db_session, limit=2) == 2
    assert _linked(db_session) == [(start + 1, "a"), (start + 2, "b")]
    assert verify_chain(db_session).unlinked == 1
    assert link_pending(db_session) == 1
    assert sorted(_linked(db_session)) == [(start + 1, "a"), (start + 2, "b"), (start + 3, "c")]
    assert link_pending(db_session) == 0
    report = verify_chain(db_session)
    assert (report.ok, report.last_seq, report.unlinked) == (True, start + 3, 0)


def test_a_tampered_unlinked_entry_stops_the_sequencer(db_session: Session, tamper: Any) -> None:
    link_all(db_session)
    _stage(db_session, "x")
    tamper("UPDATE audit_entries SET detail_json = 'not json' WHERE seq IS NULL")
    staged = db_session.scalar(select(AuditEntry.id).where(AuditEntry.seq.is_(None)))
    with pytest.raises(AuditError, match=f"unlinked audit entry {staged} has a malformed detail"):
        link_pending(db_session)


def test_a_signed_head_covers_its_own_transactions_entries(db_session: Session) -> None:
    _stage(db_session, "release")
    key = load_audit_signing_key(new_keyring())
    checkpoint = record_checkpoint(db_session, key, "release")
    own = db_session.scalars(select(AuditEntry).where(AuditEntry.target_id == "release")).one()
    assert (own.seq, own.hash) == (checkpoint.seq, checkpoint.hash)


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite file whose rows really commit."""
    database = Database.for_engine(make_engine(f"sqlite:///{tmp_path / 'seq.db'}"))
    upgrade_to_head(database.engine)
    yield database
    database.engine.dispose()


def _writes(engine: Engine) -> list[str]:
    sent: list[str] = []

    def listen(*args: Any) -> None:
        if args[2].split()[0].upper() in {"UPDATE", "INSERT", "DELETE"}:
            sent.append(args[2])

    event.listen(engine, "before_cursor_execute", listen)
    return sent


def test_the_link_job_links_what_committed_and_leaves_an_idle_log_alone(
    sqlite_database: Database,
) -> None:
    context = JobContext(sqlite_database, load_settings(environ={}))
    with sqlite_database.transaction() as session:
        _stage(session, "1", "2")
    writes = _writes(sqlite_database.engine)
    run_job_once("audit.link", context)
    assert writes  # the head and the two entries
    with sqlite_database.transaction() as session:
        assert [target for _, target in sorted(_linked(session))] == ["1", "2"]
        assert verify_chain(session).ok
    writes.clear()
    run_job_once("audit.link", context)
    assert writes == []  # nothing waited: not even the head was taken
    with sqlite_database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM audit_entries")).scalar() == 2
