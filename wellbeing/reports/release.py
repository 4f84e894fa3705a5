"""Releases: each closed wave's protected table per instrument, computed once and stored.

Disclosure control runs over the WHOLE organisation tree (so overlapping reports hide the same
cells) and its result is stored in ``report_releases`` by the job that runs when a wave closes;
every request — any leader, any unit, page, PDF, CSV or API — slices that release. Closed waves
never change, so the stored table stays right; until the job has run, or if the unit tree has
changed since, a request computes the exact release itself (deterministic: the same cells as the
stored one) without writing it.

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

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
T = TypeVar("T")


def protected_tables(
    session: Session,
    wave_id: int,
    definitions: Sequence[Definition],
    units: Sequence[UnitNode],
    k: int,
    epsilon: float | None,
    *,
    publish: bool = False,
) -> dict[str, ProtectedTable]:
    """The release of a closed wave for each instrument: the stored one, else computed.

    A DP release is stored as soon as it is computed (its noise is drawn once). An exact release
    is a pure function of the wave's facts, the tree and k, so a request computes a missing (or
    out-of-date) one without writing — report reads can run on a read-only replica — and only
    ``publish=True`` (the job that runs when a wave closes) stores it.
    """
    tables, _nothing = protected_tables_and(
        session, wave_id, definitions, units, k, epsilon, lambda: None, publish=publish
    )
    return tables


def protected_tables_and(
    session: Session,
    wave_id: int,
    definitions: Sequence[Definition],
    units: Sequence[UnitNode],
    k: int,
    epsilon: float | None,
    meanwhile: Callable[[], T],
    *,
    publish: bool = False,
) -> tuple[dict[str, ProtectedTable], T]:
    """`protected_tables`, and `meanwhile()` run while disclosure control computes.

    Disclosure control is pure CPU work on counts already fetched, so it runs in a worker thread
    while this thread waits on the database: for the next instrument's counts, then for
    `meanwhile` (typically another query on the same session). Only this thread touches the
    session. Measured in bench/report.py.
    """
    kind = EXACT if epsilon is None else NOISY
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
    shape = tree_hash(units)
    tables: dict[str, ProtectedTable] = {}
    missing = []
    for definition in definitions:
        release = stored.get(definition.id)
        if release is not None and (kind == NOISY or release.tree_hash == shape):
            tables[definition.id] = decode_table(release.cells)
        else:
            missing.append(definition)
    if not missing:
        return tables, meanwhile()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="disclosure") as pool:
        computing = {}
        for definition in missing:  # each instrument's counts are fetched while the one
            counts = fact_counts(session, wave_id, definition.id)  # before it is protected
            computing[definition.id] = pool.submit(_compute_table, counts, definition, units, k)
        other = meanwhile()
        computed = {instrument: future.result() for instrument, future in computing.items()}
    for definition in missing:
        table = computed[definition.id]
        if kind == EXACT and not publish:
            tables[definition.id] = table
            continue
        release = _store(
            session, stored.get(definition.id), wave_id, definition.id, table, shape, k, epsilon
        )
        tables[definition.id] = decode_table(release.cells)
    return {d.id: tables[d.id] for d in definitions}, other


def _compute_table(
    counts: Mapping[str, InstrumentCounts],
    definition: Definition,
    units: Sequence[UnitNode],
    k: int,
) -> ProtectedTable:
    band_ids = [band.id for band in definition.bands]
    figures = counts.get(definition.id, InstrumentCounts())
    with _collector_paused():
        return protect_table(
            figures.unit_results(units, band_ids),
            band_ids,
            k,
            public_n=True,
            mean_decimals=MEAN_DECIMALS,
        )


def _store(
    session: Session,
    stale: Release | None,
    wave_id: int,
    instrument_id: str,
    table: ProtectedTable,
    shape: str,
    k: int,
    epsilon: float | None,
) -> Release:
    spent, sensitivity = None, None
    if epsilon is not None:
        noisy = add_noise(table, epsilon)
        table, spent, sensitivity = noisy.table, noisy.epsilon, noisy.sensitivity
    if stale is not None:  # an exact release over an older unit tree
        stale.cells, stale.tree_hash = encode_table(table), shape
        session.flush()
        return stale
    release = Release(
        wave_id=wave_id,
        instrument_id=instrument_id,
        k=k,
        kind=EXACT if epsilon is None else NOISY,
        epsilon=spent,
        sensitivity=sensitivity,
        tree_hash=shape,
        cells=encode_table(table),
    )
    try:
        with session.begin_nested():
            session.add(release)
    except IntegrityError:  # another request published it first: serve that one
        winner = session.scalars(
            select(Release).where(
                Release.wave_id == wave_id,
                Release.instrument_id == instrument_id,
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
    return [mean.value, None if mean.reason is None else mean.reason.value]


def _decode(pair: Sequence[Any]) -> tuple[Any, Reason | None]:
    value, reason = pair
    return value, None if reason is None else Reason(reason)
