"""Retention: purging a prefix keeps the chain verifiable; the PostgreSQL trigger guards it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.errors import AuditError
from wellbeing.audit.models import AuditEntry, AuditHead
from wellbeing.audit.sequencer import link_all
from wellbeing.audit.verify import verify_chain
from wellbeing.core.config import ConfigError, load_settings

Append = Callable[..., list[AuditEntry]]


def _postgres_only(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists only on PostgreSQL")


def test_purge_removes_only_the_expired_prefix(
    db_session: Session, append: Append, frozen_clock: Any
) -> None:
    old = append(3)
    frozen_clock.advance(days=200)
    recent = append(2)
    frozen_clock.advance(days=100)
    purged = audit.purge_expired(db_session, frozen_clock.now, retention_days=183)
    assert purged >= 3
    linked = AuditEntry.seq.is_not(None)
    remaining = db_session.scalars(
        select(AuditEntry.seq).where(linked).order_by(AuditEntry.seq)
    ).all()
    assert not set(remaining) & {entry.seq for entry in old}
    assert [entry.seq for entry in recent] == remaining[:2]
    head = db_session.get(AuditHead, 1)
    assert head is not None
    assert (head.anchor_seq, head.anchor_hash) == (old[-1].seq, old[-1].hash)
    report = verify_chain(db_session)
    assert report.ok, report.reason
    last = db_session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert last is not None
    assert last.action == "audit.purged"
    assert last.detail["through_seq"] == old[-1].seq
    assert link_all(db_session) == 1  # the purge's own entry joins the chain like any other
    assert verify_chain(db_session).ok


def test_purge_with_nothing_expired_changes_nothing(
    db_session: Session, append: Append, frozen_clock: Any
) -> None:
    append(2)
    before = verify_chain(db_session)
    assert audit.purge_expired(db_session, frozen_clock.now) == 0
    assert verify_chain(db_session) == before


def test_purge_refuses_a_broken_chain(
    db_session: Session, append: Append, tamper: Any, frozen_clock: Any
) -> None:
    entries = append(2)
    tamper("UPDATE audit_entries SET action = 'x.y' WHERE seq = :s", s=entries[0].seq)
    frozen_clock.advance(days=500)
    with pytest.raises(AuditError, match="broken"):
        audit.purge_expired(db_session, frozen_clock.now)


def test_retention_below_six_months_is_refused(db_session: Session, frozen_clock: Any) -> None:
    with pytest.raises(AuditError):
        audit.purge_expired(db_session, frozen_clock.now, retention_days=182)
    with pytest.raises(ConfigError, match="183"):
        load_settings({"audit_retention_days": "90"}, environ={})
    assert load_settings(environ={}).audit_retention_days == 400
    env = {"WELLBEING_AUDIT_RETENTION_DAYS": "730"}
    assert load_settings(environ=env).audit_retention_days == 730


def test_trigger_rejects_update_delete_and_truncate(db_session: Session, append: Append) -> None:
    _postgres_only(db_session)
    entry = append(1)[0]
    for sql in (
        "UPDATE audit_entries SET target_id = 'x' WHERE seq = :s",
        "DELETE FROM audit_entries WHERE seq = :s",
        "TRUNCATE audit_entries",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(sql), {"s": entry.seq})
    assert verify_chain(db_session).ok


def test_trigger_lets_an_unlinked_entry_be_linked_once_and_nothing_else(
    db_session: Session, append: Append
) -> None:
    _postgres_only(db_session)
    linked = append(1)[0]
    audit.record(db_session, actor=None, action="test.staged", target_type="t", target_id="1")
    staged = db_session.scalar(select(AuditEntry.id).where(AuditEntry.seq.is_(None)))
    db_session.execute(text("SELECT set_config('wellbeing.audit_purge', 'on', true)"))
    for sql in (
        "UPDATE audit_entries SET target_id = 'x' WHERE id = :i",  # content, before linking
        "UPDATE audit_entries SET seq = 99, prev_hash = 'a', hash = 'b', action = 'x.y' "
        "WHERE id = :i",  # linked, but with its content changed
        "UPDATE audit_entries SET seq = 99 WHERE id = :i",  # without its hashes
        "DELETE FROM audit_entries WHERE id = :i",  # not even the purge removes it
    ):
        with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
            db_session.execute(text(sql), {"i": staged})
    relink = "UPDATE audit_entries SET seq = 98, prev_hash = 'a', hash = 'c' WHERE id = :i"
    with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
        db_session.execute(text(relink), {"i": linked.id})  # a linked entry, linked again
    assert link_all(db_session) == 1  # the sequencer's own update goes through
    assert verify_chain(db_session).ok


def test_trigger_purge_path_allows_only_the_anchored_prefix(
    db_session: Session, append: Append
) -> None:
    _postgres_only(db_session)
    entry = append(1)[0]
    db_session.execute(text("SELECT set_config('wellbeing.audit_purge', 'on', true)"))
    delete = text("DELETE FROM audit_entries WHERE seq = :s")
    with pytest.raises(DBAPIError, match="append-only"), db_session.begin_nested():
        db_session.execute(delete, {"s": entry.seq})  # above the anchor: still refused
