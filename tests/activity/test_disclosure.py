"""The activity report's disclosure control against the subtraction attacker (pure).

Each case releases periods the way the release job does (months first, then the quarter with its
months frozen) and hands what leaders see to an independent attacker (tests/activity/attacker.py,
integer programming over every equation the reports imply). Protected: any count of 1 to k-1
people — in a row, a unit's own group or the never-shown "referrals that were not crises" — and
"every referral here was a crisis" / "every referral here closed the same way".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.activity.attacker import Released, attack
from wellbeing.activity.measures import CLOSED_BY_OUTCOME, COLUMNS, PARTITIONS
from wellbeing.reports.activity import (
    ActivityTable,
    PeriodCounts,
    protect_activity,
    protect_sum_of_parts,
)
from wellbeing.reports.reasons import Reason
from wellbeing.reports.tree import DisclosureError

K = 5
NAMES = [column.name for column in COLUMNS]
TREE = [("BUR", None), ("ST1", "BUR"), ("T1", "ST1"), ("T2", "ST1"), ("T3", "ST1"), ("ST2", "BUR")]


def counts(**values: int) -> list[int]:
    """One own group's counts; the partitions' totals and the hidden column follow."""
    row = dict.fromkeys(NAMES, 0)
    row.update(values)
    row["referrals_opened"] = max(row["referrals_opened"], row["crisis_referrals"])
    row["referrals_not_crisis"] = row["referrals_opened"] - row["crisis_referrals"]
    row["referrals_closed"] = sum(row[name] for name in CLOSED_BY_OUTCOME)
    return [row[name] for name in NAMES]


def release(
    key: str,
    own: Mapping[str, Sequence[int]],
    earlier: Sequence[tuple[PeriodCounts, ActivityTable]] = (),
    parts: tuple[str, ...] = (),
    links: Sequence[tuple[str, str | None]] = TREE,
) -> tuple[PeriodCounts, ActivityTable]:
    """Release a period (with the periods inside it released before), as the job does."""
    frozen = [
        PeriodCounts(counted.key, counted.own, counted.parts, _shown(table))
        for counted, table in earlier
    ]
    period = PeriodCounts(key, own, parts, None)
    return period, protect_activity(links, COLUMNS, PARTITIONS, [period, *frozen], K)


def _shown(table: ActivityTable) -> dict[str, dict[str, int | None]]:
    return {unit: cells for unit, _, cells in table.rows}


def seen(*released: tuple[PeriodCounts, ActivityTable]) -> list[Released]:
    """What leaders are shown of each period, with the truth (for scoring the attack)."""
    return [Released(p.key, p.parts, _shown(table), p.own) for p, table in released]


def quarter_of(months: Mapping[str, Mapping[str, Sequence[int]]]) -> dict[str, list[int]]:
    """A quarter's own counts: the months' sums (each person once would differ; none here)."""
    total: dict[str, list[int]] = {}
    for own in months.values():
        for code, values in own.items():
            total[code] = [
                a + b for a, b in zip(total.get(code, [0] * len(NAMES)), values, strict=True)
            ]
    return total


def value(table: ActivityTable, unit: str, column: str) -> int | None:
    return _shown(table)[unit][column]


def test_a_unit_of_one_is_hidden_and_its_parent_minus_its_siblings_does_not_give_it_away() -> None:
    own = {
        "T1": counts(counselling_sessions=1, people_counselled=1),  # one officer
        "T2": counts(counselling_sessions=10, people_counselled=8),
        "T3": counts(counselling_sessions=12, people_counselled=9),
        "ST2": counts(counselling_sessions=30, people_counselled=20),
    }
    period, table = release("2026-03", own)

    assert value(table, "T1", "counselling_sessions") is None
    assert value(table, "T1", "people_counselled") is None
    assert table.reasons[("T1", "counselling_sessions")] is Reason.TOO_FEW
    # ST1 = T1 + T2 + T3 would give T1 away: something more is hidden to protect it
    shown_st1 = value(table, "ST1", "counselling_sessions")
    assert (
        shown_st1 is None
        or value(table, "T2", "counselling_sessions") is None
        or (value(table, "T3", "counselling_sessions") is None)
    )
    assert Reason.PROTECTS_OTHER in table.reasons.values()
    assert attack(TREE, seen((period, table)), K) == []


def test_the_bureau_sees_large_figures_and_group_sessions_held() -> None:
    own = {
        "T1": counts(counselling_sessions=6, people_counselled=5, group_sessions=2),
        "T2": counts(counselling_sessions=10, people_counselled=8, group_attendance=9),
        "T3": counts(counselling_sessions=12, people_counselled=9, articles_read=40),
        "ST2": counts(counselling_sessions=30, people_counselled=20, group_sessions=1),
    }
    _, table = release("2026-03", own)
    assert value(table, "BUR", "counselling_sessions") == 58
    assert value(table, "BUR", "people_counselled") == 42
    assert value(table, "T1", "group_sessions") == 2  # not about people: shown as it is
    assert value(table, "ST2", "group_sessions") == 1
    assert value(table, "T3", "articles_read") == 40
    assert value(table, "T1", "crisis_referrals") == 0


def test_two_overlapping_periods_do_not_give_a_month_away() -> None:
    """The quarter minus two of its months would be the third: Jan's 2 sessions in T1."""
    months = {
        "2026-01": {"T1": counts(counselling_sessions=2), "T2": counts(counselling_sessions=9)},
        "2026-02": {"T1": counts(counselling_sessions=7), "T2": counts(counselling_sessions=9)},
        "2026-03": {"T1": counts(counselling_sessions=8), "T2": counts(counselling_sessions=9)},
    }
    released = [release(key, own) for key, own in months.items()]
    assert value(released[0][1], "T1", "counselling_sessions") is None  # 2: hidden
    quarter = release("2026-Q1", quarter_of(months), released, parts=tuple(months))
    assert value(quarter[1], "T1", "counselling_sessions") is None  # 17 - 7 - 8 = 2
    assert value(quarter[1], "BUR", "counselling_sessions") == 44
    assert attack(TREE, seen(*released, quarter), K) == []


