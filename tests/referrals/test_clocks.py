"""The clocks after the claim (issue 17 point 1): first contact and close, half-time notices,
escalation repeating every half period, failed attempts, unreachable officers — under a
controlled clock, never twice for one step, surviving a scheduler restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from wellbeing.notify.models import OutboxMessage
from wellbeing.referrals import service
from wellbeing.referrals.escalation import escalate_due
from wellbeing.referrals.models import Referral


def _notices(db_session: Any, person: Any) -> list[str]:
    rows = db_session.scalars(
        select(OutboxMessage.kind)
        .where(OutboxMessage.recipient_user_id == person.id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [kind for kind in rows if not kind.startswith("referral.waiting")]


@pytest.fixture
def claimed_urgent(
    db_session: Any, make_user: Any, refer: Any, staff: Any, frozen_clock: Any
) -> Referral:
    """An urgent referral the counsellor c1 claimed at the frozen clock's now."""
    referral = refer(make_user("officer", unit="ST1-T1"), "urgent")
    service.claim(db_session, referral, staff["c1"])
    return referral


def test_claimed_but_never_contacted_urgent_referral_escalates_on_time(
    db_session: Any, claimed_urgent: Referral, staff: Any, frozen_clock: Any
) -> None:
    assert claimed_urgent.contact_deadline - claimed_urgent.claimed_at == timedelta(hours=1)
    frozen_clock.advance(minutes=29)
    assert escalate_due(db_session) == 0
    frozen_clock.advance(minutes=1)  # 30 min: the holder is reminded
    assert escalate_due(db_session) == 1
    assert escalate_due(db_session) == 0
    assert _notices(db_session, staff["c1"]) == ["referral.contact_due"]
    assert _notices(db_session, staff["sup"]) == []
    frozen_clock.advance(minutes=30)  # 1 h: supervisors and the holder
    assert escalate_due(db_session) == 1
    assert _notices(db_session, staff["sup"]) == ["referral.contact_overdue"]
    assert claimed_urgent.contact_breached
    frozen_clock.advance(minutes=29)
    assert escalate_due(db_session) == 0
    frozen_clock.advance(minutes=1)  # 1.5 h: again, every half period until someone acts
    assert escalate_due(db_session) == 1
    assert _notices(db_session, staff["sup"]) == ["referral.contact_overdue"] * 2
    assert _notices(db_session, staff["c1"]) == [
        "referral.contact_due",
        "referral.contact_overdue",
        "referral.contact_overdue",
    ]
    assert _notices(db_session, staff["c2"]) == []  # other counsellors are not woken
    service.record_contact(db_session, claimed_urgent, staff["c1"], reached=True, note="安全")
    frozen_clock.advance(hours=3)
    assert escalate_due(db_session) == 0  # the contact clock stopped; close has 7 days


def test_a_restarted_scheduler_never_takes_a_step_twice(
    db_session: Any, claimed_urgent: Referral, staff: Any, frozen_clock: Any
) -> None:
    frozen_clock.advance(hours=1, minutes=5)  # the scheduler was down past half time and expiry
    assert escalate_due(db_session) == 1
    db_session.expire_all()  # as a new process would see it
    assert escalate_due(db_session) == 1
    db_session.expire_all()
    assert escalate_due(db_session) == 0
    claimed_urgent.clock_level = 1  # a crashed run left the level behind its sent messages
    db_session.flush()
    assert escalate_due(db_session) == 1
    assert _notices(db_session, staff["sup"]) == ["referral.contact_overdue"]  # deduplicated


