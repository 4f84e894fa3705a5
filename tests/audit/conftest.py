"""Helpers for the audit tests: raw-SQL tampering (past the PostgreSQL trigger) and rewrites."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.chain import Link
from wellbeing.audit.models import AuditEntry
from wellbeing.audit.sequencer import link_all

Tamper = Callable[..., None]


@pytest.fixture
def tamper(db_session: Session) -> Tamper:
    """Run raw SQL on audit_entries as an attacker with table access would (rolled back later).

    On PostgreSQL the append-only trigger is disabled inside the test's transaction first, which
    is what an attacker owning the table could do; the rollback restores it.
    """

    def run(sql: str, **params: Any) -> None:
        db_session.flush()
        if db_session.get_bind().dialect.name == "postgresql":
            db_session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        db_session.execute(text(sql), params)
        if db_session.get_bind().dialect.name == "postgresql":
            db_session.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))

    return run


@pytest.fixture
def append(db_session: Session) -> Callable[..., list[AuditEntry]]:
    """append(n): record n system entries, link everything staged, return the n linked rows."""

    def run(count: int, action: str = "test.event", **detail: Any) -> list[AuditEntry]:
        for index in range(count):
            audit.record(
                db_session,
                actor=None,
                action=action,
                target_type="test",
                target_id=f"t{index}",
                detail=detail or {"n": index},
            )
        link_all(db_session)
        newest = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(count)
        return sorted(db_session.scalars(newest), key=lambda entry: entry.id)

    return run


@pytest.fixture
def rewrite(db_session: Session, tamper: Tamper) -> Callable[[int, str], None]:
    """rewrite(seq, target_id): change an entry and re-hash it and all after it (a forgery)."""

    def run(seq: int, target_id: str) -> None:
        _rewrite_from(db_session, tamper, seq, target_id)

    return run


def _rewrite_from(session: Session, tamper: Tamper, seq: int, target_id: str) -> None:
    session.flush()
    rows = session.execute(
        select(*AuditEntry.__table__.columns).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)
    ).all()
    prev = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1))
    prev = prev or "0" * 64
    for row in rows:
        link = Link(
            seq=row.seq,
            time=row.time,
            actor_id=row.actor_id,
            actor_name=row.actor_name,
            action=row.action,
            target_type=row.target_type,
            target_id=target_id if row.seq == seq else row.target_id,
            detail=json.loads(row.detail_json),
            prev_hash=prev,
        )
        prev = link.digest()
        tamper(
            "UPDATE audit_entries SET target_id = :t, prev_hash = :p, hash = :h WHERE seq = :s",
            t=link.target_id,
            p=link.prev_hash,
            h=prev,
            s=row.seq,
        )
    session.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})