def test_a_year_over_its_quarters_and_months_gives_nothing_away() -> None:
    """The year is protected by its quarters: a count that adds up over time is shown only as
    the sum of four shown quarters, so the attacker learns nothing new from it."""
    months = {}
    for number in range(1, 13):
        small = 3 if number == 5 else 6  # May: 3 sessions in T1
        months[f"2026-{number:02d}"] = {
            "T1": counts(counselling_sessions=small),
            "T2": counts(counselling_sessions=10, crisis_referrals=1 if number == 8 else 0),
        }
    released_months = {key: release(key, own) for key, own in months.items()}
    quarters = []
    for q in range(4):
        keys = tuple(f"2026-{m:02d}" for m in range(3 * q + 1, 3 * q + 4))
        own = quarter_of({key: months[key] for key in keys})
        quarters.append(
            release(f"2026-Q{q + 1}", own, [released_months[key] for key in keys], parts=keys)
        )
    everything = [*quarters, *released_months.values()]
    keys = tuple(f"2026-Q{q}" for q in range(1, 5))
    year = PeriodCounts("2026", quarter_of(months), keys)
    table = protect_sum_of_parts(
        TREE, COLUMNS, PARTITIONS, year, [_shown(t) for _, t in quarters], K
    )
    assert attack(TREE, seen((year, table), *everything), K) == []
    assert value(table, "BUR", "counselling_sessions") == 189  # every quarter shows the bureau
    for unit in ("T1", "T2", "ST1"):  # May's 3 hides T1 in Q2, and what would give it away
        q2 = value(quarters[1][1], unit, "counselling_sessions")
        if q2 is None:
            assert value(table, unit, "counselling_sessions") is None


def test_every_referral_a_crisis_is_never_shown() -> None:
    own = {
        "T1": counts(referrals_opened=6, crisis_referrals=6),
        "T2": counts(referrals_opened=7, crisis_referrals=0),
        "T3": counts(referrals_opened=9, crisis_referrals=2),
    }
    period, table = release("2026-03", own)
    assert value(table, "T1", "referrals_opened") == 6
    assert value(table, "T1", "crisis_referrals") is None
    assert table.reasons[("T1", "crisis_referrals")] is Reason.ONE_BAND
    assert attack(TREE, seen((period, table)), K) == []


def test_every_referral_closed_the_same_way_is_never_shown() -> None:
    own = {
        "T1": counts(referrals_closed_declined=7),
        "T2": counts(referrals_closed_declined=6, referrals_closed_support_provided=9),
        "T3": counts(referrals_closed_support_provided=8),
    }
    period, table = release("2026-03", own)
    assert value(table, "T1", "referrals_closed") == 7
    for name in CLOSED_BY_OUTCOME:
        assert value(table, "T1", name) is None
    assert attack(TREE, seen((period, table)), K) == []


def test_a_release_refuses_counts_that_disagree_with_what_was_shown_before() -> None:
    month = release("2026-01", {"T2": counts(counselling_sessions=9)})
    wrong = PeriodCounts(
        "2026-01",
        {"T2": counts(counselling_sessions=8)},
        (),
        {unit: cells for unit, _, cells in month[1].rows},
    )
    target = PeriodCounts("2026-Q1", {"T2": counts(counselling_sessions=8)}, ("2026-01",))
    with pytest.raises(DisclosureError, match="released 9"):
        protect_activity(TREE, COLUMNS, PARTITIONS, [target, wrong], K)


def test_exactly_one_period_is_released_at_a_time() -> None:
    first = PeriodCounts("2026-01", {})
    second = PeriodCounts("2026-02", {})
    with pytest.raises(DisclosureError, match="exactly one"):
        protect_activity(TREE, COLUMNS, PARTITIONS, [first, second], K)


SMALL_TREE = [("A", None), ("B", "A"), ("C", "A"), ("D", "B"), ("E", "B")]
MEASURED = ("counselling_sessions", "crisis_referrals", "referrals_opened", "articles_read")


@st.composite
def quarters(draw: st.DrawFn) -> dict[str, dict[str, list[int]]]:
    """Three months of counts for the small tree, many of them small."""
    months = {}
    for key in ("2026-01", "2026-02", "2026-03"):
        own = {}
        for code, _ in SMALL_TREE:
            values = {name: draw(st.sampled_from([0, 0, 1, 2, 4, 5, 7, 12])) for name in MEASURED}
            values["referrals_closed_declined"] = draw(st.sampled_from([0, 1, 3, 6]))
            own[code] = counts(**values)
        months[key] = own
    return months


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months=quarters())
def test_random_quarters_give_nothing_away_to_subtraction(
    months: dict[str, dict[str, list[int]]],
) -> None:
    """The attacker the suppression is built against, over random months and their quarter."""
    released = [release(key, own, links=SMALL_TREE) for key, own in months.items()]
    quarter = release("2026-Q1", quarter_of(months), released, tuple(months), SMALL_TREE)
    assert attack(SMALL_TREE, seen(*released, quarter), K, exact=False) == []
    assert attack(SMALL_TREE, seen(*released, quarter), K) == []
