"""The delivery job: sends due messages once, backs off on transient errors, gives up when told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from wellbeing.core.db import Database
from wellbeing.notify.adapters import MemoryAdapter
from wellbeing.notify.errors import PermanentDeliveryError, TransientDeliveryError
from wellbeing.notify.models import OutboxMessage, OutboxStatus
from wellbeing.notify.render import RenderedMessage
from wellbeing.notify.service import (
    MAX_ATTEMPTS,
    Channel,
    Rendering,
    deliver_pending,
    enqueue,
    retry_delay,
)

DUE = {"closes_on": "2026-12-31"}


def reload(session: Session, message: OutboxMessage) -> OutboxMessage:
    """The message as stored now (the delivery job's sessions changed it)."""
    fresh = session.get(OutboxMessage, message.id, populate_existing=True)
    assert fresh is not None
    return fresh


def _queue(session: Session, recipient: Any, **kwargs: Any) -> OutboxMessage:
    message = enqueue(session, kind="screening.opened", recipient=recipient, params=DUE, **kwargs)
    assert message is not None
    session.flush()
    return message


def test_a_due_message_is_delivered_once_and_marked_sent(
    database: Database, db_session: Session, make_user: Callable[..., Any], frozen_clock: Any
) -> None:
    officer = make_user(locale="en")
    message = _queue(db_session, officer)
    adapter = MemoryAdapter()

    first = deliver_pending(database.session_factory, adapter, frozen_clock.now)
    second = deliver_pending(database.session_factory, adapter, frozen_clock.now)

    assert first == {"sent": 1}
    assert not second
    assert [m.message_id for m in adapter.delivered] == [message.id]
    stored = reload(db_session, message)
    assert (stored.status, stored.attempts, stored.sent_at) == (
        OutboxStatus.SENT,
        1,
        frozen_clock.now,
    )


def test_a_message_not_yet_due_waits(
    database: Database, db_session: Session, make_user: Callable[..., Any], frozen_clock: Any
) -> None:
    _queue(db_session, make_user())
    adapter = MemoryAdapter()
    assert not deliver_pending(database.session_factory, adapter, frozen_clock.now - timedelta(1))
    assert adapter.delivered == []


def test_the_back_off_doubles_from_a_minute_up_to_an_hour() -> None:
    minutes = [retry_delay(n) / timedelta(minutes=1) for n in range(1, MAX_ATTEMPTS)]
    assert minutes == [1, 2, 4, 8, 16, 32, 60]


def test_transient_failures_retry_on_schedule_then_give_up(
    database: Database, db_session: Session, make_user: Callable[..., Any], frozen_clock: Any
) -> None:
    message = _queue(db_session, make_user())
    adapter = MemoryAdapter()
    adapter.fail_next(TransientDeliveryError("SMTP unavailable (ConnectionRefusedError)"), 99)
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        outcome = deliver_pending(database.session_factory, adapter, frozen_clock.now)
        stored = reload(db_session, message)
        assert stored.attempts == attempt
        if attempt == MAX_ATTEMPTS:
            assert outcome == {"failed": 1}
            break
        assert outcome == {"retry": 1}
        wait = stored.next_attempt_at - frozen_clock.now
        waits.append(wait / timedelta(minutes=1))
        # Just before the retry is due nothing happens; at the due time it is tried again.
        frozen_clock.advance(seconds=wait.total_seconds() - 1)
        assert not deliver_pending(database.session_factory, adapter, frozen_clock.now)
        frozen_clock.advance(seconds=1)
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    stored = reload(db_session, message)
    assert stored.status == OutboxStatus.FAILED_PERMANENTLY
    assert stored.last_error == "SMTP unavailable (ConnectionRefusedError)"
    assert adapter.delivered == []


def test_a_permanent_failure_is_recorded_without_retry(
    database: Database, db_session: Session, make_user: Callable[..., Any], frozen_clock: Any
) -> None:
    message = _queue(db_session, make_user())
    adapter = MemoryAdapter()
    adapter.fail_next(PermanentDeliveryError("recipient refused (550)"))
    assert deliver_pending(database.session_factory, adapter, frozen_clock.now) == {"failed": 1}
    stored = reload(db_session, message)
    assert (stored.status, stored.attempts, stored.last_error) == (
        OutboxStatus.FAILED_PERMANENTLY,
        1,
        "recipient refused (550)",
    )
    frozen_clock.advance(days=1)
    assert not deliver_pending(database.session_factory, adapter, frozen_clock.now)


def test_an_inactive_recipient_fails_permanently(
    database: Database, db_session: Session, make_user: Callable[..., Any], frozen_clock: Any
) -> None:
    officer = make_user()
    message = _queue(db_session, officer)
    officer.active = False
    db_session.flush()
    adapter = MemoryAdapter()
    assert deliver_pending(database.session_factory, adapter, frozen_clock.now) == {"failed": 1}
    assert reload(db_session, message).last_error == "recipient is missing or inactive"
    assert adapter.delivered == []


class _Broken:
    def deliver(self, message: RenderedMessage) -> None:
        raise RuntimeError("bug in an adapter")


def test_a_crashing_adapter_does_not_wedge_the_queue(
    database: Database, db_session: Session, make_user: Callable[..., Any], frozen_clock: Any
) -> None:
    first, second = _queue(db_session, make_user()), _queue(db_session, make_user())
    assert deliver_pending(database.session_factory, _Broken(), frozen_clock.now) == {"retry": 2}
    assert reload(db_session, first).last_error == "adapter failed (RuntimeError)"
    assert reload(db_session, second).attempts == 1


def test_the_batch_limits_one_run_and_the_oldest_go_first(
    database: Database, db_session: Session, make_user: Callable[..., Any], frozen_clock: Any
) -> None:
    officer = make_user()
    messages = []
    for _ in range(3):
        messages.append(_queue(db_session, officer))
        frozen_clock.advance(seconds=1)
    adapter = MemoryAdapter()
    assert deliver_pending(database.session_factory, adapter, frozen_clock.now, batch=2) == {
        "sent": 2
    }
    assert [m.message_id for m in adapter.delivered] == [messages[0].id, messages[1].id]


def test_channel_messages_go_to_the_configured_address(
    database: Database, db_session: Session, frozen_clock: Any
) -> None:
    enqueue(
        db_session,
        kind="referral.waiting",
        recipient=Channel("station", "BUR"),
        params={"priority": "high"},
    )
    db_session.flush()
    adapter = MemoryAdapter()
    rendering = Rendering({"station:BUR": "duty@bur.example.org"}, "en")
    deliver_pending(database.session_factory, adapter, frozen_clock.now, rendering=rendering)
    (delivered,) = adapter.delivered
    assert (delivered.address, delivered.recipient, delivered.locale) == (
        "duty@bur.example.org",
        "station:BUR",
        "en",
    )
