"""Office hours and wall-clock arithmetic: parsing, checking, and the settings at start-up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.oncall.conftest import local
from wellbeing.app import create_app
from wellbeing.core.config import ConfigError, load_settings
from wellbeing.oncall.hours import (
    HoursError,
    format_hhmm,
    is_office_hours,
    parse_hhmm,
    parse_office_hours,
    weekly_span,
)
from wellbeing.oncall.policy import OfficeHoursError, policy_from

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONDON = ZoneInfo("Europe/London")


def test_times_of_day_read_and_write() -> None:
    assert parse_hhmm("08:30") == 510
    assert parse_hhmm("23:59") == 1439
    assert format_hhmm(510) == "08:30"
    for bad in ("24:00", "8:30", "08:60", "", "noon"):
        with pytest.raises(HoursError):
            parse_hhmm(bad)


def test_office_hours_format() -> None:
    (clause,) = parse_office_hours("Mon-Fri 08:30-17:30")
    assert clause.weekdays == frozenset(range(5))
    assert (clause.start, clause.end) == (510, 1050)
    several = parse_office_hours("mon,wed 09:00-12:00; Sat-Sun 10:00-24:00")
    assert several[0].weekdays == frozenset({0, 2})
    assert several[1].weekdays == frozenset({5, 6})
    assert several[1].end == 24 * 60
    assert parse_office_hours("Fri-Mon 09:00-10:00")[0].weekdays == frozenset({4, 5, 6, 0})
    assert parse_office_hours("") == ()


@pytest.mark.parametrize(
    "bad", ["Mon-Fri", "Mon-Fri 17:30-08:30", "Xyz 08:00-09:00", "Mon-Fri 8:30-17:30", "09:00"]
)
def test_bad_office_hours_are_refused(bad: str) -> None:
    with pytest.raises(HoursError):
        parse_office_hours(bad)


def test_bad_office_hours_stop_start_up(app_config: dict[str, Any]) -> None:
    settings = load_settings({}, environ={"WELLBEING_OFFICE_HOURS": "weekdays 9 to 5"})
    with pytest.raises(OfficeHoursError, match="WELLBEING_OFFICE_HOURS"):
        policy_from(settings)
    with pytest.raises(ConfigError, match="WELLBEING_OFFICE_HOURS"):
        create_app({**app_config, "office_hours": "weekdays 9 to 5"})


def test_policy_from_the_settings() -> None:
    env = {
        "WELLBEING_TIMEZONE": "Europe/London",
        "WELLBEING_OFFICE_HOURS": "Mon-Fri 09:00-17:00",
        "WELLBEING_ON_CALL_ESCALATE_MINUTES": "45",
    }
    policy = policy_from(load_settings({}, environ=env))
    assert policy.tz == LONDON
    assert policy.escalate_after.total_seconds() == 45 * 60
    default = policy_from(load_settings({}, environ={}))
    assert default.tz == SHANGHAI


def test_office_hours_on_the_station_clock() -> None:
    hours = parse_office_hours("Mon-Fri 08:30-17:30")
    # Monday 2026-12-07 08:30 in Shanghai is 00:30 UTC
    assert is_office_hours(datetime(2026, 12, 7, 0, 30, tzinfo=UTC), hours, SHANGHAI)
    assert not is_office_hours(datetime(2026, 12, 7, 0, 29, tzinfo=UTC), hours, SHANGHAI)
    assert not is_office_hours(local("Asia/Shanghai", 2026, 12, 7, 17, 30), hours, SHANGHAI)
    assert not is_office_hours(local("Asia/Shanghai", 2026, 12, 6, 10, 0), hours, SHANGHAI)
    # London in summer: 08:30 BST is 07:30 UTC
    assert is_office_hours(datetime(2027, 6, 7, 7, 30, tzinfo=UTC), hours, LONDON)
    assert not is_office_hours(datetime(2027, 12, 6, 7, 30, tzinfo=UTC), hours, LONDON)


def test_a_weekly_span_across_the_spring_change_is_an_hour_shorter() -> None:
    # Saturday 2027-03-27 22:00 GMT to Sunday 06:00 BST: 7 hours, not 8
    start, end = weekly_span(date(2027, 3, 27), 22 * 60, 6 * 60, LONDON)
    assert start == datetime(2027, 3, 27, 22, 0, tzinfo=UTC)
    assert end == datetime(2027, 3, 28, 5, 0, tzinfo=UTC)
    whole_day = weekly_span(date(2027, 3, 29), 8 * 60, 8 * 60, LONDON)
    assert (whole_day[1] - whole_day[0]).total_seconds() == 24 * 3600
