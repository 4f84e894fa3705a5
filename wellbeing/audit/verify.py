"""Walk the chain in seq order, streamed, and report the first entry that breaks it; then look
at the unlinked tail (entries staged but not yet linked by the sequencer)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from wellbeing.audit.chain import link_of
from wellbeing.audit.errors import AuditError
from wellbeing.audit.models import HEAD_ID, AuditEntry, AuditHead
from wellbeing.audit.sequencer import unlinked_tail

BATCH_SIZE = 1000
LINK_DEADLINE = timedelta(minutes=10)  # an entry unlinked for longer: the sequencer is not running


@dataclass(frozen=True)
class VerifyReport:
    """What a walk of the chain found: how far it got and, if broken, where and why.

    `kind` is one of: missing (a seq gap: an entry was deleted), edited (an entry's content no
    longer matches its hash), relinked (its prev_hash is not the previous entry's hash: entries
    reordered or replaced), unexpected (an entry at or below the purge anchor), head (the head
    row disagrees with the last entry: the tail was cut or the head altered), unlinked (an
    entry outside the chain carries a hash: it was written past the sequencer).

    `unlinked` counts the entries still waiting for the sequencer, `oldest_unlinked` is when
    the oldest of them was staged; see `stale`.
    """

    entries: int
    last_seq: int
    last_hash: str
    broken_seq: int | None = None
    kind: str | None = None
    reason: str | None = None
    unlinked: int = 0
    oldest_unlinked: datetime | None = None

    @property
    def ok(self) -> bool:
        """Whether the whole chain verified (and nothing half-linked lies outside it)."""
        return self.broken_seq is None and self.kind is None

    def stale(self, now: datetime, deadline: timedelta = LINK_DEADLINE) -> bool:
        """Whether an entry has waited longer than `deadline` to be linked."""
        return self.oldest_unlinked is not None and now - self.oldest_unlinked > deadline


@dataclass
class _Walk:
    expected_seq: int
    expected_prev: str
    entries: int = 0

    def broken(self, seq: int, kind: str, reason: str) -> VerifyReport:
        return VerifyReport(
            self.entries, self.expected_seq - 1, self.expected_prev, seq, kind, reason
        )


def verify_chain(session: Session, *, batch_size: int = BATCH_SIZE) -> VerifyReport:
    """Check every retained entry from the purge anchor to the head, in seq order.

    Rows are streamed in batches (`yield_per`), so memory stays flat however long the log.
    Only entries up to the head's seq are read: they were committed with that head, so
    concurrent appends cannot cause a false alarm.
    """
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash, AuditHead.anchor_seq, AuditHead.anchor_hash).where(
            AuditHead.id == HEAD_ID
        )
    ).one_or_none()
    if head is None:
        raise AuditError(
            "the audit_head row is missing: it was deleted, or the database was never "
            "migrated (`wellbeing init`)"
        )
    walk = _Walk(expected_seq=head.anchor_seq + 1, expected_prev=head.anchor_hash)
    rows = session.execute(
        select(*AuditEntry.__table__.columns)
        .where(AuditEntry.seq <= head.seq)
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=batch_size)
    )
    try:
        problem = _walk_rows(walk, rows)
    finally:
        rows.close()  # a server-side cursor left open when the walk stops early
    if problem is not None:
        return problem
    if walk.expected_seq - 1 != head.seq:
        return walk.broken(
            walk.expected_seq, "missing", f"entries {walk.expected_seq}..{head.seq} are missing"
        )
    if walk.expected_prev != head.hash:
        return walk.broken(head.seq, "head", "the head's hash differs from the last entry's")
    return _with_tail(session, VerifyReport(walk.entries, head.seq, head.hash))


def _with_tail(session: Session, report: VerifyReport) -> VerifyReport:
    """The linked part verified: count the unlinked tail and check that it is only staged.

    An unlinked entry has neither seq nor hashes; one with a hash but no seq was written or
    edited past the sequencer (the PostgreSQL trigger refuses that edit).
    """
    unlinked = AuditEntry.seq.is_(None)
    half = session.scalar(
        select(func.min(AuditEntry.id)).where(
            unlinked, or_(AuditEntry.hash.is_not(None), AuditEntry.prev_hash.is_not(None))
        )
    )
    tail = unlinked_tail(session)
    if half is not None:
        return VerifyReport(
            report.entries,
            report.last_seq,
            report.last_hash,
            kind="unlinked",
            reason=f"unlinked entry (id {half}) carries a hash: written past the sequencer",
            unlinked=tail.count,
            oldest_unlinked=tail.oldest,
        )
    return VerifyReport(
        report.entries,
        report.last_seq,
        report.last_hash,
        unlinked=tail.count,
        oldest_unlinked=tail.oldest,
    )


def _walk_rows(walk: _Walk, rows: Iterable[Row[Any]]) -> VerifyReport | None:
    for row in rows:
        if row.seq < walk.expected_seq:
            return walk.broken(row.seq, "unexpected", "entry at or below the purge anchor")
        if row.seq > walk.expected_seq:
            return walk.broken(
                walk.expected_seq, "missing", f"entry missing (the next one is {row.seq})"
            )
        if row.prev_hash != walk.expected_prev:
            return walk.broken(
                row.seq, "relinked", "prev_hash is not the previous entry's hash (reordered?)"
            )
        if _digest(row) != row.hash:
            return walk.broken(row.seq, "edited", "content does not match its hash (edited)")
        walk.entries += 1
        walk.expected_seq += 1
        walk.expected_prev = row.hash
    return None


def _digest(row: Row[Any]) -> str | None:
    try:
        detail = json.loads(row.detail_json)
    except ValueError:
        return None
    parsed = detail if isinstance(detail, dict) else {}
    link = link_of(row, seq=row.seq, prev_hash=row.prev_hash, detail=parsed)
    return link.digest()
