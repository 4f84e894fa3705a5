"""Releasing the station's activity: counting a month from the services' tables, a quarter from
its months' sealed counts, storing once, and slicing per unit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.activity.conftest import at
from wellbeing.activity.models import ActivityRelease
from wellbeing.activity.periods import Kind, Period
from wellbeing.activity.publish import periods_to_release, publish_period
from wellbeing.activity.report import activity_report
from wellbeing.audit.models import AuditEntry
from wellbeing.referrals.models import Outcome

K = 5
MARCH = Period(date(2026, 3, 1), Kind.MONTH)


def test_a_month_is_counted_from_the_services_tables(db_session, activity, officers, org) -> None:
    team = officers("ST1-T1", 6)
    for officer in team:
        activity.counselled(officer, at(2026, 3, 5))
    activity.counselled(team[0], at(2026, 3, 20))  # a second session of the same person
    activity.counselled(team[1], at(2026, 3, 21), attended=False)  # missed: not held
    activity.counselled(team[2], at(2026, 4, 1))  # next month
    activity.group(org["ST1-T1"].id, at(2026, 3, 12), present=team)
    for number, officer in enumerate(team):
        activity.referral(
            officer,
            at(2026, 3, 2),
            closed=at(2026, 3, 25),
            outcome=Outcome.SUPPORT_PROVIDED if number % 2 else Outcome.DECLINED,
            contact_after=timedelta(hours=2 * (number + 1)),
        )
    activity.read(org["ST1-T1"].id, "2026-03", 9)

    release = publish_period(db_session, MARCH, K)
    assert release is not None
    report = activity_report(db_session, "ST1-T1", MARCH, K)
    assert report is not None
    values = report.own.values
    assert values["counselling_sessions"] == 7
    assert values["people_counselled"] == 6
    assert values["group_sessions"] == 1
    assert values["group_attendance"] == 6
    assert values["referrals_opened"] == 6
    assert values["crisis_referrals"] == 0
    assert values["referrals_closed"] == 6
    assert values["articles_read"] == 9
    assert values["median_hours_to_first_contact"] == 7.0  # 2,4,6,8,10,12 hours
    # 3 and 3 by outcome: each is below k, so the breakdown is hidden
    assert values["referrals_closed_support_provided"] is None
    assert values["referrals_closed_declined"] is None


Q1 = Period(date(2026, 1, 1), Kind.QUARTER)


def _months_of_q1(activity, officers) -> list:
    """Jan: 2 sessions in ST1-T1; Feb and Mar: 7 and 8 (k=5: Jan's 2 is protected)."""
    team = officers("ST1-T1", 8)
    for month, n in ((1, 2), (2, 7), (3, 8)):
        for officer in team[:n]:
            activity.counselled(officer, at(2026, month, 5))
    return team


def test_a_quarter_waits_for_its_months_and_adds_up_their_sealed_counts(
    db_session, activity, officers
) -> None:
    _months_of_q1(activity, officers)
    assert publish_period(db_session, Q1, K) is None  # its months are not released yet
    for month in Q1.parts():
        assert publish_period(db_session, month, K) is not None
    quarter = publish_period(db_session, Q1, K)
    assert quarter is not None
    assert quarter.counts["own"]["ST1-T1"][0] == 17  # 2 + 7 + 8, from the months' sealed counts
    report = activity_report(db_session, "ST1-T1", Q1, K)
    assert report is not None
    assert report.own.values["people_counselled"] == 8  # each person once in the quarter
    january = activity_report(db_session, "ST1-T1", Q1.parts()[0], K)
    assert january is not None
    assert january.own.values["counselling_sessions"] is None
    # Feb and Mar shown: the quarter's 17 would give January's 2 away, so it is hidden too
    assert report.own.values["counselling_sessions"] is None


def test_a_release_is_stored_once(db_session, activity, officers) -> None:
    _months_of_q1(activity, officers)
    first = publish_period(db_session, MARCH, K)
    assert first is not None
    assert publish_period(db_session, MARCH, K) is None
    count = db_session.scalars(select(ActivityRelease).where(ActivityRelease.k == K)).all()
    assert len(count) == 1


def test_periods_are_released_a_week_after_they_end_months_first(
    db_session, activity, officers
) -> None:
    _months_of_q1(activity, officers)
    keys = [p.key for p in periods_to_release(db_session, K, date(2026, 4, 7))]
    assert keys == ["2026-01", "2026-02"]  # March ended less than a week ago
    keys = [p.key for p in periods_to_release(db_session, K, date(2026, 4, 8))]
    assert keys == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    assert periods_to_release(db_session, K, date(2025, 12, 1)) == []


def test_the_job_releases_everything_pending_in_order(scratch_engine, frozen_clock) -> None:
    """Through committed transactions, as the scheduler runs it; a second run finds nothing."""
    from sqlalchemy.orm import Session

    from tests.activity.conftest import Activity
    from wellbeing.activity.publish import release_pending_periods
    from wellbeing.core.db import Database
    from wellbeing.org import service as org_service

    with Session(scratch_engine) as session, session.begin():
        org_service.add_unit(session, "BUR", "局", "Bureau")
        org_service.add_unit(session, "T1", "一队", "Team 1", "BUR")
        grant = [org_service.parse_grant("counsellor:BUR")]
        counsellor = org_service.add_user(session, "job-c", unit_code="BUR", grants=grant)
        writer = Activity(session, counsellor)
        for number in range(3):
            officer = org_service.add_user(
                session,
                f"job-o{number}",
                unit_code="T1",
                grants=[org_service.parse_grant("officer")],
            )
            session.flush()
            for month in (1, 2, 3):
                writer.counselled(officer, at(2026, month, 5))
    frozen_clock.now = at(2026, 4, 20)
    database = Database.for_engine(scratch_engine)
    seen: list[str] = []
    pending = release_pending_periods(database, K, lambda n, of, p, stored: seen.append(p.key))
    assert pending == 4
    assert seen == ["2026-01", "2026-02", "2026-03", "2026-Q1"]
    assert release_pending_periods(database, K) == 0
    with Session(scratch_engine) as session:
        report = activity_report(session, "BUR", Q1, K)
    assert report is not None
    assert report.own.values["group_sessions"] == 0
    assert report.own.values["counselling_sessions"] == 9  # 3 people, 3 months each
    assert report.own.values["people_counselled"] is None  # 3 people: below k=5


def test_a_quarter_over_a_changed_tree_is_withheld(db_session, activity, officers) -> None:
    from wellbeing.org import service as org_service

    _months_of_q1(activity, officers)
    for month in Q1.parts()[:2]:
        publish_period(db_session, month, K)
    org_service.add_unit(db_session, "ST1-T9", "新队", "New team", "ST1")
    db_session.flush()
    publish_period(db_session, Q1.parts()[2], K)
    quarter = publish_period(db_session, Q1, K)
    assert quarter is not None
    report = activity_report(db_session, "ST1", Q1, K)
    assert report is not None
    assert report.withheld == "tree_changed"
    assert all(value is None for row in report.rows for value in row.values.values())


def test_what_is_stored_names_no_person_and_seals_the_counts(
    db_session, activity, officers
) -> None:
    team = _months_of_q1(activity, officers)
    release = publish_period(db_session, MARCH, K)
    assert release is not None
    db_session.flush()
    raw = db_session.execute(
        select(ActivityRelease.__table__.c.cells, ActivityRelease.__table__.c.counts_sealed)
    ).one()
    text = str(raw.cells)
    for officer in team:
        assert officer.username not in text
        assert str(officer.id) not in [str(v) for row in raw.cells["rows"] for v in row.values()]
    assert b"own" not in raw.counts_sealed
    assert b"ST1-T1" not in raw.counts_sealed
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "activity.released")
    ).one()
    assert set(entry.detail) == {"period", "k", "hidden"}


