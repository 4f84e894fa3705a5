"""Several delivery jobs at once (separate connections, real commits) send each message once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import sessionmaker

from wellbeing.notify.adapters import MemoryAdapter
from wellbeing.notify.models import OutboxMessage, OutboxStatus
from wellbeing.notify.service import Channel, deliver_pending, enqueue

# Far in the past, so these workers claim only this test's rows in a shared database.
LONG_AGO = datetime(2001, 1, 1, tzinfo=UTC)


@pytest.fixture
def prefix(engine: Engine) -> Iterator[str]:
    """A dedupe-key prefix for this test's committed rows, removed afterwards."""
    marker = f"race-{uuid.uuid4().hex[:12]}:"
    yield marker
    with engine.begin() as connection:
        connection.execute(delete(OutboxMessage).where(OutboxMessage.dedupe_key.startswith(marker)))


def test_concurrent_workers_deliver_every_message_exactly_once(engine: Engine, prefix: str) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session, session.begin():
        for n in range(40):
            message = enqueue(
                session,
                kind="referral.waiting",
                recipient=Channel("station", "BUR"),
                params={"priority": "routine"},
                dedupe_key=f"{prefix}{n}",
            )
            assert message is not None
            message.next_attempt_at = message.created_at = LONG_AGO
    adapter = MemoryAdapter()
    start = threading.Barrier(4)

    def work() -> None:
        start.wait()
        deliver_pending(factory, adapter, LONG_AGO)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    delivered = [m.message_id for m in adapter.delivered]
    assert len(delivered) == 40
    assert len(set(delivered)) == 40
    with factory() as session:
        statuses = session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.dedupe_key.startswith(prefix))
        )
        assert set(statuses) == {OutboxStatus.SENT}
