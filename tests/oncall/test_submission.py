"""The whole path at night: an officer's PHQ-9 item-9 answer at 02:00 on a Sunday (station time)
opens an urgent referral in the submission's transaction and reaches the on-call counsellor at
once; during office hours the normal queue notice is all; unclaimed, the on-call supervisor hears
after 30 minutes."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from tests.oncall.conftest import local, policy_in
from wellbeing.oncall.routing import escalate_due

ITEM_9 = [0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_an_item_9_answer_at_two_on_a_sunday_night_wakes_the_on_call_counsellor(
    people: Any, set_roster: Any, submit_phq9: Any, frozen_clock: Any, outbox: Any, db_session: Any
) -> None:
    set_roster("ST1", entries=[("c2", 5, "17:30", "08:30"), ("sup", 5, "17:30", "08:30")])
    frozen_clock.now = local("Asia/Shanghai", 2026, 12, 6, 2, 0).astimezone(UTC)  # Sunday 02:00
    outcome = submit_phq9(people["o1"], ITEM_9)
    assert outcome.referral["priority"] == "urgent"
    assert outbox("referral.on_call") == [("referral.on_call", "user:c2")]
    assert outbox("referral.on_call_escalated") == []
    frozen_clock.advance(minutes=30)
    assert escalate_due(db_session, frozen_clock.now, policy_in()) == 1
    assert outbox("referral.on_call_escalated") == [("referral.on_call_escalated", "user:sup")]
    assert escalate_due(db_session, frozen_clock.now, policy_in()) == 0


def test_during_office_hours_the_queue_notice_is_all(
    people: Any, set_roster: Any, submit_phq9: Any, frozen_clock: Any, outbox: Any
) -> None:
    set_roster("ST1", entries=[("c2", 0, "00:00", "00:00")])
    frozen_clock.now = local("Asia/Shanghai", 2026, 12, 7, 10, 0).astimezone(UTC)  # Monday 10:00
    submit_phq9(people["o1"], ITEM_9)
    assert outbox("referral.on_call", "roster.nobody_on_call") == []
    assert ("referral.waiting", "user:c1") in outbox("referral.waiting")


def test_with_nobody_on_call_the_station_and_every_supervisor_hear(
    people: Any, submit_phq9: Any, frozen_clock: Any, outbox: Any, unit: Any
) -> None:
    frozen_clock.now = local("Asia/Shanghai", 2026, 12, 6, 2, 0).astimezone(UTC)
    submit_phq9(people["o1"], ITEM_9)
    told = {who for _kind, who in outbox("roster.nobody_on_call")}
    assert {"user:sup", "user:sup2", "user:both"} <= told
    assert any(who.startswith("station:") for who in told)