def test_period_keys() -> None:
    from wellbeing.activity.periods import PeriodError, period_of_key

    assert period_of_key("2026-03") == MARCH
    assert period_of_key("2026-Q1") == Q1
    assert period_of_key("2026") == Period(date(2026, 1, 1), Kind.YEAR)
    for key in (MARCH, Q1, Period(date(2026, 1, 1), Kind.YEAR)):
        assert period_of_key(key.key) == key
    for bad in ("2026-13", "2026-Q5", "26", "2026-3", ""):
        with pytest.raises(PeriodError):
            period_of_key(bad)


def test_a_history_starting_mid_quarter_still_releases_its_quarter_and_year(
    db_session, activity, officers
) -> None:
    """The first activity in June: every month from January is released (empty ones as zeros),
    so Q2 and the year 2026 have all their months and are released in turn."""
    officer = officers("ST1-T1", 1)[0]
    activity.counselled(officer, at(2026, 6, 15))
    pending = periods_to_release(db_session, K, date(2027, 2, 1))
    keys = [period.key for period in pending]
    assert keys[:3] == ["2026-01", "2026-02", "2026-03"]
    assert "2026-Q2" in keys
    assert "2026" in keys
    for period in pending:
        publish_period(db_session, period, K)
    assert periods_to_release(db_session, K, date(2027, 2, 1)) == []
