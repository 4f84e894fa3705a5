"""A unit's report for one wave, and its trend across a campaign's closed waves.

``UnitReport`` is the one structure every output is made from — the page, the PDF, the CSV and
the API — so they show exactly the same protected figures. While a wave is open it carries
participation only; instrument results appear once the wave is closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.instruments import Catalogue, Definition
from wellbeing.instruments.model import Text
from wellbeing.org.models import Unit
from wellbeing.reports.aggregate import (
    UnitNode,
    load_units,
    own_participation,
    subtree_participation,
)
from wellbeing.reports.disclosure import ProtectedTable, ReportRow
from wellbeing.reports.release import protected_tables, protected_tables_and, release_epsilon
from wellbeing.reports.tree import build_tree
from wellbeing.screening.models import Campaign, Wave, WaveState


@dataclass(frozen=True)
class WaveInfo:
    """A wave a leader may see."""

    id: int
    name: str
    closed: bool
    campaign_id: int
    campaign_name: str
    seq: int
    opens_at: datetime
    closes_at: datetime
    instruments: tuple[str, ...]


@dataclass(frozen=True)
class InstrumentInfo:
    """An instrument's id, title and bands (id, label) in order."""

    id: str
    title: Text
    bands: tuple[tuple[str, Text], ...]


@dataclass(frozen=True)
class Line:
    """One unit's whole subtree: participation and, for closed waves, protected results."""

    unit: UnitNode
    depth: int  # 0 for the report's unit
    invited: int
    responded: int
    results: Mapping[str, ReportRow]  # by instrument id; empty while the wave is open


@dataclass(frozen=True)
class UnitReport:
    """What a leader sees for a unit and a wave."""

    unit: UnitNode
    wave: WaveInfo
    k: int
    epsilon: float | None  # privacy loss spent on the wave's noisy releases (DP mode)
    instruments: tuple[InstrumentInfo, ...]
    lines: tuple[Line, ...]  # the unit, then its descendants in pre-order

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
    invited: int
    responded: int
    row: ReportRow | None


@dataclass(frozen=True)
class Trend:
    """One unit and instrument across a campaign's closed waves."""

    unit: UnitNode
    instrument: InstrumentInfo
    k: int
    points: tuple[TrendPoint, ...]


def _wave_info(wave: Wave) -> WaveInfo:
    return WaveInfo(
        id=wave.id,
        name=wave.name,
        closed=wave.state == WaveState.CLOSED.value,
        campaign_id=wave.campaign_id,
        campaign_name=wave.campaign.name,
        seq=wave.seq,
        opens_at=wave.opens_at,
        closes_at=wave.closes_at,
        instruments=tuple(wave.campaign.instruments),
    )


def visible_waves(session: Session, scopes: Sequence[Unit]) -> list[WaveInfo]:
    """Opened waves of campaigns overlapping the scopes, newest first."""
    query = (
        select(Wave, Unit.path)
        .join(Campaign, Campaign.id == Wave.campaign_id)
        .join(Unit, Unit.id == Campaign.unit_id)
        .where(Wave.state.in_([WaveState.OPEN.value, WaveState.CLOSED.value]))
        .order_by(Wave.opens_at.desc(), Wave.id.desc())
    )
    paths = [scope.path for scope in scopes]
    return [
        _wave_info(wave)
        for wave, path in session.execute(query)
        if any(path.startswith(p) or p.startswith(path) for p in paths)
    ]


def find_wave(session: Session, scopes: Sequence[Unit], wave_id: int) -> WaveInfo | None:
    """A wave the scopes may see, or None."""
    return next((w for w in visible_waves(session, scopes) if w.id == wave_id), None)


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
    k: int,
    epsilon: float | None,
) -> UnitReport:
    """The protected report of a unit (and its subtree) for one wave."""
    units = load_units(session)
    definitions = report_definitions(catalogue, wave)
    tables: dict[str, ProtectedTable] = {}
    if wave.closed:  # participation is counted while disclosure control computes
        count_participation = partial(own_participation, session, wave.id)
        tables, own = protected_tables_and(
            session, wave.id, definitions, units, k, epsilon, count_participation
        )
    else:
        own = own_participation(session, wave.id)
    participation = subtree_participation(units, own)
    by_unit = _rows_by_unit(tables)
    lines = tuple(
        Line(
            unit=node,
            depth=depth,
            invited=participation[node.code][0],
            responded=participation[node.code][1],
            results={i: rows[node.code] for i, rows in by_unit.items() if node.code in rows},
        )
        for node, depth in _subtree(units, unit_code)
    )
    spent = release_epsilon(session, wave.id, k) if epsilon is not None else None
    return UnitReport(
        unit=lines[0].unit,
        wave=wave,
        k=k,
        epsilon=spent,
        instruments=tuple(instrument_info(d) for d in definitions),
        lines=lines,
    )


def build_trend(
    session: Session,
    catalogue: Catalogue,
    unit_code: str,
    waves: Sequence[WaveInfo],
    definition: Definition,
    k: int,
    epsilon: float | None,
) -> Trend:
    """One unit's protected figures for an instrument across closed waves (oldest first)."""
    units = load_units(session)
    unit = next(node for node, _depth in _subtree(units, unit_code))
    points = []
    for wave in sorted((w for w in waves if w.closed), key=lambda w: (w.opens_at, w.id)):
        if definition.id not in wave.instruments:
            continue
        count_participation = partial(own_participation, session, wave.id)
        table, own = protected_tables_and(
            session, wave.id, [definition], units, k, epsilon, count_participation
        )
        rows = {row.unit: row for row in table[definition.id].rows}
        invited, responded = subtree_participation(units, own)[unit_code]
        points.append(TrendPoint(wave, invited, responded, rows.get(unit_code)))
    return Trend(unit, instrument_info(definition), k, tuple(points))


def _rows_by_unit(tables: Mapping[str, ProtectedTable]) -> dict[str, dict[str, ReportRow]]:
    return {
        instrument: {row.unit: row for row in table.rows} for instrument, table in tables.items()
    }


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


def publish_closed_wave(
    session: Session, catalogue: Catalogue, wave_id: int, k: int, epsilon: float | None
) -> None:
    """Compute and store a closed wave's releases now, so no leader's request pays for it."""
    wave = session.get(Wave, wave_id)
    if wave is None or wave.state != WaveState.CLOSED.value:
        return
    definitions = report_definitions(catalogue, _wave_info(wave))
    protected_tables(session, wave_id, definitions, load_units(session), k, epsilon, publish=True)
