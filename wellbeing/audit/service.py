"""The only code that writes the audit log: append an entry, purge entries past retention."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Protocol, cast

from sqlalchemy import Table, bindparam, delete, func, select, text
from sqlalchemy.orm import Session

from wellbeing.audit.chain import Link, Scalar, canonical_json, check_action, check_detail
from wellbeing.audit.errors import AuditError
from wellbeing.audit.models import HEAD_ID, AuditEntry, AuditHead
from wellbeing.audit.verify import verify_chain
from wellbeing.core.clock import utcnow
from wellbeing.core.config import MIN_AUDIT_RETENTION_DAYS

DEFAULT_RETENTION_DAYS = 400
MAX_TARGET_ID = 128
_DEFERRED = "wellbeing.audit.deferred"  # session.info key of entries awaiting the block's end
PURGE_SETTING = "wellbeing.audit_purge"  # checked by the PostgreSQL trigger (migration 0010)


class Actor(Protocol):
    """Who acted: anything with an id and a username (a `User`); None means the system."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    target_type: str,
    target_id: str | int,
    detail: Mapping[str, object] | None = None,
) -> AuditEntry | None:
    """Append one entry inside the caller's transaction; it commits or rolls back with the event.

    Inside `appended_last(session)` the entry is checked at once but appended when that block
    ends (and None is returned).

    `action` is a dotted name (`auth.login_succeeded`); `detail` holds only short non-clinical
    scalars (see `audit.chain`); `target_id` is cut to 128 characters (it may come from a form).
    Appends are serialised through the `audit_head` row (see `_claim_next`).
    """
    check_action(action)
    clean = check_detail(detail)
    if len(target_type) > 32 or not target_type:
        raise AuditError(f"invalid audit target type {target_type!r}")
    if actor is not None and actor.id is None:
        raise AuditError("the acting user has no id yet; flush the session first")
    pending = (actor, action, target_type, target_id, clean)
    deferred = session.info.get(_DEFERRED)
    if deferred is not None:
        deferred.append(pending)
        return None
    return _append_all(session, [pending])[0]


Pending = tuple[Actor | None, str, str, str | int, dict[str, Scalar]]


@contextmanager
def appended_last(session: Session) -> Iterator[None]:
    """Entries recorded inside the block are appended when it ends, in order, all at once.

    Appending locks the chain's head row until the transaction commits; a long transaction
    (a submission with its referral, messages and fact) takes that lock only for its last
    statements this way, so concurrent transactions wait less, and however many entries the
    block recorded cost the same statements (see `_append_all`). An error inside the block
    discards its entries along with the rest of the transaction's work.
    """
    if session.info.get(_DEFERRED) is not None:  # an outer block appends them
        yield
        return
    pending: list[Pending] = []
    session.info[_DEFERRED] = pending
    try:
        yield
    finally:
        session.info.pop(_DEFERRED, None)
    if pending:
        _append_all(session, pending)


