"""A unit's report for one wave, and its trend across a campaign's closed waves.

``UnitReport`` is the one structure every output is made from — the page, the PDF, the CSV and
the API — so they show exactly the same protected figures. While a wave is open it carries
participation only; instrument results appear once the wave is closed.

The wave and its participation are handed in (`waves.WaveInfo`, `waves.Participation`, filled by
screening); the results come from stored releases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from wellbeing.instruments import Catalogue, Definition
from wellbeing.instruments.model import Text
from wellbeing.reports.aggregate import UnitNode, load_units, subtree_participation
from wellbeing.reports.disclosure import ProtectedTable, ReportRow
from wellbeing.reports.release import release_epsilon, stored_tables, stored_tables_of_waves
from wellbeing.reports.tree import build_tree
from wellbeing.reports.waves import Participation, WaveInfo


@dataclass(frozen=True)
class InstrumentInfo:
    """An instrument's id, title and bands (id, label) in order."""

    id: str
    title: Text
    bands: tuple[tuple[str, Text], ...]


@dataclass(frozen=True)
class Line:
    """One unit's whole subtree: participation and, for closed waves, protected results.

    Participation is None (hidden) for a small group — fewer than k invited or 1 to k-1
    responded — and wherever a result count of the line is hidden: a count shown beside a hidden
    ``n`` would give that ``n`` away.
    """

    unit: UnitNode
    depth: int  # 0 for the report's unit
    invited: int | None
    responded: int | None
    results: Mapping[str, ReportRow]  # by instrument id; empty while the wave is open
    # per staff category ("police" 民警, "auxiliary" 辅警), by instrument id: the same protected
    # figures for that category only (empty when the release has no split)
    categories: Mapping[str, Mapping[str, ReportRow]] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitReport:
    """What a leader sees for a unit and a wave."""

    unit: UnitNode
    wave: WaveInfo
    k: int
    epsilon: float | None  # privacy loss spent on the wave's noisy releases (DP mode)
    instruments: tuple[InstrumentInfo, ...]
    lines: tuple[Line, ...]  # the unit, then its descendants in pre-order
    pending: bool = False  # closed, but its results are not released yet

    @property
    def top(self) -> Line:
        """The report unit's own line."""
        return self.lines[0]

    @property
    def children(self) -> list[Line]:
        """The lines of the unit's direct children."""
        return [line for line in self.lines if line.depth == 1]


@dataclass(frozen=True)
class TrendPoint:
    """One closed wave in a trend: participation and the unit's protected row."""

    wave: WaveInfo
    invited: int | None
    responded: int | None
    row: ReportRow | None


@dataclass(frozen=True)
class Trend:
    """One unit and instrument across a campaign's closed waves."""

    unit: UnitNode
    instrument: InstrumentInfo
    k: int
    points: tuple[TrendPoint, ...]


def instrument_info(definition: Definition) -> InstrumentInfo:
    """An instrument's id, title and bands for reports."""
    return InstrumentInfo(
        definition.id, definition.title, tuple((b.id, b.label) for b in definition.bands)
    )


def report_definitions(catalogue: Catalogue, wave: WaveInfo) -> list[Definition]:
    """The wave's instruments that reports can show (known, with two bands or more)."""
    found = [catalogue.get(i) for i in wave.instruments if i in catalogue]
    return [definition for definition in found if len(definition.bands) >= 2]


