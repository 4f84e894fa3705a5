"""The only code that writes audit entries: stage an entry, purge entries past retention.

Linking staged entries into the chain is `audit.sequencer`'s."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol, cast

from sqlalchemy import Select, Table, bindparam, delete, func, select, text, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from wellbeing.audit.chain import Scalar, canonical_json, check_action, check_detail
from wellbeing.audit.errors import AuditError
from wellbeing.audit.models import HEAD_ID, AuditEntry, AuditHead
from wellbeing.audit.sequencer import link_all
from wellbeing.audit.verify import verify_chain
from wellbeing.core.batched import written_last
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
    """Stage one entry inside the caller's transaction; it commits or rolls back with the event.

    The entry is written unlinked, without any lock; the sequencer (`audit.sequencer`) gives
    it its seq and hash once the transaction has committed; the entry returned is a detached
    copy of what was written (no id, no seq). Inside `appended_last(session)` the entry is
    checked at once but written when that block ends (and None is returned).

    `action` is a dotted name (`auth.login_succeeded`); `detail` holds only short non-clinical
    scalars (see `audit.chain`); `target_id` is cut to 128 characters (it may come from a form).
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
    return _stage_all(session, [pending])[0]


Pending = tuple[Actor | None, str, str, str | int, dict[str, Scalar]]


@contextmanager
def appended_last(session: Session) -> Iterator[None]:
    """Entries recorded inside the block are written when it ends, in order, in one INSERT,
    after the block's other last writes and in the same round trip (`core.batched`).

    However many entries the block recorded (a submission with its referral, messages and
    fact), they cost one statement. An error inside the block discards its entries along with
    the rest of the transaction's work.
    """
    if session.info.get(_DEFERRED) is not None:  # an outer block appends them
        yield
        return
    pending: list[Pending] = []
    session.info[_DEFERRED] = pending
    with written_last(session) as last:
        try:
            yield
        finally:
            session.info.pop(_DEFERRED, None)
        rows = _rows(pending)
        if 0 < len(rows) <= _MOST_ROWS:  # one INSERT of a VALUES list, rows in order
            params = {f"{key}_{n}": row[key] for n, row in enumerate(rows) for key in row}
            last.append((_stage_rows(len(rows)), params))
        elif rows:  # more than any request records: a cached executemany, sent at once
            session.connection().execute(_STAGE, rows)


_ENTRIES = cast(Table, AuditEntry.__table__)
_HEAD = cast(Table, AuditHead.__table__)
_STAGE = _ENTRIES.insert()  # built once: every audited request runs it
_COLUMNS = ("time", "actor_id", "actor_name", "action", "target_type", "target_id", "detail_json")
_MOST_ROWS = 8


@lru_cache(maxsize=_MOST_ROWS)
def _stage_rows(count: int) -> Insert:
    """A `core.batched` template staging `count` entries in one statement, built once:
    `INSERT … VALUES (:time_0, …)` for one, `INSERT … SELECT :time_0, … UNION ALL SELECT
    :time_1, …` for more (rows in order). Not a multi-row VALUES: SQLAlchemy cannot cache one,
    so it — and any statement it is merged into — would be compiled afresh for every request."""
    if count == 1:
        return _ENTRIES.insert().values({key: bindparam(f"{key}_0") for key in _COLUMNS})

    def row(n: int) -> Select[Any]:
        values = (bindparam(f"{key}_{n}", type_=_ENTRIES.c[key].type) for key in _COLUMNS)
        return select(*(value.label(key) for value, key in zip(values, _COLUMNS, strict=True)))

    rows = [row(n) for n in range(count)]
    return _ENTRIES.insert().from_select(list(_COLUMNS), union_all(*rows))


def _stage_all(session: Session, pending: list[Pending]) -> list[AuditEntry]:
    """Insert the entries unlinked, in order, in one statement; the sequencer links them.

    A Core statement on the session's connection, not an ORM unit of work: entries are rows
    nobody edits in this session, and this runs in every audited request. No lock is taken.
    """
    rows = _rows(pending)
    session.connection().execute(_STAGE, rows)
    return [AuditEntry(**row) for row in rows]


def _rows(pending: list[Pending]) -> list[dict[str, object]]:
    now = utcnow()
    return [
        {
            "time": now,
            "actor_id": actor.id if actor else None,
            "actor_name": actor.username if actor else None,
            "action": action,
            "target_type": target_type,
            "target_id": str(target_id)[:MAX_TARGET_ID],
            "detail_json": canonical_json(clean),
        }
        for actor, action, target_type, target_id, clean in pending
    ]


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

    Only a whole prefix of the linked chain is removed: everything before the first entry newer
    than the cutoff (entries are linked first, so none older than the cutoff waits unlinked;
    unlinked entries are never removed). The last removed entry's seq and hash become the
    head's anchor, from which verification starts. The chain is verified first (a purge must
    not launder tampering), and the purge is itself audited. On PostgreSQL the trigger lets
    these DELETEs through only while `wellbeing.audit_purge` is on in this transaction and
    only for seqs up to the anchor.
    """
    cutoff = now - timedelta(days=check_retention(retention_days))
    link_all(session)  # takes the head before reading anything, and links what waits
    report = verify_chain(session)
    if not report.ok:
        raise AuditError(f"not purging: the chain is broken ({report.reason})")
    head_seq, anchor_seq = session.execute(select(AuditHead.seq, AuditHead.anchor_seq)).one()
    first_kept = session.scalar(
        select(func.min(AuditEntry.seq)).where(
            AuditEntry.time >= cutoff, AuditEntry.seq.is_not(None)
        )
    )
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
