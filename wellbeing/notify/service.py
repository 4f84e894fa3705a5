"""Queue notifications in the caller's transaction; deliver them later with retries.

`enqueue` only adds a row, so a message exists exactly when the event it announces committed.
Delivery claims due rows one at a time (PostgreSQL: FOR UPDATE SKIP LOCKED, held while the
adapter runs; SQLite: a conditional UPDATE that leases the row, so no write lock is held while
an SMTP server is slow) and marks each sent right after the adapter returns: at-least-once.
Each attempt is logged per channel tried (`NotificationAttempt`: channel, outcome, short error
code, time; never the text) in the same transaction that records its outcome.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import JSON, Integer, Select, String, Table, bindparam, delete, null, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached

from wellbeing.core.batched import write_last
from wellbeing.core.clock import utcnow
from wellbeing.notify.adapters import DeliveryAdapter, Tried, outcome_of
from wellbeing.notify.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from wellbeing.notify.kinds import check_params, find_kind
from wellbeing.notify.models import (
    AttemptOutcome,
    NotificationAttempt,
    OutboxMessage,
    OutboxStatus,
)
from wellbeing.notify.render import RenderedMessage, render_message
from wellbeing.org.models import User

MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
CLAIM_LEASE = timedelta(minutes=10)  # SQLite: a claim left by a crashed process expires

logger = logging.getLogger("wellbeing.notify")


@dataclass(frozen=True)
class Channel:
    """A shared inbox such as a station's duty inbox: Channel("station", "BUR")."""

    scope: str
    code: str

    def __str__(self) -> str:
        return f"{self.scope}:{self.code}"


Recipient = User | int | Channel


@dataclass(frozen=True)
class Rendering:
    """Where rendered messages go when addressed to a channel, and the fallback language."""

    channels: Mapping[str, str]
    default_locale: str = "zh_CN"


