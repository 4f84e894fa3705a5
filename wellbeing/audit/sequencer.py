"""Link staged audit entries into the hash chain: the one writer of seqs, hashes and the head.

Writers stage entries unlinked (`service.record`: one INSERT, no lock), so no single row
serialises every audited transaction of the bureau. Linking takes the head row (an UPDATE, which
serialises linkers on both databases — see `claim_head`), reads the committed unlinked entries
in the order they were staged, gives each the next seq and chains its hash to the one before,
and moves the head. It runs as the `audit.link` job every few seconds, and inline wherever the
chain must be complete for this transaction: before a checkpoint is signed (so a release, key
operation or purge is vouched for by its own checkpoint) and before a purge.

Like Trillian's sequencer for Certificate Transparency logs: the queue has no order of its own
to protect, the sequencer gives one. An entry that is still unlinked is covered by the
PostgreSQL trigger (it cannot be changed or deleted) and reported by `audit verify`; the chain
protects it from the moment it is linked, and a signed checkpoint from the next signing on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from wellbeing.audit.chain import Link, link_of
from wellbeing.audit.errors import AuditError
from wellbeing.audit.models import HEAD_ID, AuditEntry, AuditHead

BATCH_SIZE = 1000

_ENTRIES = cast(Table, AuditEntry.__table__)
_HEAD = cast(Table, AuditHead.__table__)
_CLAIM = (
    _HEAD.update()
    .where(_HEAD.c.id == HEAD_ID)
    .values(seq=_HEAD.c.seq)
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
_UNLINKED = (
    select(*(c for c in _ENTRIES.columns if c.key not in {"seq", "prev_hash", "hash"}))
    .where(_ENTRIES.c.seq.is_(None))
    .order_by(_ENTRIES.c.id)
    .limit(bindparam("limit"))
)
_LINK = (
    _ENTRIES.update()
    .where(_ENTRIES.c.id == bindparam("entry_id"), _ENTRIES.c.seq.is_(None))
    .values(seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), hash=bindparam("new_hash"))
)
_MOVE_HEAD = (
    _HEAD.update()
    .where(_HEAD.c.id == HEAD_ID)
    .values(seq=bindparam("head_seq"), hash=bindparam("head_hash"))
)


@dataclass(frozen=True)
class Tail:
    """The unlinked entries as one transaction sees them: how many, and since when."""

    count: int
    oldest: datetime | None


def claim_head(session: Session) -> tuple[int, str]:
    """Lock the head until this transaction ends; return its seq and hash.

    Why a write, not SELECT … FOR UPDATE: an UPDATE is the one statement that serialises on
    both databases. On PostgreSQL it takes the head row's lock (a second linker waits, then
    re-reads the committed row under READ COMMITTED and sees what the first one linked); on
    SQLite it takes the database write lock at once, before any stale read could be used.
    """
    row = session.connection().execute(_CLAIM).one_or_none()
    if row is None:
        raise AuditError("the audit_head row is missing; run `wellbeing init` to migrate")
    return int(row[0]), str(row[1])


def link_pending(session: Session, limit: int = BATCH_SIZE) -> int:
    """Link up to `limit` unlinked entries this transaction sees, oldest staged first, and
    move the head; return how many. The head stays locked until the transaction ends."""
    session.flush()  # entries this transaction staged through the ORM, if any
    seq, prev_hash = claim_head(session)
    connection = session.connection()
    rows = connection.execute(_UNLINKED, {"limit": limit}).all()
    if not rows:
        return 0
    links = []
    for row in rows:
        seq += 1
        link = _link(row, seq, prev_hash)
        prev_hash = link.digest()
        links.append(
            {"entry_id": row.id, "new_seq": seq, "new_prev": link.prev_hash, "new_hash": prev_hash}
        )
    done = connection.execute(_LINK, links)
    if connection.dialect.supports_sane_multi_rowcount and done.rowcount != len(links):
        raise AuditError("audit entries were linked by someone else while the head was held")
    connection.execute(_MOVE_HEAD, {"head_seq": seq, "head_hash": prev_hash})
    return len(links)


def link_all(session: Session, batch_size: int = BATCH_SIZE) -> int:
    """Link every unlinked entry this transaction sees (in batches); return how many."""
    total = 0
    while True:
        linked = link_pending(session, batch_size)
        total += linked
        if linked < batch_size:
            return total


def link_committed(begin: Callable[[], AbstractContextManager[Session]]) -> int:
    """Link every committed unlinked entry, a batch per transaction from `begin` (the head is
    held for one batch at a time, not for the whole backlog); return how many."""
    total = 0
    while True:
        with begin() as session:
            linked = link_pending(session, BATCH_SIZE)
        total += linked
        if linked < BATCH_SIZE:
            return total


def unlinked_tail(session: Session) -> Tail:
    """How many entries wait to be linked, and when the oldest of them was staged."""
    unlinked = _ENTRIES.c.seq.is_(None)
    count = session.scalar(select(func.count()).select_from(_ENTRIES).where(unlinked))
    return Tail(int(count or 0), oldest_unlinked(session))


def oldest_unlinked(session: Session) -> datetime | None:
    """When the oldest entry still waiting for the sequencer was staged (None: nothing waits).
    One row read from the partial index of unlinked entries."""
    first = select(_ENTRIES.c.time).where(_ENTRIES.c.seq.is_(None)).order_by(_ENTRIES.c.id)
    return session.scalar(first.limit(1))


def _link(row: Any, seq: int, prev_hash: str) -> Link:
    try:
        detail = json.loads(row.detail_json)
    except ValueError:
        detail = None
    if not isinstance(detail, dict):  # only `record` writes entries: this one was tampered with
        raise AuditError(f"unlinked audit entry {row.id} has a malformed detail: not linking")
    return link_of(row, seq=seq, prev_hash=prev_hash, detail=detail)
