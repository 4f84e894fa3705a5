"""Releases: each closed wave's protected table per instrument, computed once and stored.

A wave's facts are sealed (facts/), so no request can compute a table: the release job that
runs when a wave closes (releases.publish) opens them, hands the plain counts to `compute_release`
here (pure) and stores the result with `store_release`; every request — any leader, any unit,
page, PDF, CSV or API — slices a stored release (`stored_tables`). Until the job has run, a
closed wave's results are "being prepared".

Disclosure control runs over the WHOLE organisation tree as it stands at release time (so
overlapping reports hide the same cells), and a release is never recomputed over a later tree:
two releases of the same people over two trees would be two sets of equations about them. A unit
added since is simply not in the wave's release (nobody there was invited to that wave).

A stored release holds what leaders see and nothing more: shown values, and ``null`` for every
hidden one — no reason (the reasons are sealed beside it for the data protection officer).

In DP mode the counts are noised once (dp.noisy_table) and that noisy release is what is stored
and served for good: asking again spends no further privacy budget, and changing the epsilon
setting later does not re-release a wave already published. The epsilon each release spent is
recorded; ``wave_budget`` sums them per wave.

Participation (invited/responded) may be known to an attacker, and responded can equal ``n``,
so exact disclosure control runs with ``public_n=True``: it assumes the attacker knows every
group's size, including the officers attached directly to a parent unit.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Container, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wellbeing.instruments import Definition
from wellbeing.reports.aggregate import REPORTED_CATEGORIES, InstrumentCounts, UnitNode
from wellbeing.reports.disclosure import (
    HIDDEN_CELL,
    HIDDEN_MEAN,
    Cell,
    ExactAudit,
    Mean,
    ProtectedTable,
    Reason,
    ReportRow,
    explain_table,
)
from wellbeing.reports.dp import noisy_table
from wellbeing.reports.exact_suppression import ExactOutcome
from wellbeing.reports.models import Release

EXACT, NOISY = "exact", "dp"
MEAN_DECIMALS = 1  # every output shows the same rounded mean


@dataclass(frozen=True)
class Computed:
    """A table ready to store: what leaders see, why each hidden value is hidden, what it cost."""

    table: ProtectedTable
    reasons: Mapping[tuple[str, str], Reason] = field(default_factory=dict)
    epsilon: float | None = None  # spent (DP mode)
    sensitivity: int | None = None
    exact: ExactOutcome | None = None  # what the exact audit added (exact mode)


def stored_tables(
    session: Session,
    wave_id: int,
    definitions: Sequence[Definition],
    k: int,
    epsilon: float | None,
    units: Container[str] | None = None,
) -> dict[str, ProtectedTable]:
    """The stored release of a closed wave for each instrument that has one (reads only);
    with ``units``, each table holds those units' rows only (what a page of a scope shows)."""
    return stored_tables_of_waves(session, [wave_id], definitions, k, epsilon, units).get(
        wave_id, {}
    )


def stored_tables_of_waves(
    session: Session,
    wave_ids: Collection[int],
    definitions: Sequence[Definition],
    k: int,
    epsilon: float | None,
    units: Container[str] | None = None,
) -> dict[int, dict[str, ProtectedTable]]:
    """`stored_tables` of several waves in one query (a trend), by wave id; a wave with no
    release yet is absent."""
    kind = EXACT if epsilon is None else NOISY
    query = select(Release.wave_id, Release.instrument_id, Release.cells).where(
        Release.wave_id.in_(list(wave_ids)),
        Release.k == k,
        Release.kind == kind,
        Release.instrument_id.in_([d.id for d in definitions]),
    )
    found: dict[int, dict[str, ProtectedTable]] = {}
    for wave_id, instrument, cells in session.execute(query):
        found.setdefault(wave_id, {})[instrument] = decode_table(cells, units)
    order = [d.id for d in definitions]
    return {
        wave_id: {i: tables[i] for i in order if i in tables} for wave_id, tables in found.items()
    }


def released_instruments(session: Session, wave_id: int, k: int, epsilon: float | None) -> set[str]:
    """The instruments of a wave that already have a release at this threshold and mode."""
    kind = EXACT if epsilon is None else NOISY
    query = select(Release.instrument_id).where(
        Release.wave_id == wave_id, Release.k == k, Release.kind == kind
    )
    return set(session.scalars(query))


def earlier_tables(session: Session, wave_id: int, instrument_id: str) -> list[ProtectedTable]:
    """Every exact table already published for this wave and instrument, at any threshold:
    a new release is audited together with them (reads only)."""
    query = (
        select(Release.cells)
        .where(
            Release.wave_id == wave_id,
            Release.instrument_id == instrument_id,
            Release.kind == EXACT,
        )
        .order_by(Release.id)
    )
    return [decode_table(cells) for cells in session.scalars(query)]


