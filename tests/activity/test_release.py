"""Releasing the station's activity: counting a month from the services' tables, a quarter from
its months' sealed counts, storing once, and slicing per unit."""

from __future__ import annotations

from datetime import date, timedelta

from tests.activity.conftest import at
from wellbeing.activity.periods import Kind, Period
from wellbeing.activity.publish import publish_period
from wellbeing.activity.report import activity_report
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
