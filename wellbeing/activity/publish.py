"""Releasing a period's activity: count, protect over the whole tree, store once.

A period is released ``RELEASE_DELAY`` after it ends (counsellors record outcomes and attendance
within days), months first, then quarters, then years, one per transaction; every request slices
a stored release, so no request ever counts or runs disclosure control. Releases are idempotent:
a period already stored is left as it is.

A month is counted from the services' tables. A quarter or a year takes every count that adds up
over time from the sealed counts of its parts, so that ``quarter = Σ months`` holds exactly and
the attacker's equations between periods are the true ones; only "people counselled" (each
person once per period) and the median hours to first contact are counted afresh. Disclosure
control runs over a month alone, and over a quarter together with its released months
(reports.activity). A year is protected by its quarters (`protect_sum_of_parts`): a count that
adds up over time is shown for the year only where all four quarters show it, as their sum, so
the year adds nothing to what the quarters tell — safe by construction, and quick at any size
(a year over its quarters and months through linear programming took minutes for 500 units).

If the unit tree changed during a period (a unit added, moved or removed), its months were
protected over different trees, and no table over one tree keeps both sets of equations; the
quarter or year is then stored *withheld*: every value hidden, with the reason given.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wellbeing.activity.measures import CLOSED_BY_OUTCOME, COLUMNS, MEDIAN, PARTITIONS
from wellbeing.activity.models import ActivityRelease
from wellbeing.activity.periods import Kind, Period, ended_periods
from wellbeing.appointments.counts import counselling_counts, first_session_at
from wellbeing.audit.heads import checkpoint_now
from wellbeing.audit.service import record as audit
from wellbeing.core.clock import utcnow
from wellbeing.core.db import Database
from wellbeing.groups.counts import first_group_at, group_counts
from wellbeing.library.service import first_read_month, read_counts
from wellbeing.referrals.counts import first_referral_at, referral_counts
from wellbeing.reports.activity import (
    ActivityTable,
    PeriodCounts,
    protect_activity,
    protect_sum_of_parts,
)
from wellbeing.reports.aggregate import UnitNode, load_units, tree_hash
from wellbeing.reports.tree import build_tree

RELEASE_DELAY = timedelta(days=7)
TREE_CHANGED = "tree_changed"
INDEX = {column.name: i for i, column in enumerate(COLUMNS)}
MEDIAN_DECIMALS = 1


def release_pending_periods(
    database: Database,
    k: int,
    on_period: Callable[[int, int, Period, ActivityRelease | None], None] | None = None,
) -> int:
    """Release every ended period not yet released, one per transaction (idempotent);
    ``on_period(number, of, period, stored)`` reports progress. Returns how many were pending."""
    with database.transaction() as session:
        pending = periods_to_release(session, k, utcnow().date())
    for number, period in enumerate(pending, start=1):
        with database.transaction() as session:
            stored = publish_period(session, period, k)
            if on_period is not None:
                on_period(number, len(pending), period, stored)
    return len(pending)


def periods_to_release(session: Session, k: int, today: date) -> list[Period]:
    """Periods ended ``RELEASE_DELAY`` before today, from January of the first year with any
    activity (so every quarter and year has all its months), not yet released at this
    threshold: months, then quarters, then years."""
    first = first_activity_month(session)
    if first is None:
        return []
    first = first.replace(month=1)
    query = select(ActivityRelease.period_kind, ActivityRelease.period_start).where(
        ActivityRelease.k == k
    )
    done = {(kind, start) for kind, start in session.execute(query)}
    return [
        period
        for period in ended_periods(first, today, RELEASE_DELAY)
        if (period.kind.value, period.start) not in done
    ]


def first_activity_month(session: Session) -> date | None:
    """The first day of the earliest month with anything the report counts."""
    moments: list[datetime] = [
        moment
        for moment in (
            first_session_at(session),
            first_group_at(session),
            first_referral_at(session),
        )
        if moment is not None
    ]
    days = [moment.date() for moment in moments]
    month = first_read_month(session)
    if month is not None:
        days.append(date(int(month[:4]), int(month[5:7]), 1))
    return min(days).replace(day=1) if days else None


def publish_period(session: Session, period: Period, k: int) -> ActivityRelease | None:
    """Release one period; None when it was released already or a part is not yet released."""
    if _find(session, period, k) is not None:
        return None
    parts = period.descendants()
    stored = {part: _find(session, part, k) for part in parts}
    if any(release is None for release in stored.values()):
        return None
    units = load_units(session)
    shape = tree_hash(units)
    own, hours = count_period(session, period, units)
    if any(release is not None and release.tree_hash != shape for release in stored.values()):
        table, withheld = _withheld(units, k), TREE_CHANGED
    else:
        for part in period.parts():
            release = stored[part]
            assert release is not None  # noqa: S101 - checked above
            _add_additive(own, release.counts["own"])
        links = [(unit.code, unit.parent) for unit in units]
        withheld = None
        if period.kind is Kind.YEAR:  # by its quarters (see the module docstring)
            shown = [_shown(stored[part]) for part in period.parts()]
            counts = _period_counts(period, own)
            table = protect_sum_of_parts(links, COLUMNS, PARTITIONS, counts, shown, k)
        else:
            frozen = [_frozen(part, stored[part]) for part in parts]
            table = protect_activity(
                links, COLUMNS, PARTITIONS, [_period_counts(period, own), *frozen], k
            )
    release = ActivityRelease(
        period_kind=period.kind.value,
        period_start=period.start,
        k=k,
        tree_hash=shape,
        cells=_encode(table, _medians(table, hours, k), withheld),
        counts={
            "own": own,
            "reasons": [[unit, column, why.value] for (unit, column), why in table.reasons.items()],
        },
    )
    try:
        with session.begin_nested():
            session.add(release)
    except IntegrityError:  # released meanwhile by another run: the first one stands
        return None
    _audit(session, period, release)
    return release


def count_period(
    session: Session, period: Period, units: Sequence[UnitNode]
) -> tuple[dict[str, list[int]], dict[str, list[float]]]:
    """Own-group counts per unit code (a month's, or for a longer period only those that do not
    add up over time), and the hours to first contact per unit code."""
    start, end = period.bounds()
    code_of = {unit.id: unit.code for unit in units}
    own = {unit.code: [0] * len(COLUMNS) for unit in units}
    hours: dict[str, list[float]] = {}
    for unit_id, (sessions, people) in counselling_counts(session, start, end).items():
        own[code_of[unit_id]][INDEX["people_counselled"]] = people
        if period.kind is Kind.MONTH:
            own[code_of[unit_id]][INDEX["counselling_sessions"]] = sessions
    for unit_id, referrals in referral_counts(session, start, end).items():
        hours[code_of[unit_id]] = referrals.hours_to_contact
        if period.kind is not Kind.MONTH:
            continue
        values = own[code_of[unit_id]]
        values[INDEX["referrals_opened"]] = referrals.opened
        values[INDEX["crisis_referrals"]] = referrals.crisis
        values[INDEX["referrals_not_crisis"]] = referrals.opened - referrals.crisis
        for name in CLOSED_BY_OUTCOME:
            values[INDEX[name]] = referrals.closed[name.removeprefix("referrals_closed_")]
        values[INDEX["referrals_closed"]] = sum(values[INDEX[name]] for name in CLOSED_BY_OUTCOME)
    if period.kind is Kind.MONTH:
        for unit_id, (held, present) in group_counts(session, start, end).items():
            own[code_of[unit_id]][INDEX["group_sessions"]] = held
            own[code_of[unit_id]][INDEX["group_attendance"]] = present
        for read in read_counts(session, months=period.months()):
            own[read.unit_code][INDEX["articles_read"]] += read.n
    return own, hours


def _add_additive(own: dict[str, list[int]], part: dict[str, list[int]]) -> None:
    for code, values in part.items():
        if code not in own:
            continue  # cannot happen: the tree is the same (checked before)
        for i, column in enumerate(COLUMNS):
            if column.additive:
                own[code][i] += values[i]


def _period_counts(period: Period, own: dict[str, list[int]]) -> PeriodCounts:
    parts = tuple(part.key for part in period.parts())
    return PeriodCounts(period.key, own, parts, None)


def _frozen(period: Period, release: ActivityRelease | None) -> PeriodCounts:
    assert release is not None  # noqa: S101 - the caller checked every part is released
    parts = tuple(part.key for part in period.parts())
    return PeriodCounts(period.key, release.counts["own"], parts, _shown(release))


def _shown(release: ActivityRelease | None) -> dict[str, dict[str, int | None]]:
    assert release is not None  # noqa: S101 - the caller checked every part is released
    return {row["unit"]: row["cells"] for row in release.cells["rows"]}


def _withheld(units: Sequence[UnitNode], k: int) -> ActivityTable:
    tree = build_tree([(unit.code, unit.parent) for unit in units])
    hidden: dict[str, int | None] = {column.name: None for column in COLUMNS if column.published}
    rows = tuple(
        (code, None if parent is None else tree.codes[parent], dict(hidden))
        for code, parent in zip(tree.codes, tree.parents, strict=True)
    )
    return ActivityTable(k=k, rows=rows, reasons={}, rounds=0)


def _medians(
    table: ActivityTable, hours: dict[str, list[float]], k: int
) -> dict[str, float | None]:
    """Each row's median hours to first contact, shown only beside a shown count of at least k
    referrals opened (so it says nothing about a hidden count)."""
    subtree: dict[str, list[float]] = {code: list(hours.get(code, [])) for code, _, _ in table.rows}
    for code, parent, _ in reversed(table.rows):
        if parent is not None:
            subtree[parent].extend(subtree[code])
    medians: dict[str, float | None] = {}
    for code, _, cells in table.rows:
        opened = cells.get("referrals_opened")
        found = subtree[code]
        if opened is None or opened < k or len(found) < k:
            medians[code] = None
        else:
            medians[code] = round(statistics.median(found), MEDIAN_DECIMALS)
    return medians


def _encode(
    table: ActivityTable, medians: dict[str, float | None], withheld: str | None
) -> dict[str, object]:
    return {
        "k": table.k,
        "withheld": withheld,
        "rows": [
            {"unit": code, "parent": parent, "cells": {**cells, MEDIAN: medians.get(code)}}
            for code, parent, cells in table.rows
        ],
    }


def _find(session: Session, period: Period, k: int) -> ActivityRelease | None:
    return session.scalars(
        select(ActivityRelease).where(
            ActivityRelease.period_kind == period.kind.value,
            ActivityRelease.period_start == period.start,
            ActivityRelease.k == k,
        )
    ).one_or_none()


def _audit(session: Session, period: Period, release: ActivityRelease) -> None:
    hidden = sum(value is None for row in release.cells["rows"] for value in row["cells"].values())
    audit(
        session,
        actor=None,
        action="activity.released",
        target_type="activity_release",
        target_id=release.id,
        detail={"period": period.key, "k": release.k, "hidden": hidden},
    )
    checkpoint_now(session, "release")  # a signed head per release (issue 21, point 2)


def read_activity_reasons(
    session: Session, period: Period, k: int
) -> list[tuple[str, str, str]] | None:
    """The sealed reasons of a released period's hidden figures, for the data protection
    officer, audited as ``activity.reasons_read``; None when the period is not released."""
    release = _find(session, period, k)
    if release is None:
        return None
    audit(
        session,
        actor=None,
        action="activity.reasons_read",
        target_type="activity_release",
        target_id=release.id,
        detail={"period": period.key},
    )
    return [(unit, column, why) for unit, column, why in release.counts["reasons"]]
