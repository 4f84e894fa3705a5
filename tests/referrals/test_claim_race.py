"""Concurrent claims: exactly one of ten counsellors wins, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wellbeing.org import service as org_service
from wellbeing.org.models import User
from wellbeing.referrals import service
from wellbeing.referrals.errors import AlreadyClaimed
from wellbeing.referrals.models import Referral
from wellbeing.rules import Priority


def _setup(engine: Engine) -> tuple[str, list[int]]:
    with Session(engine) as session, session.begin():
        org_service.add_unit(session, "S", "所", "Station")
        officer = org_service.add_user(
            session, "o1", unit_code="S", grants=[org_service.parse_grant("officer")]
        )
        counsellors = [
            org_service.add_user(
                session, f"c{i}", unit_code="S", grants=[org_service.parse_grant("counsellor:S")]
            )
            for i in range(10)
        ]
        referral = service.open_or_join(
            session,
            officer,
            priority=Priority.URGENT,
            reasons=[service.Reason("rule", "原因", "reason")],
            crisis=True,
            deadlines=service.Deadlines(),
        )
        return referral.id, [c.id for c in counsellors]


def _claim(engine: Engine, barrier: threading.Barrier, referral_id: str, user_id: int) -> str:
    barrier.wait()  # all ten start together
    with Session(engine) as session:
        user = session.get(User, user_id)
        referral = session.get(Referral, referral_id)
        assert user is not None
        assert referral is not None
        try:
            service.claim(session, referral, user)
            session.commit()
        except AlreadyClaimed as exc:
            session.rollback()
            return f"lost to {exc.by}"
        return "won"


def test_ten_simultaneous_claims_have_exactly_one_winner(app: Any, scratch_engine: Engine) -> None:
    # `app` has set this process's keyring, which sealing the referral's reasons needs
    referral_id, counsellor_ids = _setup(scratch_engine)
    barrier = threading.Barrier(len(counsellor_ids))
    outcomes: list[str] = []

    def attempt(user_id: int) -> None:
        outcomes.append(_claim(scratch_engine, barrier, referral_id, user_id))

    threads = [threading.Thread(target=attempt, args=(uid,)) for uid in counsellor_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 10
    assert outcomes.count("won") == 1
    with Session(scratch_engine) as session:
        stored = session.get(Referral, referral_id)
        assert stored is not None
        assert stored.claimed_by in counsellor_ids
        assert [e.kind for e in stored.events].count("claimed") == 1
        winner = session.get(User, stored.claimed_by)
        assert winner is not None
        assert outcomes.count(f"lost to {winner.display_name}") == 9
