"""Benchmark the activity report's disclosure control against the screening reports' (pure).

The activity release protects a month alone, a quarter together with its 3 released months
(frozen), and a year by its 4 quarters (a count shown only as the sum of shown quarters). This
times each over a bureau of ~500 units (a bureau, 20 stations, 24 teams each) with random
counts, small ones common, and as the baseline, in the same run, the screening reports'
`explain_table` for one instrument (5 bands) over the same tree. It prints each one's
median seconds of ``--repeat`` runs and its ratio to the baseline. Run from the repository root:

    PYTHONPATH=. .venv/bin/python bench/activity.py            # ~500 units
    PYTHONPATH=. .venv/bin/python bench/activity.py --teams 4 --repeat 1   # a quick check
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from wellbeing.activity.measures import CLOSED_BY_OUTCOME, COLUMNS, PARTITIONS
from wellbeing.reports.activity import (
    ActivityTable,
    PeriodCounts,
    protect_activity,
    protect_sum_of_parts,
)
from wellbeing.reports.disclosure import UnitResults, explain_table

K = 10
NAMES = [column.name for column in COLUMNS]
BANDS = ("minimal", "mild", "moderate", "moderately_severe", "severe")


def tree(stations: int, teams: int) -> list[tuple[str, str | None]]:
    """A bureau, its stations, their teams."""
    links: list[tuple[str, str | None]] = [("BUR", None)]
    for s in range(stations):
        links.append((f"S{s:02d}", "BUR"))
        links.extend((f"S{s:02d}-T{t:02d}", f"S{s:02d}") for t in range(teams))
    return links


def month_counts(links: list[tuple[str, str | None]], rng: random.Random) -> dict[str, list[int]]:
    """A month's own counts: teams of ~10 officers, a few sessions and referrals each."""
    parents = {parent for _, parent in links if parent}
    own = {}
    for code, _ in links:
        if code in parents:
            continue  # nobody counted at a bureau or a station itself
        row = dict.fromkeys(NAMES, 0)
        people = rng.choice([0, 0, 1, 2, 3, 5, 8])
        row["people_counselled"] = people
        row["counselling_sessions"] = people + rng.choice([0, 1, 2, 4])
        row["group_sessions"] = rng.choice([0, 0, 1])
        row["group_attendance"] = row["group_sessions"] * rng.randint(3, 12)
        opened = rng.choice([0, 0, 0, 1, 2, 4])
        row["referrals_opened"] = opened
        row["crisis_referrals"] = min(opened, rng.choice([0, 0, 0, 1]))
        row["referrals_not_crisis"] = opened - row["crisis_referrals"]
        for name in CLOSED_BY_OUTCOME:
            row[name] = rng.choice([0, 0, 0, 0, 1, 2])
        row["referrals_closed"] = sum(row[name] for name in CLOSED_BY_OUTCOME)
        row["articles_read"] = rng.choice([0, 3, 8, 15, 30])
        own[code] = [row[name] for name in NAMES]
    return own


def summed(*owns: dict[str, list[int]]) -> dict[str, list[int]]:
    """Additive counts summed (people counselled too: an upper bound, fine for timing)."""
    total: dict[str, list[int]] = {}
    for own in owns:
        for code, values in own.items():
            previous = total.get(code, [0] * len(NAMES))
            total[code] = [a + b for a, b in zip(previous, values, strict=True)]
    return total


def frozen(counted: PeriodCounts, table: ActivityTable) -> PeriodCounts:
    shown = {unit: cells for unit, _, cells in table.rows}
    return PeriodCounts(counted.key, counted.own, counted.parts, shown)


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--teams", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    links = tree(args.stations, args.teams)
    print(f"{len(links)} units, k={K}, median of {args.repeat} run(s)")

    results = [
        UnitResults(code, parent, {band: rng.choice([0, 0, 1, 2, 4, 9]) for band in BANDS})
        for code, parent in links
    ]
    baseline, _ = timed(lambda: explain_table(results, BANDS, K, public_n=True), args.repeat)
    print(f"screening release, one instrument (baseline): {baseline:8.3f} s   1.00×")

    def protect(target: PeriodCounts, inside: list[PeriodCounts]) -> ActivityTable:
        return protect_activity(links, COLUMNS, PARTITIONS, [target, *inside], K)

    months, month_tables, month_times = [], [], []
    for number in range(1, 13):
        counted = PeriodCounts(f"2026-{number:02d}", month_counts(links, rng))
        seconds, table = timed(lambda counted=counted: protect(counted, []), args.repeat)
        months.append(counted)
        month_tables.append(table)
        month_times.append(seconds)
    month = statistics.median(month_times)
    print(f"activity month (14 measures):                {month:8.3f} s {month / baseline:6.2f}×")

    frozen_months = [frozen(c, t) for c, t in zip(months, month_tables, strict=True)]
    quarters, quarter_tables, quarter_times = [], [], []
    for q in range(4):
        inside = frozen_months[3 * q : 3 * q + 3]
        counted = PeriodCounts(
            f"2026-Q{q + 1}",
            summed(*(m.own for m in months[3 * q : 3 * q + 3])),
            tuple(m.key for m in inside),
        )
        seconds, table = timed(
            lambda counted=counted, inside=inside: protect(counted, inside), args.repeat
        )
        quarters.append(counted)
        quarter_tables.append(table)
        quarter_times.append(seconds)
    quarter = statistics.median(quarter_times)
    print(
        f"activity quarter (+3 months frozen):         {quarter:8.3f} s {quarter / baseline:6.2f}×"
    )

    counted = PeriodCounts("2026", summed(*(m.own for m in months)), tuple(q.key for q in quarters))
    shown = [frozen(c, t).released or {} for c, t in zip(quarters, quarter_tables, strict=True)]
    year, table = timed(
        lambda: protect_sum_of_parts(links, COLUMNS, PARTITIONS, counted, shown, K), args.repeat
    )
    print(f"activity year (by its 4 quarters):           {year:8.3f} s {year / baseline:6.2f}×")
    hidden = sum(value is None for _, _, cells in table.rows for value in cells.values())
    shown = sum(value is not None for _, _, cells in table.rows for value in cells.values())
    print(f"year: {shown} figures shown, {hidden} hidden, {table.rounds} suppression round(s)")


if __name__ == "__main__":
    main()