def compute_release(
    counts: InstrumentCounts,
    definition: Definition,
    units: Sequence[UnitNode],
    k: int,
    epsilon: float | None,
    earlier: Sequence[ProtectedTable] = (),
    *,
    staff_split: bool = False,
) -> Computed:
    """Protect (exact) or noise (DP) one instrument's counts over the whole tree (pure).

    An exact release is audited together with the ``earlier`` tables of the same wave and
    instrument (`earlier_tables`), with each band's range of totals tying shown means to counts.
    With ``staff_split`` and some results carrying a staff category, an exact release also
    publishes every unit's row per category (民警, 辅警), protected together with the unit rows
    (categories.py); a DP release has no such split.
    """
    band_ids = [band.id for band in definition.bands]
    results = counts.unit_results(units, band_ids)
    with _collector_paused():
        if epsilon is not None:
            noisy = noisy_table(results, band_ids, k, epsilon)
            return Computed(noisy.table, {}, noisy.epsilon, noisy.sensitivity)
        audit = ExactAudit(band_ranges=band_ranges(definition), earlier=tuple(earlier))
        split = {
            category: counts.unit_results(units, band_ids, category)
            for category in REPORTED_CATEGORIES
            if staff_split and counts.by_category
        }
        protection = explain_table(
            results,
            band_ids,
            k,
            public_n=True,
            mean_decimals=MEAN_DECIMALS,
            exact=audit,
            categories=split,
        )
    return Computed(protection.table, protection.reasons, exact=protection.exact)


def band_ranges(definition: Definition) -> dict[str, tuple[float, float]] | None:
    """Each band's inclusive range of totals (None when a band is defined by a rule)."""
    ranges = {}
    for band in definition.bands:
        if band.range is None:
            return None
        ranges[band.id] = (float(band.range[0]), float(band.range[1]))
    return ranges


def store_release(
    session: Session,
    wave_id: int,
    instrument_id: str,
    computed: Computed,
    shape: str,
    k: int,
) -> Release | None:
    """Store a computed release; None when another run stored this one first (its row stays)."""
    release = Release(
        wave_id=wave_id,
        instrument_id=instrument_id,
        k=k,
        kind=EXACT if computed.epsilon is None else NOISY,
        epsilon=computed.epsilon,
        sensitivity=computed.sensitivity,
        tree_hash=shape,
        cells=encode_table(computed.table),
    )
    try:
        with session.begin_nested():
            session.add(release)
    except IntegrityError:  # published meanwhile: the first one stands, noise drawn once
        return None
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
    """A protected table as JSON: shown values, ``null`` for hidden ones (no value, no reason);
    the rows per staff category under "categories" when the table has them."""
    data: dict[str, Any] = {
        "k": table.k,
        "band_ids": list(table.band_ids),
        "rounds": table.rounds,
        "rows": [_encode_row(row) for row in table.rows],
    }
    if table.categories:
        data["categories"] = {
            category: [_encode_row(row) for row in rows]
            for category, rows in table.categories.items()
        }
    return data


def _encode_row(row: ReportRow) -> dict[str, Any]:
    return {
        "unit": row.unit,
        "parent": row.parent,
        "n": row.n.value,
        "bands": {band: cell.value for band, cell in row.bands.items()},
        "mean": row.mean.value,
    }


def decode_table(data: Mapping[str, Any], units: Container[str] | None = None) -> ProtectedTable:
    """The inverse of encode_table; with ``units``, only those units' rows (in stored order):
    a station's page or a unit's trend decodes its own rows, not the bureau's. Equal counts
    share one `Cell`."""
    cells: dict[int, Cell] = {}

    def cell(value: int | None) -> Cell:
        if value is None:
            return HIDDEN_CELL
        found = cells.get(value)
        if found is None:
            found = cells[value] = Cell(value)
        return found

    def rows(found: list[dict[str, Any]]) -> tuple[ReportRow, ...]:
        return tuple(
            ReportRow(
                unit=row["unit"],
                parent=row["parent"],
                n=cell(row["n"]),
                bands={band: cell(value) for band, value in row["bands"].items()},
                mean=HIDDEN_MEAN if row["mean"] is None else Mean(row["mean"]),
            )
            for row in found
            if units is None or row["unit"] in units
        )

    return ProtectedTable(
        k=data["k"],
        band_ids=tuple(data["band_ids"]),
        rows=rows(data["rows"]),
        rounds=data["rounds"],
        categories={c: rows(found) for c, found in data.get("categories", {}).items()},
    )
