"""Who is on call: the weekly pattern on the station's wall clock (DST included), midnight,
one-off changes, the nearest roster on the unit's path, and holes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tests.oncall.conftest import local, policy_in
from wellbeing.oncall.roster import holes, on_call
from wellbeing.org.models import Role, Unit, User
from wellbeing.org.service import deactivate_user

SAT, SUN, MON = 5, 6, 0


def names(users: list[User]) -> list[str]:
    return sorted(user.username for user in users)


def test_two_on_a_sunday_morning_in_shanghai(
    db_session: Session, set_roster: Any, unit: Callable[[str], Unit]
) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    entries = [("c1", SAT, "22:00", "08:00"), ("c2", SUN, "08:00", "22:00")]
    station = set_roster(entries=[*entries, ("sup", SAT, "18:00", "09:00")])
    sunday_two = local("Asia/Shanghai", 2026, 12, 6, 2, 0)  # 2026-12-05 18:00 UTC
    assert names(on_call(db_session, station, sunday_two, Role.COUNSELLOR, tz)) == ["c1"]
    assert names(on_call(db_session, station, sunday_two, Role.SUPERVISOR, tz)) == ["sup"]
    # the officer's team has no roster of its own: the station's applies
    team = unit("ST1-T1")
    assert names(on_call(db_session, team, sunday_two, Role.COUNSELLOR, tz)) == ["c1"]
    sunday_nine = local("Asia/Shanghai", 2026, 12, 6, 9, 0)
    assert names(on_call(db_session, team, sunday_nine, Role.COUNSELLOR, tz)) == ["c2"]
    assert (
        on_call(db_session, team, local("Asia/Shanghai", 2026, 12, 6, 22, 0), Role.COUNSELLOR, tz)
        == []
    )


def test_the_spring_change_in_london(db_session: Session, set_roster: Any) -> None:
    tz = ZoneInfo("Europe/London")  # 2027-03-28 01:00 GMT becomes 02:00 BST
    station = set_roster(entries=[("c1", SAT, "22:00", "06:00"), ("c2", SUN, "06:00", "22:00")])
    # 05:30 UTC is 06:30 BST: c2's turn already (a fixed GMT offset would still say c1)
    assert names(
        on_call(db_session, station, datetime(2027, 3, 28, 5, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
    ) == ["c2"]
    assert names(
        on_call(db_session, station, datetime(2027, 3, 28, 4, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
    ) == ["c1"]
    # 02:30 BST on the change night, just after the skipped hour
    assert names(
        on_call(db_session, station, datetime(2027, 3, 28, 1, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
    ) == ["c1"]
    # 21:30 BST = 20:30 UTC: still c2; 21:30 UTC = 22:30 BST: nobody
    assert names(
        on_call(db_session, station, datetime(2027, 3, 28, 20, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
    ) == ["c2"]
    assert (
        on_call(db_session, station, datetime(2027, 3, 28, 21, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
        == []
    )
    # a week earlier (GMT) the same wall times are an hour later in UTC
    assert names(
        on_call(db_session, station, datetime(2027, 3, 21, 5, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
    ) == ["c1"]


def test_the_autumn_change_in_new_york(db_session: Session, set_roster: Any) -> None:
    tz = ZoneInfo("America/New_York")  # 2026-11-01 02:00 EDT becomes 01:00 EST
    station = set_roster(entries=[("c1", SAT, "20:00", "08:00")])
    assert names(
        on_call(db_session, station, datetime(2026, 11, 1, 12, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
    ) == ["c1"]  # 07:30 EST
    assert (
        on_call(db_session, station, datetime(2026, 11, 1, 13, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
        == []
    )  # 08:30 EST
    assert names(
        on_call(db_session, station, datetime(2026, 11, 1, 0, 30, tzinfo=UTC), Role.COUNSELLOR, tz)
    ) == ["c1"]  # 20:30 EDT


def test_entries_across_midnight_and_the_week_end(db_session: Session, set_roster: Any) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    station = set_roster(entries=[("c1", MON, "22:00", "06:00"), ("c2", SUN, "23:00", "01:00")])
    tuesday_three = local("Asia/Shanghai", 2026, 12, 8, 3, 0)
    assert names(on_call(db_session, station, tuesday_three, Role.COUNSELLOR, tz)) == ["c1"]
    assert (
        on_call(db_session, station, local("Asia/Shanghai", 2026, 12, 8, 6, 0), Role.COUNSELLOR, tz)
        == []
    )
    # Sunday 23:00 runs into Monday 01:00 of the next week
    monday_half_past = local("Asia/Shanghai", 2026, 12, 7, 0, 30)
    assert names(on_call(db_session, station, monday_half_past, Role.COUNSELLOR, tz)) == ["c2"]
    assert names(
        on_call(
            db_session, station, local("Asia/Shanghai", 2026, 12, 6, 23, 0), Role.COUNSELLOR, tz
        )
    ) == ["c2"]


def test_a_one_off_change_replaces_the_pattern_for_that_role(
    db_session: Session, set_roster: Any
) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    start, end = (
        local("Asia/Shanghai", 2026, 12, 6, 0, 0),
        local("Asia/Shanghai", 2026, 12, 6, 4, 0),
    )
    station = set_roster(
        entries=[("c1", SAT, "22:00", "08:00"), ("sup", SAT, "22:00", "08:00")],
        changes=[("c2", start, end)],
    )
    two = local("Asia/Shanghai", 2026, 12, 6, 2, 0)
    assert names(on_call(db_session, station, two, Role.COUNSELLOR, tz)) == ["c2"]
    assert names(on_call(db_session, station, two, Role.SUPERVISOR, tz)) == ["sup"]  # untouched
    assert names(on_call(db_session, station, end, Role.COUNSELLOR, tz)) == ["c1"]  # window over
    # someone holding both grants replaces both patterns
    set_roster(
        entries=[("c1", SAT, "22:00", "08:00"), ("sup", SAT, "22:00", "08:00")],
        changes=[("both", start, end)],
    )
    assert names(on_call(db_session, station, two, Role.COUNSELLOR, tz)) == ["both"]
    assert names(on_call(db_session, station, two, Role.SUPERVISOR, tz)) == ["both"]


def test_the_nearest_roster_on_the_path_applies(
    db_session: Session, set_roster: Any, unit: Callable[[str], Unit], people: dict[str, User]
) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    set_roster("BUR", entries=[("sup2", SAT, "00:00", "00:00")])
    two = local("Asia/Shanghai", 2026, 12, 5, 2, 0)
    assert names(on_call(db_session, unit("ST1-T1"), two, Role.SUPERVISOR, tz)) == ["sup2"]
    set_roster("ST1", entries=[("sup", SAT, "00:00", "00:00")])
    assert names(on_call(db_session, unit("ST1-T1"), two, Role.SUPERVISOR, tz)) == ["sup"]
    assert names(on_call(db_session, unit("ST2-T1"), two, Role.SUPERVISOR, tz)) == ["sup2"]
    deactivate_user(db_session, "sup")  # a deactivated person is on call no more
    assert on_call(db_session, unit("ST1-T1"), two, Role.SUPERVISOR, tz) == []


def test_holes_outside_office_hours(db_session: Session, set_roster: Any) -> None:
    policy = policy_in()
    weeknights = [("c1", day, "17:30", "08:30") for day in range(7)]
    days_off = [("c2", SAT, "08:30", "17:30")]  # Sunday daytime is left open
    station = set_roster(entries=weeknights + days_off)
    monday = local("Asia/Shanghai", 2026, 12, 7, 0, 0)
    found = holes(db_session, station, monday, policy, days=7)
    assert found == [
        (local("Asia/Shanghai", 2026, 12, 13, 8, 30), local("Asia/Shanghai", 2026, 12, 13, 17, 30))
    ]
    assert all(isinstance(a, datetime) and a.tzinfo is not None for a, _b in found)


def test_without_a_roster_every_hour_outside_office_hours_is_a_hole(
    db_session: Session, unit: Callable[[str], Unit], people: Any
) -> None:
    policy = policy_in()
    monday = local("Asia/Shanghai", 2026, 12, 7, 0, 0)
    found = holes(db_session, unit("ST2"), monday, policy, days=1)
    assert found == [
        (monday, local("Asia/Shanghai", 2026, 12, 7, 8, 30)),
        (local("Asia/Shanghai", 2026, 12, 7, 17, 30), monday + timedelta(days=1)),
    ]


def test_holes_across_the_spring_change(db_session: Session, set_roster: Any) -> None:
    policy = policy_in("Europe/London", "")
    saturday = [("c1", SAT, "00:00", "02:00"), ("c1", SAT, "02:00", "00:00")]
    station = set_roster(entries=[*saturday, ("c2", MON, "00:00", "06:00")])
    # Saturday covered whole; Sunday 2027-03-28 (23 hours long) is one hole to Monday midnight BST
    start = datetime(2027, 3, 27, 0, 0, tzinfo=UTC)
    found = holes(db_session, station, start, policy, days=2)
    assert found == [
        (datetime(2027, 3, 28, 0, 0, tzinfo=UTC), datetime(2027, 3, 28, 23, 0, tzinfo=UTC))
    ]
