"""Urgent referrals outside office hours: the on-call counsellor at once, nobody on call → the
station's channel and every supervisor in scope, then escalation to the on-call supervisor after
30 minutes, once, across restarts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from tests.oncall.conftest import local, policy_in
from wellbeing.app.jobs import find_job, run_job_once
from wellbeing.oncall.models import OnCallRouting
from wellbeing.oncall.routing import escalate_due, route_urgent
from wellbeing.referrals import service as referrals
from wellbeing.scheduler.job import JobContext

SAT, SUN = 5, 6
ON_CALL, NOBODY, ESCALATED = (
    "referral.on_call",
    "roster.nobody_on_call",
    "referral.on_call_escalated",
)
SUNDAY_TWO = local("Asia/Shanghai", 2026, 12, 6, 2, 0)


def night_roster(set_roster: Any) -> Any:
    return set_roster(entries=[("c1", SAT, "22:00", "08:00"), ("sup", SAT, "22:00", "08:00")])


def test_the_on_call_counsellor_is_told_at_once(
    db_session: Session, set_roster: Any, urgent: Any, outbox: Any, frozen_clock: Any
) -> None:
    night_roster(set_roster)
    frozen_clock.now = SUNDAY_TWO.astimezone(UTC)
    referral = urgent()
    route_urgent(db_session, referral, frozen_clock.now, policy_in())
    route_urgent(db_session, referral, frozen_clock.now, policy_in())  # opening again: no repeat
    assert outbox(ON_CALL, NOBODY) == [(ON_CALL, "user:c1")]
    routing = db_session.get(OnCallRouting, referral.id)
    assert routing is not None
    assert not routing.nobody_on_call
    assert routing.unit.code == "ST1"


def test_nobody_on_call_tells_the_station_and_every_supervisor_in_scope(
    db_session: Session, set_roster: Any, urgent: Any, outbox: Any, frozen_clock: Any, people: Any
) -> None:
    set_roster(entries=[("c1", SUN, "08:00", "22:00")])  # nobody at 02:00
    frozen_clock.now = SUNDAY_TWO.astimezone(UTC)
    referral = urgent()
    route_urgent(db_session, referral, frozen_clock.now, policy_in())
    assert sorted(outbox(ON_CALL, NOBODY)) == [
        (NOBODY, "station:ST1"),
        (NOBODY, "user:both"),
        (NOBODY, "user:sup"),
        (NOBODY, "user:sup2"),
    ]


def test_without_any_roster_the_station_is_the_counsellors_scope(
    db_session: Session, urgent: Any, outbox: Any, frozen_clock: Any, people: Any
) -> None:
    frozen_clock.now = SUNDAY_TWO.astimezone(UTC)
    route_urgent(db_session, urgent(), frozen_clock.now, policy_in())
    assert (NOBODY, "station:ST1") in outbox(NOBODY)


def test_office_hours_and_other_priorities_send_nothing_on_call(
    db_session: Session,
    set_roster: Any,
    urgent: Any,
    outbox: Any,
    frozen_clock: Any,
    make_user: Any,
) -> None:
    set_roster(entries=[("c1", day, "00:00", "00:00") for day in range(7)])
    frozen_clock.now = local("Asia/Shanghai", 2026, 12, 7, 10, 0).astimezone(UTC)  # Monday 10:00
    referral = urgent()
    route_urgent(db_session, referral, frozen_clock.now, policy_in())
    assert db_session.get(OnCallRouting, referral.id) is None
    high = urgent(officer=make_user("officer", unit="ST1-T2"), priority="high")
    route_urgent(db_session, high, SUNDAY_TWO, policy_in())
    assert outbox(ON_CALL, NOBODY) == []


def test_escalation_after_thirty_minutes_once(
    db_session: Session, set_roster: Any, urgent: Any, outbox: Any, frozen_clock: Any
) -> None:
    night_roster(set_roster)
    policy = policy_in()
    frozen_clock.now = SUNDAY_TWO.astimezone(UTC)
    referral = urgent()
    route_urgent(db_session, referral, frozen_clock.now, policy)
    assert escalate_due(db_session, frozen_clock.now + timedelta(minutes=29), policy) == 0
    assert escalate_due(db_session, frozen_clock.now + timedelta(minutes=30), policy) == 1
    assert escalate_due(db_session, frozen_clock.now + timedelta(minutes=31), policy) == 0
    db_session.expire_all()  # as a restarted process would see it
    assert escalate_due(db_session, frozen_clock.now + timedelta(minutes=40), policy) == 0
    assert outbox(ESCALATED) == [(ESCALATED, "user:sup")]


def test_a_claimed_referral_is_not_escalated(
    db_session: Session, set_roster: Any, urgent: Any, outbox: Any, frozen_clock: Any, people: Any
) -> None:
    night_roster(set_roster)
    policy = policy_in()
    frozen_clock.now = SUNDAY_TWO.astimezone(UTC)
    referral = urgent()
    route_urgent(db_session, referral, frozen_clock.now, policy)
    referrals.claim(db_session, referral, people["c1"])
    assert escalate_due(db_session, frozen_clock.now + timedelta(hours=1), policy) == 0
    assert outbox(ESCALATED) == []


def test_escalation_with_no_supervisor_on_call_tells_everyone(
    db_session: Session, set_roster: Any, urgent: Any, outbox: Any, frozen_clock: Any
) -> None:
    set_roster(entries=[("c1", SAT, "22:00", "08:00")])
    policy = policy_in()
    frozen_clock.now = SUNDAY_TWO.astimezone(UTC)
    route_urgent(db_session, urgent(), frozen_clock.now, policy)
    escalate_due(db_session, frozen_clock.now + timedelta(minutes=30), policy)
    assert sorted(outbox(ESCALATED)) == [
        (ESCALATED, "station:ST1"),
        (ESCALATED, "user:both"),
        (ESCALATED, "user:sup"),
        (ESCALATED, "user:sup2"),
    ]


def test_the_job_escalates_once_across_restarts(
    app: Flask, db_session: Session, set_roster: Any, urgent: Any, outbox: Any, frozen_clock: Any
) -> None:
    assert find_job("oncall.escalate").name == "oncall.escalate"
    night_roster(set_roster)
    frozen_clock.now = SUNDAY_TWO.astimezone(UTC)
    referral = urgent()
    route_urgent(db_session, referral, frozen_clock.now, policy_in())
    db_session.flush()
    settings = replace(app.extensions["wellbeing.settings"], on_call_escalate_minutes=30)
    frozen_clock.advance(minutes=31)
    for _run in range(2):  # each run opens its own session, as a restarted scheduler would
        run_job_once("oncall.escalate", JobContext(app.extensions["wellbeing.db"], settings))
    db_session.expire_all()
    assert outbox(ESCALATED) == [(ESCALATED, "user:sup")]
    routing = db_session.get(OnCallRouting, referral.id)
    assert routing is not None
    assert routing.escalated_at == datetime(2026, 12, 5, 18, 31, tzinfo=UTC)


def test_a_longer_delay_is_honoured(
    app: Flask, db_session: Session, set_roster: Any, urgent: Any, outbox: Any, frozen_clock: Any
) -> None:
    night_roster(set_roster)
    frozen_clock.now = SUNDAY_TWO.astimezone(UTC)
    route_urgent(db_session, urgent(), frozen_clock.now, policy_in())
    db_session.flush()
    settings = replace(app.extensions["wellbeing.settings"], on_call_escalate_minutes=60)
    frozen_clock.advance(minutes=45)
    run_job_once("oncall.escalate", JobContext(app.extensions["wellbeing.db"], settings))
    assert outbox(ESCALATED) == []