def build_unit_report(
    session: Session,
    catalogue: Catalogue,
    unit_code: str,
    wave: WaveInfo,
    participation: Participation,
    k: int,
    epsilon: float | None,
) -> UnitReport:
    """The protected report of a unit (and its subtree) for one wave, from stored releases;
    ``participation`` is the wave's, per unit (its own officers)."""
    units = load_units(session)
    scope = _subtree(units, unit_code)
    definitions = report_definitions(catalogue, wave)
    tables: dict[str, ProtectedTable] = {}
    if wave.closed:  # only the scope's rows are decoded: a station's page reads no bureau rows
        codes = {node.code for node, _depth in scope}
        tables = stored_tables(session, wave.id, definitions, k, epsilon, codes)
    subtrees = subtree_participation(units, participation)
    by_unit = _rows_by_unit(tables)
    split = _category_rows_by_unit(tables)
    lines = []
    for node, depth in scope:
        results = {i: rows[node.code] for i, rows in by_unit.items() if node.code in rows}
        invited, responded = shown_participation(subtrees[node.code], results.values(), k)
        categories = {
            category: {i: rows[node.code] for i, rows in found.items() if node.code in rows}
            for category, found in split.items()
        }
        lines.append(Line(node, depth, invited, responded, results, categories))
    spent = release_epsilon(session, wave.id, k) if epsilon is not None else None
    return UnitReport(
        unit=lines[0].unit,
        wave=wave,
        k=k,
        epsilon=spent,
        instruments=tuple(instrument_info(d) for d in definitions if d.id in tables),
        lines=tuple(lines),
        pending=wave.closed and len(tables) < len(definitions),
    )


def shown_participation(
    counts: tuple[int, int], results: Iterable[ReportRow], k: int
) -> tuple[int | None, int | None]:
    """(invited, responded) as published: both hidden for a small group or beside a hidden n."""
    invited, responded = counts
    small = 0 < invited < k or 0 < responded < k
    if small or any(row.n.hidden for row in results):
        return None, None
    return invited, responded


def build_trend(
    session: Session,
    catalogue: Catalogue,
    unit_code: str,
    waves: Sequence[WaveInfo],
    participation: Mapping[int, Participation],
    definition: Definition,
    k: int,
    epsilon: float | None,
) -> Trend:
    """One unit's protected figures for an instrument across released waves (oldest first);
    ``participation`` per wave id, for each closed wave of ``waves``."""
    units = load_units(session)
    unit = next(node for node, _depth in _subtree(units, unit_code))
    shown = [w for w in waves if w.closed and definition.id in w.instruments]
    # every wave's release in one query, the unit's own row alone decoded
    released = stored_tables_of_waves(
        session, [w.id for w in shown], [definition], k, epsilon, {unit_code}
    )
    points = []
    for wave in sorted(shown, key=lambda w: (w.opens_at, w.id)):
        table = released.get(wave.id, {}).get(definition.id)
        if table is None:
            continue  # not released yet
        row = next((row for row in table.rows if row.unit == unit_code), None)
        counts = subtree_participation(units, participation[wave.id])[unit_code]
        invited, responded = shown_participation(counts, [row] if row else [], k)
        points.append(TrendPoint(wave, invited, responded, row))
    return Trend(unit, instrument_info(definition), k, tuple(points))


def _rows_by_unit(tables: Mapping[str, ProtectedTable]) -> dict[str, dict[str, ReportRow]]:
    return {
        instrument: {row.unit: row for row in table.rows} for instrument, table in tables.items()
    }


def _category_rows_by_unit(
    tables: Mapping[str, ProtectedTable],
) -> dict[str, dict[str, dict[str, ReportRow]]]:
    """category -> instrument -> unit -> row, for the tables with a staff-category split."""
    found: dict[str, dict[str, dict[str, ReportRow]]] = {}
    for instrument, table in tables.items():
        for category, rows in table.categories.items():
            found.setdefault(category, {})[instrument] = {row.unit: row for row in rows}
    return found


def _subtree(units: Sequence[UnitNode], unit_code: str) -> list[tuple[UnitNode, int]]:
    """The unit and its descendants in pre-order (children by code), with depths."""
    tree = build_tree([(unit.code, unit.parent) for unit in units])
    by_code = {unit.code: unit for unit in units}
    start = tree.codes.index(unit_code)
    depth = {start: 0}
    found = [(by_code[unit_code], 0)]
    for node in range(start + 1, len(tree.codes)):
        parent = tree.parents[node]
        if parent not in depth:
            break  # pre-order: the subtree is one contiguous run
        depth[node] = depth[parent] + 1
        found.append((by_code[tree.codes[node]], depth[node]))
    return found