def test_failed_attempts_restart_the_contact_clock_at_half_and_the_third_escalates(
    db_session: Any, claimed_urgent: Referral, staff: Any, frozen_clock: Any
) -> None:
    frozen_clock.advance(minutes=40)
    assert escalate_due(db_session) == 1  # half time passed: the holder's reminder
    service.record_contact(db_session, claimed_urgent, staff["c1"], reached=False, note="无人接")
    assert claimed_urgent.contact_deadline == frozen_clock.now + timedelta(minutes=30)
    assert claimed_urgent.clock_level == 0
    frozen_clock.advance(minutes=14)
    assert escalate_due(db_session) == 0
    frozen_clock.advance(minutes=1)
    assert escalate_due(db_session) == 1  # the restarted clock's half time: 15 min
    service.record_contact(db_session, claimed_urgent, staff["c1"], reached=False, note="无人接")
    assert _notices(db_session, staff["sup"]) == []
    service.record_contact(db_session, claimed_urgent, staff["c1"], reached=False, note="关机")
    assert claimed_urgent.failed_attempts == 3
    assert _notices(db_session, staff["sup"]) == ["referral.unreachable"]
    assert _notices(db_session, staff["sup2"]) == ["referral.unreachable"]  # BUR covers ST1
    service.record_contact(db_session, claimed_urgent, staff["c1"], reached=False, note="仍无人")
    assert _notices(db_session, staff["sup"]) == ["referral.unreachable"]  # told once
    kinds = [event.kind for event in claimed_urgent.events]
    assert kinds.count("unreachable") == 1


def test_three_failed_attempts_on_a_routine_referral_do_not_wake_supervisors(
    db_session: Any, make_user: Any, refer: Any, staff: Any, frozen_clock: Any
) -> None:
    referral = refer(make_user("officer", unit="ST1-T1"), "routine")
    service.claim(db_session, referral, staff["c1"])
    for _ in range(3):
        service.record_contact(db_session, referral, staff["c1"], reached=False, note="无人接")
    assert _notices(db_session, staff["sup"]) == []
    assert referral.contact_deadline == frozen_clock.now + timedelta(days=5) / 2


@pytest.mark.parametrize(
    ("priority", "contact", "close"),
    [
        ("urgent", timedelta(hours=1), timedelta(days=7)),
        ("high", timedelta(days=1), timedelta(days=14)),
        ("routine", timedelta(days=5), timedelta(days=30)),
    ],
)
def test_clock_periods_per_priority(
    db_session: Any,
    make_user: Any,
    refer: Any,
    staff: Any,
    frozen_clock: Any,
    priority: str,
    contact: timedelta,
    close: timedelta,
) -> None:
    referral = refer(make_user("officer", unit="ST1-T1"), priority)
    frozen_clock.advance(minutes=10)
    service.claim(db_session, referral, staff["c1"])
    assert referral.contact_deadline == frozen_clock.now + contact
    frozen_clock.advance(minutes=10)
    service.record_contact(db_session, referral, staff["c1"], reached=True, note="谈过")
    assert referral.contacted_at == frozen_clock.now
    assert referral.close_deadline == frozen_clock.now + close


def test_the_close_clock_escalates_like_the_contact_clock(
    db_session: Any, claimed_urgent: Referral, staff: Any, frozen_clock: Any
) -> None:
    service.record_contact(db_session, claimed_urgent, staff["c1"], reached=True, note="谈过")
    frozen_clock.advance(days=3, hours=12)
    assert escalate_due(db_session) == 1
    frozen_clock.advance(days=3, hours=12)
    assert escalate_due(db_session) == 1
    assert _notices(db_session, staff["c1"]) == ["referral.close_due", "referral.close_overdue"]
    assert _notices(db_session, staff["sup"]) == ["referral.close_overdue"]
    assert claimed_urgent.close_breached
    assert not claimed_urgent.contact_breached


def test_a_raised_priority_shortens_the_running_clock(
    db_session: Any, make_user: Any, refer: Any, staff: Any, frozen_clock: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1")
    referral = refer(officer, "routine")
    service.claim(db_session, referral, staff["c1"])
    frozen_clock.advance(hours=2)
    refer(officer, "urgent", reason="item 9")
    assert referral.priority == "urgent"
    assert referral.contact_deadline == frozen_clock.now + timedelta(hours=1)


def test_claim_clock_breach_is_marked(
    db_session: Any, make_user: Any, refer: Any, staff: Any, frozen_clock: Any
) -> None:
    referral = refer(make_user("officer", unit="ST1-T1"), "urgent")
    frozen_clock.advance(hours=2)
    escalate_due(db_session)
    assert not referral.claim_breached
    frozen_clock.advance(hours=2)
    escalate_due(db_session)
    assert referral.claim_breached
