"""Migration 0133 on a log written the old way: every entry keeps its place and hash, new entries
are staged after them, and the downgrade refuses while anything is unlinked (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.chain import GENESIS_HASH, Link, canonical_json
from wellbeing.audit.models import AuditEntry
from wellbeing.audit.sequencer import link_all
from wellbeing.audit.verify import verify_chain
from wellbeing.core.migrate import alembic_config, upgrade_to_head

BEFORE = "0132_audit_checkpoints"


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _old_style_entries(engine: Engine, count: int) -> list[str]:
    """Entries as the code before 0133 wrote them: seq as key, linked at once; their hashes."""
    prev, hashes = GENESIS_HASH, []
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:
        for seq in range(1, count + 1):
            link = Link(seq, start + timedelta(minutes=seq), None, None, "test.old", "t", str(seq),
                        {"n": seq}, prev)  # fmt: skip
            prev = link.digest()
            hashes.append(prev)
            connection.execute(
                text(
                    "INSERT INTO audit_entries (seq, time, actor_id, actor_name, action,"
                    " target_type, target_id, detail_json, prev_hash, hash) VALUES"
                    " (:seq, :time, NULL, NULL, 'test.old', 't', :tid, :detail, :prev, :hash)"
                ),
                {"seq": seq, "time": link.time, "tid": str(seq), "detail": canonical_json(
                    {"n": seq}), "prev": link.prev_hash, "hash": prev},
            )  # fmt: skip
        connection.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": count, "h": prev}
        )
    return hashes


def test_entries_written_before_0133_keep_their_chain(scratch_engine: Engine) -> None:
    _migrate(scratch_engine, BEFORE, down=True)
    hashes = _old_style_entries(scratch_engine, 3)
    upgrade_to_head(scratch_engine)
    with Session(scratch_engine) as session, session.begin():
        rows = session.execute(select(AuditEntry.id, AuditEntry.seq, AuditEntry.hash)).all()
        assert sorted(rows) == [(1, 1, hashes[0]), (2, 2, hashes[1]), (3, 3, hashes[2])]
        assert verify_chain(session).ok
        audit.record(session, actor=None, action="test.new", target_type="t", target_id="4")
    with Session(scratch_engine) as session, session.begin():
        new = session.scalars(select(AuditEntry).where(AuditEntry.action == "test.new")).one()
        assert (new.id, new.seq) == (4, None)  # staged after the old ones
        report = verify_chain(session)
        assert (report.ok, report.entries, report.unlinked) == (True, 3, 1)
    with Session(scratch_engine) as session, session.begin():
        assert link_all(session) == 1
        assert verify_chain(session).last_seq == 4


def test_the_downgrade_waits_for_the_sequencer(scratch_engine: Engine) -> None:
    with Session(scratch_engine) as session, session.begin():
        audit.record(session, actor=None, action="test.new", target_type="t", target_id="1")
    with pytest.raises(RuntimeError, match="unlinked audit entries exist"):
        _migrate(scratch_engine, BEFORE, down=True)
    with Session(scratch_engine) as session, session.begin():
        link_all(session)
    _migrate(scratch_engine, BEFORE, down=True)
    with scratch_engine.connect() as connection:
        seqs = connection.execute(text("SELECT seq FROM audit_entries")).scalars().all()
    assert seqs == [1]
    upgrade_to_head(scratch_engine)
