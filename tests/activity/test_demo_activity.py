"""The demo bureau's past activity: written once, and released so the demo leader sees figures."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from wellbeing.activity.periods import Kind, Period
from wellbeing.activity.publish import periods_to_release, publish_period
from wellbeing.activity.report import activity_report, released_periods
from wellbeing.appointments.models import Appointment
from wellbeing.demo.organisation import create_demo_organisation
from wellbeing.demo.services import create_demo_services

NOW = datetime(2026, 12, 6, 9, tzinfo=UTC)
K = 10  # the demo's (and the default) minimum cell size


def test_demo_activity_is_written_once_and_released(db_session: Any, frozen_clock: Any) -> None:
    frozen_clock.now = NOW  # the demo books with the service's clock: the same day as NOW
    create_demo_organisation(db_session)
    assert create_demo_services(db_session, NOW)
    appointments = db_session.scalar(select(func.count()).select_from(Appointment))
    assert not create_demo_services(db_session, NOW)  # idempotent
    assert db_session.scalar(select(func.count()).select_from(Appointment)) == appointments

    for period in periods_to_release(db_session, K, NOW.date()):
        publish_period(db_session, period, K)
    keys = [period.key for period in released_periods(db_session, K)]
    assert keys[:3] == ["2026-10", "2026-09", "2026-Q3"]  # November is released on 7 December
    for period in (Period(date(2026, 10, 1), Kind.MONTH), Period(date(2026, 7, 1), Kind.QUARTER)):
        report = activity_report(db_session, "BUR", period, K)
        assert report is not None
        assert report.withheld is None
        shown = {m: v for m, v in report.own.values.items() if v is not None}
        # the bureau's busiest figures are shown (which others hide depends on the suppression)
        assert len({"counselling_sessions", "people_counselled", "articles_read"} & set(shown)) >= 2
        hidden = [v for row in report.rows for v in row.values.values() if v is None]
        assert hidden  # with teams of ten and k=10, much of the teams' detail is hidden
