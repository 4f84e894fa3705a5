"""Releases: each closed wave's protected table per instrument, computed once and stored.

Disclosure control runs over the WHOLE organisation tree (so overlapping reports hide the same
cells) and its result is stored in ``report_releases``; every later request — any leader, any
unit, page, PDF, CSV or API — slices the stored release. Closed waves never change, so the
stored table stays right; if the unit tree changes, an exact release is recomputed.

In DP mode the shown counts are noised once (dp.add_noise) and that noisy release is what is
stored and served for good: asking again spends no further privacy budget, and changing the
epsilon setting later does not re-release a wave already published. The epsilon each release
spent is recorded; ``wave_budget`` sums them per wave.

Participation (invited/responded) is published exactly, and responded can equal ``n``, so
disclosure control runs with ``public_n=True``: it assumes the attacker knows every group's
size, including the officers attached directly to a parent unit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wellbeing.instruments import Definition
from wellbeing.reports.aggregate import InstrumentCounts, UnitNode, fact_counts, tree_hash
from wellbeing.reports.disclosure import (
    Cell,
    Mean,
    ProtectedTable,
    Reason,
    ReportRow,
    protect_table,
)
from wellbeing.reports.dp import add_noise
from wellbeing.reports.models import Release

EXACT, NOISY = "exact", "dp"
MEAN_DECIMALS = 1  # every output shows the same rounded mean


def protected_tables(
    session: Session,
    wave_id: int,
    definitions: Sequence[Definition],
    units: Sequence[UnitNode],
    k: int,
    epsilon: float | None,
) -> dict[str, ProtectedTable]:
    """The stored release of a closed wave for each instrument, computing missing ones."""
    kind = EXACT if epsilon is None else NOISY
    shape = tree_hash(units)
    stored = {
        release.instrument_id: release
        for release in session.scalars(
            select(Release).where(
                Release.wave_id == wave_id,
                Release.k == k,
                Release.kind == kind,
                Release.instrument_id.in_([d.id for d in definitions]),
            )
        )
    }
    counts: dict[str, InstrumentCounts] | None = None
    tables = {}
    for definition in definitions:
        release = stored.get(definition.id)
        if release is None or (kind == EXACT and release.tree_hash != shape):
            if counts is None:
                counts = fact_counts(session, wave_id)
            figures = counts.get(definition.id, InstrumentCounts())
            release = _publish(session, release, wave_id, definition, figures, units, k, epsilon)
        tables[definition.id] = decode_table(release.cells)
    return tables


def _publish(
    session: Session,
    stale: Release | None,
    wave_id: int,
    definition: Definition,
    figures: InstrumentCounts,
    units: Sequence[UnitNode],
    k: int,
    epsilon: float | None,
) -> Release:
    band_ids = [band.id for band in definition.bands]
    with _collector_paused():
        table = protect_table(figures.unit_results(units, band_ids), band_ids, k, public_n=True)
    spent, sensitivity = None, None
    if epsilon is not None:
        noisy = add_noise(table, epsilon)
        table, spent, sensitivity = noisy.table, noisy.epsilon, noisy.sensitivity
    if stale is not None:  # an exact release over an older unit tree
        stale.cells, stale.tree_hash = encode_table(table), tree_hash(units)
        session.flush()
        return stale
    release = Release(
        wave_id=wave_id,
        instrument_id=definition.id,
        k=k,
        kind=EXACT if epsilon is None else NOISY,
        epsilon=spent,
        sensitivity=sensitivity,
        tree_hash=tree_hash(units),
        cells=encode_table(table),
    )
    try:
        with session.begin_nested():
            session.add(release)
    except IntegrityError:  # another request published it first: serve that one
        winner = session.scalars(
            select(Release).where(
                Release.wave_id == wave_id,
                Release.instrument_id == definition.id,
                Release.k == k,
                Release.kind == release.kind,
            )
        ).one()
        return winner
    return release


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while disclosure control runs: it allocates many
    small acyclic objects, and in a large process every collection rescans the whole heap
    (this halves its time in the benchmark). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def wave_budget(session: Session, wave_id: int) -> float:
    """The privacy loss (epsilon) spent on a wave's DP releases so far."""
    spent = session.scalar(
        select(func.coalesce(func.sum(Release.epsilon), 0.0)).where(
            Release.wave_id == wave_id, Release.kind == NOISY
        )
    )
    return float(spent or 0.0)


def release_epsilon(session: Session, wave_id: int, k: int) -> float | None:
    """The epsilon spent by this wave's DP releases at threshold k (None: none exists)."""
    spent = session.scalar(
        select(func.sum(Release.epsilon)).where(
            Release.wave_id == wave_id, Release.kind == NOISY, Release.k == k
        )
    )
    return None if spent is None else float(spent)


def encode_table(table: ProtectedTable) -> dict[str, Any]:
    """A protected table as JSON: shown values, and reasons for hidden ones (no hidden value)."""
    return {
        "k": table.k,
        "band_ids": list(table.band_ids),
        "rounds": table.rounds,
        "rows": [
            {
                "unit": row.unit,
                "parent": row.parent,
                "n": _encode_cell(row.n),
                "bands": {band: _encode_cell(cell) for band, cell in row.bands.items()},
                "mean": _encode_mean(row.mean),
            }
            for row in table.rows
        ],
    }


def decode_table(data: Mapping[str, Any]) -> ProtectedTable:
    """The inverse of encode_table."""
    rows = tuple(
        ReportRow(
            unit=row["unit"],
            parent=row["parent"],
            n=Cell(*_decode(row["n"])),
            bands={band: Cell(*_decode(cell)) for band, cell in row["bands"].items()},
            mean=Mean(*_decode(row["mean"])),
        )
        for row in data["rows"]
    )
    return ProtectedTable(
        k=data["k"], band_ids=tuple(data["band_ids"]), rows=rows, rounds=data["rounds"]
    )


def _encode_cell(cell: Cell) -> list[Any]:
    return [cell.value, None if cell.reason is None else cell.reason.value]


def _encode_mean(mean: Mean) -> list[Any]:
    value = None if mean.value is None else round(mean.value, MEAN_DECIMALS)
    return [value, None if mean.reason is None else mean.reason.value]


def _decode(pair: Sequence[Any]) -> tuple[Any, Reason | None]:
    value, reason = pair
    return value, None if reason is None else Reason(reason)
