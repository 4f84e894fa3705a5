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
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
    constraint decides, inside a savepoint). Refuses unknown kinds and params off the kind's
    allow-list (UnknownKind, ParamsRefused).
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
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)):
            return None
        raise
    return message


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