def enqueue(
    session: Session,
    *,
    kind: str,
    recipient: Recipient,
    params: Mapping[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Add a message to the outbox in the caller's transaction.

    Returns None when a message with `dedupe_key` already exists (race-safe: the unique
    constraint decides, through INSERT … ON CONFLICT DO NOTHING — one statement, no savepoint,
    and the caller's transaction is never aborted by the duplicate). Refuses unknown kinds and
    params off the kind's allow-list (UnknownKind, ParamsRefused).
    """
    checked = check_params(find_kind(kind), params or {})
    message = OutboxMessage(kind=kind, params=checked, dedupe_key=dedupe_key)
    if isinstance(recipient, Channel):
        message.channel = str(recipient)
    else:
        message.recipient_user_id = recipient if isinstance(recipient, int) else recipient.id
    if dedupe_key is None:
        session.add(message)
        session.flush()
        return message
    values = {"recipient_user_id": message.recipient_user_id, "channel": message.channel}
    values |= {"dedupe_key": dedupe_key, **_pending(kind, checked, utcnow())}
    inserted = session.connection().execute(_statements(session).returning_id, values).scalar()
    if inserted is None:
        return None  # a message with this key exists (committed, or ours earlier)
    for key, value in values.items():
        setattr(message, key, value)
    message.id, message.last_error, message.sent_at = inserted, None, None
    make_transient_to_detached(message)  # the row exists: the session tracks it as such
    session.add(message)
    return message


@dataclass(frozen=True)
class Outgoing:
    """One message for `enqueue_all`: a user (id) or a channel, and its dedupe key."""

    recipient: int | Channel
    dedupe_key: str


def enqueue_all(
    session: Session, *, kind: str, to: Sequence[Outgoing], params: Mapping[str, Any] | None = None
) -> None:
    """`enqueue` for several recipients of the same message, without a round trip each (one
    statement; several rows as the driver's batch); a key that exists already is skipped (ON
    CONFLICT DO NOTHING), as `enqueue` would return None for it. One message goes with the last
    writes of an enclosing `written_last` block (`core.batched`)."""
    if not to:
        return
    fixed = _pending(kind, check_params(find_kind(kind), params or {}), utcnow())
    rows = [
        {
            "recipient_user_id": None if isinstance(item.recipient, Channel) else item.recipient,
            "channel": str(item.recipient) if isinstance(item.recipient, Channel) else None,
            "dedupe_key": item.dedupe_key,
            **fixed,
        }
        for item in to
    ]
    if len(rows) > 1:
        session.connection().execute(_statements(session).insert, rows)
    else:
        write_last(session, _statements(session).insert_one, rows[0])


def enqueue_selected(
    session: Session,
    *,
    kind: str,
    user_ids: Select[tuple[int]],
    user_params: Mapping[str, Any],
    dedupe: tuple[str, str],
    params: Mapping[str, Any] | None = None,
) -> None:
    """`enqueue` to every user a query selects (one column: the user id; `user_params` its bind
    values), in one INSERT … SELECT: no round trip to read them first. Each message's dedupe key
    is `dedupe[0] + str(user_id) + dedupe[1]`; a key that exists already is skipped. Inside a
    `written_last` block it goes with the block's last writes (`core.batched`).

    `user_ids` should be built once (a module constant): the statement is built once per query.
    """
    statement = _statements(session).selected.get(user_ids)
    if statement is None:
        statement = _statements(session).selected[user_ids] = _insert_selected(session, user_ids)
    fixed = _pending(kind, check_params(find_kind(kind), params or {}), utcnow())
    values = {f"outbox_{key}": value for key, value in fixed.items()}
    values |= {"outbox_prefix": dedupe[0], "outbox_suffix": dedupe[1], **user_params}
    write_last(session, statement, values)


_OUTBOX = cast(Table, OutboxMessage.__table__)
_ROW = (  # a message's columns, as `enqueue_all` gives them
    "recipient_user_id",
    "channel",
    "dedupe_key",
    "kind",
    "params",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
)


def _pending(kind: str, params: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "kind": kind,
        "params": params,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


@dataclass
class _Statements:
    """One dialect's INSERT … ON CONFLICT (dedupe_key) DO NOTHING statements, built once
    (PostgreSQL waits for a concurrent insert of the same key, then skips the row)."""

    insert: Any
    insert_one: Any  # a `core.batched` template of one row (`_ROW`)
    returning_id: Any
    selected: dict[Select[tuple[int]], Any]


_BY_DIALECT: dict[str, _Statements] = {}


def _statements(session: Session) -> _Statements:
    name = session.connection().dialect.name
    found = _BY_DIALECT.get(name)
    if found is None:
        dialect = postgresql if name == "postgresql" else sqlite
        insert = dialect.insert(_OUTBOX).on_conflict_do_nothing(index_elements=["dedupe_key"])
        one = insert.values({key: bindparam(key) for key in _ROW})
        found = _BY_DIALECT[name] = _Statements(insert, one, insert.returning(_OUTBOX.c.id), {})
    return found


def _insert_selected(session: Session, user_ids: Select[tuple[int]]) -> Any:
    chosen = user_ids.subquery()
    user_id = chosen.c[0]
    prefix = bindparam("outbox_prefix", type_=String)
    suffix = bindparam("outbox_suffix", type_=String)
    columns = {
        "recipient_user_id": user_id,
        "channel": null(),
        "dedupe_key": prefix + sql_cast(user_id, String) + suffix,
        "kind": bindparam("outbox_kind", type_=String),
        "params": bindparam("outbox_params", type_=JSON),
        "status": bindparam("outbox_status", type_=String),
        "attempts": bindparam("outbox_attempts", type_=Integer),
        "next_attempt_at": bindparam(
            "outbox_next_attempt_at", type_=_OUTBOX.c.next_attempt_at.type
        ),
        "created_at": bindparam("outbox_created_at", type_=_OUTBOX.c.created_at.type),
    }
    query = select(*(value.label(name) for name, value in columns.items())).where(
        user_id.is_not(None)  # SQLite: a WHERE tells its parser the ON CONFLICT from a join's ON
    )
    return _statements(session).insert.from_select(list(columns), query)


def retry_delay(attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 1, 2, 4, … minutes, at most an hour."""
    delay: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_RETRY)


def deliver_pending(
    session_factory: Callable[[], Session],
    adapter: DeliveryAdapter,
    now: datetime,
    batch: int = 100,
    rendering: Rendering | None = None,
) -> Counter[str]:
    """Deliver up to `batch` due messages, each in its own transaction; count the outcomes."""
    outcomes: Counter[str] = Counter()
    for _ in range(batch):
        outcome = _deliver_one(session_factory, adapter, now, rendering or Rendering({}))
        if outcome is None:
            break
        outcomes[outcome] += 1
    return outcomes


def _deliver_one(
    session_factory: Callable[[], Session],
    adapter: DeliveryAdapter,
    now: datetime,
    rendering: Rendering,
) -> str | None:
    with session_factory() as session:
        with session.begin():
            message = _claim_next(session, now)
            if message is None:
                return None
            rendered = _render(session, message, rendering)
            if _locks_rows(session):
                return _record(session, message, _attempt(adapter, rendered), now)
            claimed_id, claimed_attempts = message.id, message.attempts
        result = _attempt(adapter, rendered)
        with session.begin():
            message = session.get(OutboxMessage, claimed_id, populate_existing=True)
            if message is None or message.attempts != claimed_attempts:
                return "lost"  # our claim expired and another process took the message
            return _record(session, message, result, now)


def _locks_rows(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _claim_next(session: Session, now: datetime) -> OutboxMessage | None:
    """The next due message, claimed; its `attempts` already counts this attempt."""
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if _locks_rows(session):
        message_id = session.scalar(due.with_for_update(skip_locked=True))
        message = session.get(OutboxMessage, message_id) if message_id is not None else None
        if message is not None:
            message.attempts += 1
        return message
    # One statement, so SQLite takes the write lock before reading: no two claimants.
    message_id = session.scalar(
        update(OutboxMessage)
        .where(OutboxMessage.id == due.scalar_subquery())
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    if message_id is None:
        return None
    return session.get(OutboxMessage, message_id, populate_existing=True)


def _render(
    session: Session, message: OutboxMessage, rendering: Rendering
) -> RenderedMessage | DeliveryError:
    try:
        return render_message(
            session,
            message,
            channels=rendering.channels,
            default_locale=rendering.default_locale,
        )
    except PermanentDeliveryError as exc:
        return exc


Attempt = tuple[DeliveryError | None, Sequence[Tried]]


def _attempt(adapter: DeliveryAdapter, rendered: RenderedMessage | DeliveryError) -> Attempt:
    """Deliver; the error (None: delivered) and what each channel did."""
    name = str(getattr(adapter, "name", "adapter"))
    if isinstance(rendered, DeliveryError):
        return rendered, [Tried("-", AttemptOutcome.FAILED, rendered.code)]
    try:
        tried = adapter.deliver(rendered)
    except DeliveryError as exc:
        return exc, exc.tried or [Tried(name, outcome_of(exc), exc.code)]
    except Exception as exc:  # a broken adapter must not wedge the queue: retry later
        logger.exception("notification %s: adapter failed", rendered.message_id)
        error = TransientDeliveryError(f"adapter failed ({type(exc).__name__})", code="bug")
        return error, [Tried(name, AttemptOutcome.RETRY, error.code)]
    return None, tried or [Tried(name, AttemptOutcome.SENT)]


def _record(session: Session, message: OutboxMessage, result: Attempt, now: datetime) -> str:
    """Mark the outcome of one attempt (sent, retry later, or give up) and log it."""
    error, tried = result
    session.add_all(
        NotificationAttempt(
            message_id=message.id,
            attempt=message.attempts,
            channel=item.channel[:16],
            outcome=item.outcome.value,
            error_code=item.error_code[:40] if item.error_code else None,
            at=now,
        )
        for item in tried
    )
    if error is None:
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT, now, None
        return "sent"
    message.last_error = str(error)[:200]
    if isinstance(error, PermanentDeliveryError) or message.attempts >= MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED_PERMANENTLY
        return "failed"
    message.next_attempt_at = now + retry_delay(message.attempts)
    return "retry"


def purge_sent(session: Session, before: datetime) -> int:
    """Delete messages delivered before a time (they have done their work); return how many."""
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.sent_at < before
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
