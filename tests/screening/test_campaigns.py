"""Campaigns and waves over time; incident follow-ups; reminders capped and stopped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from wellbeing.notify.models import OutboxMessage
from wellbeing.referrals.service import Deadlines
from wellbeing.screening import campaigns
from wellbeing.screening.errors import CampaignError
from wellbeing.screening.models import Assignment, AssignmentStatus, WaveState

OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CLOSES = datetime(2026, 12, 31, 9, 0, tzinfo=UTC)


def _advance(session: Any, now: datetime) -> None:
    campaigns.open_due_waves(session, now)
    campaigns.open_due_assignments(session, now)
    campaigns.send_reminders(session, now)
    campaigns.expire_and_close(session, now)


def _assignments(session: Any) -> list[Assignment]:
    return list(session.scalars(select(Assignment).order_by(Assignment.officer_id)))


def _notices(session: Any, officer_id: int) -> list[str]:
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient_user_id == officer_id)
    )
    return sorted(message.kind for message in rows)


@pytest.fixture
def station_officers(make_user: Any) -> list[Any]:
    """Two officers in ST1's teams, one in ST2, and a deactivated one in ST1."""
    inside = [make_user("officer", unit="ST1-T1"), make_user("officer", unit="ST1-T2")]
    make_user("officer", unit="ST2-T1")
    gone = make_user("officer", unit="ST1-T1")
    gone.active = False
    return inside


def test_wave_opens_with_one_assignment_per_active_officer_in_scope(
    db_session: Any, catalogue: Any, station_officers: list[Any]
) -> None:
    campaign = campaigns.create_campaign(
        db_session,
        catalogue,
        name="Q4",
        unit_code="ST1",
        instruments=["phq9", "gad7"],
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    _advance(db_session, OPENS - timedelta(minutes=1))
    assert _assignments(db_session) == []
    _advance(db_session, OPENS)
    rows = _assignments(db_session)
    assert [a.officer_id for a in rows] == [o.id for o in station_officers]
    assert all(a.status == AssignmentStatus.PENDING.value for a in rows)
    assert all(a.instruments == ["phq9", "gad7"] for a in rows)
    assert campaign.waves[0].state == WaveState.OPEN.value
    _advance(db_session, OPENS + timedelta(hours=1))  # running again changes nothing
    assert len(_assignments(db_session)) == 2
    assert _notices(db_session, station_officers[0].id) == ["screening.opened"]


def test_close_expires_unfinished_assignments(
    db_session: Any, catalogue: Any, station_officers: list[Any]
) -> None:
    campaign = campaigns.create_campaign(
        db_session,
        catalogue,
        name="Q4",
        unit_code="ST1",
        instruments=["phq9"],
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    _advance(db_session, OPENS)
    done = _assignments(db_session)[0]
    done.status = AssignmentStatus.SUBMITTED.value
    _advance(db_session, CLOSES)
    statuses = [a.status for a in _assignments(db_session)]
    assert statuses == [AssignmentStatus.SUBMITTED.value, AssignmentStatus.EXPIRED.value]
    assert campaign.waves[0].state == WaveState.CLOSED.value


def test_reminders_are_capped_at_two_and_stop_after_submission(
    db_session: Any, catalogue: Any, station_officers: list[Any]
) -> None:
    campaigns.create_campaign(
        db_session,
        catalogue,
        name="Q4",
        unit_code="ST1",
        instruments=["phq9"],
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    first, second = station_officers
    _advance(db_session, OPENS)
    window = CLOSES - OPENS
    _advance(db_session, OPENS + window / 3)
    submitted = next(a for a in _assignments(db_session) if a.officer_id == second.id)
    submitted.status = AssignmentStatus.SUBMITTED.value
    for step in range(1, 40):  # every day until after the close
        _advance(db_session, OPENS + timedelta(days=step))
    assert _notices(db_session, first.id) == [
        "screening.opened",
        "screening.reminder",
        "screening.reminder",
    ]
    assert _notices(db_session, second.id) == ["screening.opened", "screening.reminder"]


def test_recurring_campaign_schedules_the_next_wave(
    db_session: Any, catalogue: Any, station_officers: list[Any]
) -> None:
    campaign = campaigns.create_campaign(
        db_session,
        catalogue,
        name="Quarterly",
        unit_code="ST1",
        instruments=["who5"],
        opens_at=OPENS,
        closes_at=OPENS + timedelta(days=14),
        every_months=3,
    )
    _advance(db_session, OPENS)
    assert [w.seq for w in campaign.waves] == [1, 2]
    second = campaign.waves[1]
    assert second.opens_at == datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    assert second.closes_at == datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    _advance(db_session, second.opens_at)
    assert len(_assignments(db_session)) == 4
    campaigns.close_campaign(db_session, campaign.id, second.opens_at + timedelta(days=1))
    assert [w.seq for w in campaign.waves] == [1, 2]
    assert all(w.state == WaveState.CLOSED.value for w in campaign.waves)


def test_incident_follow_ups_on_days_3_30_and_90(
    db_session: Any, catalogue: Any, station_officers: list[Any]
) -> None:
    occurred = date(2026, 12, 10)
    campaigns.create_incident(
        db_session,
        catalogue,
        occurred_on=occurred,
        description="处置突发事件",
        unit_code="ST1",
        officers=[o.username for o in station_officers],
        deadlines=Deadlines(),
    )
    rows = _assignments(db_session)
    mine = sorted(
        (a.follow_up_day, a.instruments, a.opens_at.date())
        for a in rows
        if a.officer_id == station_officers[0].id
    )
    assert mine == [
        (3, ["pcptsd5", "phq9"], date(2026, 12, 13)),
        (30, ["pcl5", "phq9"], date(2027, 1, 9)),
        (90, ["pcl5", "phq9"], date(2027, 3, 10)),
    ]
    assert all(a.status == AssignmentStatus.SCHEDULED.value for a in rows)
    day3 = datetime(2026, 12, 13, 0, 0, tzinfo=UTC)
    _advance(db_session, day3 - timedelta(seconds=1))
    assert not any(a.status == AssignmentStatus.PENDING.value for a in _assignments(db_session))
    _advance(db_session, day3)
    open_now = [a for a in _assignments(db_session) if a.status == AssignmentStatus.PENDING.value]
    assert sorted(a.follow_up_day for a in open_now) == [3, 3]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"instruments": []}, "at least one instrument"),
        ({"instruments": ["scl90"]}, "not offered"),
        ({"instruments": ["nope"]}, "not offered"),
        ({"unit_code": "ZZ"}, "does not exist"),
        ({"closes_at": OPENS}, "after the opening"),
        ({"every_months": 0}, "1 month or more"),
    ],
)
def test_bad_campaigns_are_refused(
    db_session: Any, catalogue: Any, org: Any, changes: dict[str, Any], message: str
) -> None:
    arguments = {
        "name": "Q4",
        "unit_code": "ST1",
        "instruments": ["phq9"],
        "opens_at": OPENS,
        "closes_at": CLOSES,
        **changes,
    }
    with pytest.raises(CampaignError, match=message):
        campaigns.create_campaign(db_session, catalogue, **arguments)


def test_schedule_parsing() -> None:
    assert campaigns.parse_schedule("") == campaigns.DEFAULT_INCIDENT_SCHEDULE
    parsed = campaigns.parse_schedule("30:pcl5, 7:phq9+gad7")
    assert [(f.day, f.instruments) for f in parsed] == [(7, ("phq9", "gad7")), (30, ("pcl5",))]
    with pytest.raises(CampaignError):
        campaigns.parse_schedule("x:phq9")
