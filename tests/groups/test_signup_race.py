"""Concurrent sign-ups and withdrawals, each thread its own database session, on SQLite and
PostgreSQL: capacity is never exceeded, the queue has no gaps or doubles, the seats are the
first places in it, and freed seats go to the waiting list in order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from wellbeing.core.clock import utcnow
from wellbeing.groups import service
from wellbeing.groups.input import parse_group
from wellbeing.groups.models import GroupSession, GroupSignup
from wellbeing.notify.models import OutboxMessage
from wellbeing.org import service as org_service
from wellbeing.org.models import User

CAPACITY, OFFICERS = 4, 12


def _setup(engine: Engine) -> tuple[str, list[int]]:
    with Session(engine) as session, session.begin():
        org_service.add_unit(session, "S", "所", "Station")
        counsellor = org_service.add_user(
            session, "c", unit_code="S", grants=[org_service.parse_grant("counsellor:S")]
        )
        officers = [
            org_service.add_user(
                session, f"o{i}", unit_code="S", grants=[org_service.parse_grant("officer")]
            )
            for i in range(OFFICERS)
        ]
        body = {
            "title": {"zh-CN": "团辅", "en": "Group"},
            "starts_at": (utcnow() + timedelta(days=1)).isoformat(),
            "place": "Room 1",
            "capacity": CAPACITY,
            "unit": "S",
        }
        group = service.create_group(session, counsellor, parse_group(body, utcnow()))
        return group.id, [officer.id for officer in officers]


def _in_threads(
    engine: Engine, group_id: str, user_ids: list[int], step: Callable[..., Any]
) -> list[Any]:
    barrier = threading.Barrier(len(user_ids))
    results: list[Any] = []

    def run(user_id: int) -> None:
        barrier.wait()  # all start together
        with Session(engine) as session:
            user, group = session.get(User, user_id), session.get(GroupSession, group_id)
            assert user is not None
            assert group is not None
            outcome = step(session, group, user)
            session.commit()
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _queue(engine: Engine, group_id: str) -> list[tuple[int, int, str]]:
    with Session(engine) as session:
        rows = session.execute(
            select(GroupSignup.position, GroupSignup.officer_id, GroupSignup.status)
            .where(GroupSignup.session_id == group_id)
            .order_by(GroupSignup.position)
        ).all()
        return [(position, officer, status) for position, officer, status in rows]


def test_concurrent_sign_ups_fill_the_seats_then_the_waiting_list(
    app: Any, scratch_engine: Engine
) -> None:
    group_id, officer_ids = _setup(scratch_engine)
    statuses = _in_threads(
        scratch_engine, group_id, officer_ids, lambda s, g, u: service.sign_up(s, g, u).status
    )
    assert sorted(statuses) == ["signed_up"] * CAPACITY + ["waiting"] * (OFFICERS - CAPACITY)
    queue = _queue(scratch_engine, group_id)
    assert [position for position, _o, _s in queue] == list(range(1, OFFICERS + 1))
    assert sorted(officer for _p, officer, _s in queue) == sorted(officer_ids)
    # the seats are exactly the first places taken
    assert [status for _p, _o, status in queue] == ["signed_up"] * CAPACITY + ["waiting"] * (
        OFFICERS - CAPACITY
    )

    # three seated officers withdraw at once: the first three waiting get their seats, in order
    leaving = [officer for _p, officer, _s in queue[:3]]
    promoted = _in_threads(scratch_engine, group_id, leaving, service.withdraw)
    assert sum(promoted) == 3
    after = _queue(scratch_engine, group_id)
    seated = [officer for _p, officer, status in after if status == "signed_up"]
    assert len(seated) == CAPACITY
    assert seated == [officer for _p, officer, _s in queue[3 : 3 + CAPACITY]]
    with Session(scratch_engine) as session:
        told = session.scalars(
            select(OutboxMessage.recipient_user_id).where(
                OutboxMessage.kind == "group.seat_offered"
            )
        ).all()
    assert sorted(told) == sorted(seated[1:])


def test_sign_ups_and_withdrawals_mixed_never_exceed_capacity(
    app: Any, scratch_engine: Engine
) -> None:
    group_id, officer_ids = _setup(scratch_engine)
    first, rest = officer_ids[:CAPACITY], officer_ids[CAPACITY:]
    _in_threads(scratch_engine, group_id, first, lambda s, g, u: service.sign_up(s, g, u).status)

    def mixed(session: Session, group: GroupSession, user: User) -> Any:
        if user.id in first[:2]:
            return service.withdraw(session, group, user)
        return service.sign_up(session, group, user).status

    _in_threads(scratch_engine, group_id, first[:2] + rest, mixed)
    queue = _queue(scratch_engine, group_id)
    statuses = [status for _p, _o, status in queue]
    assert statuses.count("signed_up") == CAPACITY
    assert statuses == sorted(statuses, key=lambda status: status != "signed_up")
    assert len(queue) == OFFICERS - 2
