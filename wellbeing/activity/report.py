"""Reading a released period for one unit: the slice of a stored release, nothing computed.

Every output — page, PDF, CSV, API — shows what `activity_report` returns: the unit's cells and
its descendants', each shown or hidden (one neutral mark, no reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.activity.measures import MEASURES
from wellbeing.activity.models import ActivityRelease
from wellbeing.activity.periods import Kind, Period


@dataclass(frozen=True)
class ActivityRow:
    """One unit's whole subtree in the period."""

    unit: str
    parent: str | None
    values: dict[str, int | float | None]  # measure -> value, None when hidden (MEASURES order)
    depth: int  # 0 for the unit asked for, 1 for its children, …


@dataclass(frozen=True)
class ActivityReport:
    """A unit's activity in a released period."""

    unit: str
    period: Period
    k: int
    rows: tuple[ActivityRow, ...]  # the unit first, then its descendants (pre-order)
    withheld: str | None  # why every value is hidden (the tree changed during the period)

    @property
    def own(self) -> ActivityRow:
        """The row of the unit asked for."""
        return self.rows[0]


def activity_report(session: Session, unit: str, period: Period, k: int) -> ActivityReport | None:
    """The unit's slice of the period's release; None when it is not released (yet), or the
    unit was not in the tree it was released over."""
    release = session.scalars(
        select(ActivityRelease).where(
            ActivityRelease.period_kind == period.kind.value,
            ActivityRelease.period_start == period.start,
            ActivityRelease.k == k,
        )
    ).one_or_none()
    if release is None:
        return None
    rows: list[ActivityRow] = []
    depth = {unit: 0}
    for row in release.cells["rows"]:
        if row["unit"] != unit and row["parent"] not in depth:
            if rows:
                break  # pre-order: the subtree is one contiguous run
            continue
        depth[row["unit"]] = 0 if row["unit"] == unit else depth[row["parent"]] + 1
        values = {measure: row["cells"].get(measure) for measure in MEASURES}
        rows.append(ActivityRow(row["unit"], row["parent"], values, depth[row["unit"]]))
    if not rows:
        return None
    return ActivityReport(unit, period, release.k, tuple(rows), release.cells.get("withheld"))


def activity_data(report: ActivityReport) -> dict[str, Any]:
    """The API's shape: the unit's own row as cells; a hidden cell is ``null`` and suppressed
    (no reason). Unit codes, dates and counts only: no person, id of a person or note."""
    return {
        "unit": report.unit,
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "cells": [
            {"measure": measure, "value": value, "suppressed": value is None}
            for measure, value in report.own.values.items()
        ],
    }


def is_released(session: Session, period: Period, k: int) -> bool:
    """Whether the period has a release at this threshold."""
    query = select(ActivityRelease.id).where(
        ActivityRelease.period_kind == period.kind.value,
        ActivityRelease.period_start == period.start,
        ActivityRelease.k == k,
    )
    return session.scalar(query) is not None


def released_periods(session: Session, k: int) -> list[Period]:
    """Every released period at this threshold, newest first (months before the quarter and
    year that end with them)."""
    query = select(ActivityRelease.period_kind, ActivityRelease.period_start).where(
        ActivityRelease.k == k
    )
    periods = [Period(start, Kind(kind)) for kind, start in session.execute(query)]
    order = {Kind.MONTH: 0, Kind.QUARTER: 1, Kind.YEAR: 2}
    return sorted(periods, key=lambda p: (p.end, -order[p.kind]), reverse=True)
