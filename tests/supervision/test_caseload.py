"""Case-load figures: the statistics on worked examples (median, nearest-rank 90th percentile,
clocks that ran and were breached), the period of whole days, and the figures over real cases
under a controlled clock — staff in scope only, nothing about officers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.supervision.conftest import ALL
from wellbeing.referrals import service
from wellbeing.supervision.caseload import CaseRow, Period, caseload, clocks_in, figures_of
from wellbeing.supervision.period import PeriodError, days_from, today_in
from wellbeing.supervision.stats import Spread, nearest_rank, share, spread_of

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DAY = Period(datetime(2026, 11, 27, tzinfo=UTC), datetime(2026, 11, 28, tzinfo=UTC))


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (list(range(1, 11)), 9),  # rank ⌈0.9·10⌉ = 9
        (list(range(1, 12)), 10),  # rank ⌈9.9⌉ = 10
        (list(range(1, 21)), 18),  # rank 18, not 19: no floating-point overshoot
        ([5], 5),
        ([40, 10, 30, 20], 40),  # rank ⌈3.6⌉ = 4
    ],
)
def test_nearest_rank_90th_percentile(values: list[int], expected: int) -> None:
    assert nearest_rank(values, 90) == expected


def test_spread_and_share() -> None:
    minutes = [timedelta(minutes=m) for m in (10, 20, 30, 40)]
    assert spread_of(minutes) == Spread(median_minutes=25.0, p90_minutes=40.0, n=4)
    assert spread_of([timedelta(seconds=90)]) == Spread(1.5, 1.5, 1)
    assert spread_of([]) == Spread(None, None, 0)
    assert share(1, 6) == 0.167
    assert share(0, 0) is None


def test_figures_of_a_worked_example() -> None:
    """Three cases of one counsellor on 27 November (now 13:00):
    A opened 09:00, claimed 09:30, reached 10:30, closed 12:30 and waiting for review;
    B opened 09:00, claimed 10:00, reached 13:00; C opened 09:00, claimed 10:30 after its claim
    deadline. Times to claim 30/60/90 min, to contact 60/180, to close 120; clocks that ran:
    A's three, B's claim and contact, C's claim (breached) — 1 of 6."""
    rows = [
        CaseRow(1, "closed", T0, _at(30), _at(90), _at(210), review_pending=True),
        CaseRow(1, "contacted", T0, _at(60), _at(240), close_deadline=_at(240 + 43200)),
        CaseRow(1, "claimed", T0, _at(90), contact_deadline=_at(90 + 7200), claim_breached=True),
    ]
    figures = figures_of(rows, DAY, _at(240))
    assert figures.time_to_claim == Spread(60.0, 90.0, 3)
    assert figures.time_to_contact == Spread(120.0, 180.0, 2)
    assert figures.time_to_close == Spread(120.0, 120.0, 1)
    assert (figures.clocks_run, figures.clocks_breached) == (6, 1)
    assert figures.clocks_breached_share == 0.167
    assert (figures.open_caseload, figures.reviews_pending) == (2, 1)
    # the day before: nothing happened then, but the case-load is a state of now
    before = Period(DAY.start - timedelta(days=1), DAY.start)
    earlier = figures_of(rows, before, _at(240))
    assert earlier.time_to_claim == Spread(None, None, 0)
    assert earlier.clocks_breached_share is None
    assert earlier.open_caseload == 2


def test_which_clocks_ran_in_a_period() -> None:
    now = _at(600)
    # still unreached, its contact deadline passed in the period: a breached clock, flag or not
    waiting = CaseRow(1, "claimed", T0, _at(10), contact_deadline=_at(70))
    assert list(clocks_in(waiting, DAY, now)) == [False, True]
    # deadline not passed yet: the running clock does not count
    assert list(clocks_in(waiting, DAY, _at(60))) == [False]
    # closed unreached: the contact clock stopped at the closing, breached per its flag
    gave_up = CaseRow(1, "closed", T0, _at(10), None, _at(300), contact_breached=True)
    assert list(clocks_in(gave_up, DAY, now)) == [False, True]
    # reached, the close deadline passed while still open
    late = CaseRow(1, "contacted", T0, _at(10), _at(20), close_deadline=_at(500))
    assert list(clocks_in(late, DAY, now)) == [False, False, True]
    # events outside the period count in their own period only
    assert list(clocks_in(late, Period(_at(15), _at(25)), now)) == [False]


def test_days_of_the_period() -> None:
    today = date(2026, 11, 27)
    assert days_from(None, None, today).first == date(2026, 10, 29)  # 30 days with today
    assert days_from("", "", today).last == today
    chosen = days_from("2026-11-01", "2026-11-27", today)
    period = chosen.period("Asia/Shanghai")
    assert period.start == datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 11, 27, 16, 0, tzinfo=UTC)
    assert days_from("2025-11-27", "2026-11-27", today).first == date(2025, 11, 27)  # 366 days
    for first, last, field, reason in [
        ("2026-13-01", None, "from", "format"),
        ("20261101", None, "from", "format"),
        (None, "yesterday", "to", "format"),
        ("2026-11-28", "2026-11-27", "from", "order"),
        ("2025-11-26", "2026-11-27", "from", "span"),
    ]:
        with pytest.raises(PeriodError) as caught:
            days_from(first, last, today)
        assert (caught.value.field, caught.value.reason) == (field, reason)
    assert today_in("Asia/Shanghai", datetime(2026, 11, 27, 17, 0, tzinfo=UTC)) == date(
        2026, 11, 28
    )


def test_caseload_over_real_cases_in_scope(
    db_session: Any, make_user: Any, staff: Any, refer: Any, close_case: Any, frozen_clock: Any
) -> None:
    """The worked example above, through the referral service."""
    c1 = staff["c1"]
    a, b, c = (refer(make_user("officer", unit=u)) for u in ("ST1-T1", "ST1-T2", "ST1-T1"))
    outside = refer(make_user("officer", unit="ST2-T1"))
    service.claim(db_session, outside, staff["other"])
    for step, referral in [(30, a), (30, b), (30, c)]:
        frozen_clock.advance(minutes=step)
        service.claim(db_session, referral, c1)
    service.record_contact(db_session, a, c1, reached=True, note="n")
    frozen_clock.advance(hours=2)
    close_case(a, c1, ALL)
    frozen_clock.advance(minutes=30)
    service.record_contact(db_session, b, c1, reached=True, note="n")
    c.claim_breached = True  # the escalation job's mark: claimed after its deadline
    db_session.flush()
    rows = caseload(db_session, staff["sup"], DAY, frozen_clock.now)
    assert [r.username for r in rows] == ["c1", "c2"]  # only staff of the scope, by name
    mine = rows[0].figures
    assert mine.time_to_claim == Spread(60.0, 90.0, 3)
    assert mine.time_to_contact == Spread(120.0, 180.0, 2)
    assert mine.time_to_close == Spread(120.0, 120.0, 1)
    assert (mine.clocks_run, mine.clocks_breached, mine.open_caseload) == (6, 1, 2)
    assert mine.reviews_pending == 1
    idle = rows[1].figures
    assert (idle.open_caseload, idle.time_to_claim.n, idle.clocks_breached_share) == (0, 0, None)
    assert [r.username for r in caseload(db_session, staff["sup2"], DAY, frozen_clock.now)] == [
        "other"
    ]
