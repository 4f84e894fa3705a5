"""One active scheduler: the lease goes to one contender and passes on when it lapses."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from wellbeing.scheduler.lease import acquire_lease, lease_holder, release_lease
from wellbeing.scheduler.models import SchedulerLease

TTL = timedelta(seconds=30)


def test_the_first_contender_holds_and_the_second_waits(
    db_session: Session, frozen_clock: Any
) -> None:
    now = frozen_clock.now
    assert acquire_lease(db_session, "jobs", "a", now, TTL)
    assert not acquire_lease(db_session, "jobs", "b", now, TTL)
    assert lease_holder(db_session, "jobs", now) == "a"


def test_the_holder_renews_and_keeps_it(db_session: Session, frozen_clock: Any) -> None:
    assert acquire_lease(db_session, "jobs", "a", frozen_clock.now, TTL)
    for _ in range(5):
        frozen_clock.advance(seconds=20)
        assert acquire_lease(db_session, "jobs", "a", frozen_clock.now, TTL)
        assert not acquire_lease(db_session, "jobs", "b", frozen_clock.now, TTL)


def test_the_standby_takes_over_when_the_holder_stops_renewing(
    db_session: Session, frozen_clock: Any
) -> None:
    assert acquire_lease(db_session, "jobs", "a", frozen_clock.now, TTL)
    frozen_clock.advance(seconds=29)
    assert not acquire_lease(db_session, "jobs", "b", frozen_clock.now, TTL)
    frozen_clock.advance(seconds=1)
    assert lease_holder(db_session, "jobs", frozen_clock.now) is None
    assert acquire_lease(db_session, "jobs", "b", frozen_clock.now, TTL)
    # The old holder, waking up, finds the lease gone.
    assert not acquire_lease(db_session, "jobs", "a", frozen_clock.now, TTL)
    assert lease_holder(db_session, "jobs", frozen_clock.now) == "b"


def test_release_hands_over_at_once_but_only_by_the_holder(
    db_session: Session, frozen_clock: Any
) -> None:
    assert acquire_lease(db_session, "jobs", "a", frozen_clock.now, TTL)
    release_lease(db_session, "jobs", "b", frozen_clock.now)  # not b's to release
    assert not acquire_lease(db_session, "jobs", "b", frozen_clock.now, TTL)
    release_lease(db_session, "jobs", "a", frozen_clock.now)
    assert acquire_lease(db_session, "jobs", "b", frozen_clock.now, TTL)


@pytest.fixture
def lease_name(engine: Engine) -> Iterator[str]:
    """A lease name for a test that commits for real; its row is removed afterwards."""
    name = f"race-{uuid.uuid4().hex[:12]}"
    yield name
    with engine.begin() as connection:
        connection.execute(delete(SchedulerLease).where(SchedulerLease.name == name))


def test_contenders_starting_at_once_get_exactly_one_lease(
    engine: Engine, lease_name: str, frozen_clock: Any
) -> None:
    factory = sessionmaker(bind=engine)
    start = threading.Barrier(4)
    results: dict[str, bool] = {}

    def contend(holder: str) -> None:
        start.wait()
        with factory() as session, session.begin():
            results[holder] = acquire_lease(session, lease_name, holder, frozen_clock.now, TTL)

    threads = [threading.Thread(target=contend, args=(f"p{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [False, False, False, True]