_ENTRIES = cast(Table, AuditEntry.__table__)
_HEAD = cast(Table, AuditHead.__table__)
# Built once: every audited request runs these, and building costs more than running.
_CLAIM = (
    _HEAD.update()
    .where(_HEAD.c.id == HEAD_ID)
    .values(seq=_HEAD.c.seq + bindparam("count"))
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
_INSERT = _ENTRIES.insert()
_MOVE_HEAD = _HEAD.update().where(_HEAD.c.id == HEAD_ID).values(hash=bindparam("new_hash"))
# PostgreSQL: one entry (most requests record one) and the head's move in one round trip.
_ONE_ROW = {c.key: bindparam(f"entry_{c.key}", type_=c.type) for c in _ENTRIES.columns}
_APPEND_ONE = _MOVE_HEAD.add_cte(_ENTRIES.insert().values(_ONE_ROW).cte("appended"))


def _append_all(session: Session, pending: list[Pending]) -> list[AuditEntry]:
    """Chain and insert the entries: claim their seqs, one INSERT, then move the head's hash
    (on PostgreSQL a single entry's INSERT and the move are one statement).

    Core statements on the session's connection, not ORM units of work: entries are
    append-only rows nobody edits in this session, and this runs in every audited request.
    """
    session.flush()  # what the entries talk about is written before them (and before the lock)
    seq, prev_hash = _claim_next(session, len(pending))
    now = utcnow()
    rows = []
    for actor, action, target_type, target_id, clean in pending:
        link = Link(
            seq=seq,
            time=now,
            actor_id=actor.id if actor else None,
            actor_name=actor.username if actor else None,
            action=action,
            target_type=target_type,
            target_id=str(target_id)[:MAX_TARGET_ID],
            detail=clean,
            prev_hash=prev_hash,
        )
        prev_hash = link.digest()
        rows.append(
            {
                "seq": link.seq,
                "time": link.time,
                "actor_id": link.actor_id,
                "actor_name": link.actor_name,
                "action": link.action,
                "target_type": link.target_type,
                "target_id": link.target_id,
                "detail_json": canonical_json(clean),
                "prev_hash": link.prev_hash,
                "hash": prev_hash,
            }
        )
        seq += 1
    connection = session.connection()
    if len(rows) == 1 and connection.dialect.name == "postgresql":
        params = {f"entry_{key}": value for key, value in rows[0].items()}
        connection.execute(_APPEND_ONE, {**params, "new_hash": prev_hash})
    else:
        connection.execute(_INSERT, rows)
        connection.execute(_MOVE_HEAD, {"new_hash": prev_hash})
    return [AuditEntry(**row) for row in rows]


def _claim_next(session: Session, count: int) -> tuple[int, str]:
    """Take the next `count` seqs (the first is returned) and the previous hash, holding the
    head until the transaction ends.

    Why a write first, not SELECT … FOR UPDATE: an UPDATE is the one statement that serialises
    on both databases. On PostgreSQL it takes the head row's lock (a second appender waits, then
    re-reads the committed row under READ COMMITTED and gets the next seq); on SQLite it takes the
    database write lock at once, before any stale read could be used (FOR UPDATE is a no-op
    there). RETURNING gives the new seq and the unchanged previous hash in the same statement.
    """
    row = session.connection().execute(_CLAIM, {"count": count}).one_or_none()
    if row is None:
        raise AuditError("the audit_head row is missing; run `wellbeing init` to migrate")
    return int(row[0]) - count + 1, str(row[1])


def _set_head(session: Session, **values: object) -> None:
    statement = _HEAD.update().where(_HEAD.c.id == HEAD_ID).values(**values)
    session.connection().execute(statement)


def check_retention(days: int) -> int:
    """Refuse a retention shorter than six months."""
    if days < MIN_AUDIT_RETENTION_DAYS:
        raise AuditError(
            f"audit retention must be at least {MIN_AUDIT_RETENTION_DAYS} days, not {days}"
        )
    return days


def purge_expired(
    session: Session, now: datetime, retention_days: int = DEFAULT_RETENTION_DAYS
) -> int:
    """Delete the oldest entries past retention, keeping the rest verifiable; return how many.

    Only a whole prefix is removed: everything before the first entry newer than the cutoff.
    The last removed entry's seq and hash become the head's anchor, from which verification
    starts. The chain is verified first (a purge must not launder tampering), and the purge is
    itself audited. On PostgreSQL the trigger lets these DELETEs through only while
    `wellbeing.audit_purge` is on in this transaction and only for seqs up to the anchor.
    """
    cutoff = now - timedelta(days=check_retention(retention_days))
    _set_head(session, seq=_HEAD.c.seq)  # take the append lock before reading anything
    report = verify_chain(session)
    if not report.ok:
        raise AuditError(f"not purging: the chain is broken at seq {report.broken_seq}")
    head_seq, anchor_seq = session.execute(select(AuditHead.seq, AuditHead.anchor_seq)).one()
    first_kept = session.scalar(select(func.min(AuditEntry.seq)).where(AuditEntry.time >= cutoff))
    last = head_seq if first_kept is None else first_kept - 1
    if last <= anchor_seq:
        return 0
    anchor_hash = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == last))
    _set_head(session, anchor_seq=last, anchor_hash=anchor_hash)
    _allow_purge(session, on=True)
    session.execute(delete(AuditEntry).where(AuditEntry.seq <= last))
    _allow_purge(session, on=False)
    count = last - anchor_seq  # the verified chain is contiguous
    detail = {"through_seq": last, "count": count, "retention_days": retention_days}
    record(
        session,
        actor=None,
        action="audit.purged",
        target_type="audit",
        target_id=last,
        detail=detail,
    )
    return count


def _allow_purge(session: Session, *, on: bool) -> None:
    if session.get_bind().dialect.name == "postgresql":
        value = "on" if on else "off"
        statement = text("SELECT set_config(:name, :value, true)")
        session.execute(statement, {"name": PURGE_SETTING, "value": value})
