"""Deadlines, half-deadline notice and repeated escalation under a controlled clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from wellbeing.notify.models import OutboxMessage
from wellbeing.referrals import service
from wellbeing.referrals.escalation import escalate_due


def _supervisor_notices(db_session: Any, supervisor: Any) -> list[str]:
    rows = db_session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient_user_id == supervisor.id)
        .order_by(OutboxMessage.id)
    )
    return [m.kind for m in rows]


def test_urgent_deadline_half_notice_then_repeated_escalation(
    db_session: Any, make_user: Any, refer: Any, staff: Any, frozen_clock: Any
) -> None:
    referral = refer(make_user("officer", unit="ST1-T1"), "urgent")
    assert referral.claim_deadline - referral.opened_at == timedelta(hours=4)
    frozen_clock.advance(hours=1, minutes=59)
    assert escalate_due(db_session) == 0
    frozen_clock.advance(minutes=1)
    assert escalate_due(db_session) == 1
    assert escalate_due(db_session) == 0  # a second run (or a restarted scheduler) sends nothing
    assert _supervisor_notices(db_session, staff["sup"]) == ["referral.half_deadline"]
    frozen_clock.advance(hours=2)
    assert escalate_due(db_session) == 1
    frozen_clock.advance(hours=1)
    assert escalate_due(db_session) == 0
    frozen_clock.advance(hours=1)
    assert escalate_due(db_session) == 1  # repeats every half deadline until someone acts
    assert _supervisor_notices(db_session, staff["sup"]) == [
        "referral.half_deadline",
        "referral.escalated",
        "referral.escalated",
    ]
    assert _supervisor_notices(db_session, staff["sup2"]) == _supervisor_notices(
        db_session, staff["sup"]
    )
    service.claim(db_session, referral, staff["c1"])
    service.record_contact(db_session, referral, staff["c1"], reached=True, note="ok")
    frozen_clock.advance(days=2)
    assert escalate_due(db_session) == 0  # the claim clock stopped; the close clock has 7 days


def test_escalation_after_a_restart_does_not_repeat_a_step(
    db_session: Any, make_user: Any, refer: Any, staff: Any, frozen_clock: Any
) -> None:
    referral = refer(make_user("officer", unit="ST1-T1"), "high")
    frozen_clock.advance(days=3, hours=1)
    # the scheduler was down past both the half deadline and the deadline: one step per run
    assert escalate_due(db_session) == 1
    assert escalate_due(db_session) == 1
    assert escalate_due(db_session) == 0
    db_session.expire_all()  # as a new process would see it
    assert escalate_due(db_session) == 0
    assert referral.escalation_level == 2
    assert _supervisor_notices(db_session, staff["sup"]) == [
        "referral.half_deadline",
        "referral.escalated",
    ]


def test_deadlines_per_priority(refer: Any, make_user: Any, staff: Any) -> None:
    high = refer(make_user("officer", unit="ST1-T1"), "high")
    routine = refer(make_user("officer", unit="ST1-T2"), "routine")
    assert high.claim_deadline - high.opened_at == timedelta(days=3)
    assert routine.claim_deadline - routine.opened_at == timedelta(days=14)
