"""Reading what reports are made of: the unit tree (SQL), fact counts and participation (handed).

Reports read plain tables only — units and stored releases — and never decrypt anything. The
sealed facts are opened and counted by the release job (releases.publish), which hands reports the
counts as `InstrumentCounts`; participation (assignments counted per unit, from screening) is
handed to them as `waves.Participation`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.org.models import Unit
from wellbeing.reports.disclosure import UnitResults
from wellbeing.reports.waves import Participation


@dataclass(frozen=True)
class UnitNode:
    """A unit as reports need it: code, parent code and names."""

    id: int
    code: str
    parent: str | None
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        """The unit's name in "en" or "zh_CN"."""
        return self.name_en if lang == "en" else self.name_zh


@dataclass
class InstrumentCounts:
    """One instrument's own-group figures per unit id and band: (count, sum of totals)."""

    cells: dict[int, dict[str, tuple[int, float]]] = field(default_factory=dict)

    def add(self, unit_id: int, band: str, count: int, total: float) -> None:
        """Add one GROUP BY row."""
        cells = self.cells.get(unit_id)
        if cells is None:
            cells = self.cells[unit_id] = {}
        cells[band] = (int(count), float(total))

    def unit_results(self, units: Iterable[UnitNode], band_ids: Iterable[str]) -> list[UnitResults]:
        """Every unit's own results for disclosure control (bands outside ``band_ids`` dropped:
        results scored under another version's bands cannot be placed in this table)."""
        known = set(band_ids)
        results = []
        for unit in units:
            counts: dict[str, int] = {}
            total = 0.0
            for band, (count, band_total) in self.cells.get(unit.id, {}).items():
                if band in known:
                    counts[band] = count
                    total += band_total
            results.append(UnitResults(unit.code, unit.parent, counts, total))
        return results


def load_units(session: Session) -> list[UnitNode]:
    """Every unit of the organisation (reports are protected over the whole tree)."""
    parent = Unit.__table__.alias("parent_unit")
    query = (
        select(Unit.id, Unit.code, parent.c.code, Unit.name_zh, Unit.name_en)
        .outerjoin(parent, parent.c.id == Unit.parent_id)
        .order_by(Unit.code)
    )
    return [UnitNode(*row) for row in session.execute(query)]


def tree_hash(units: Iterable[UnitNode]) -> str:
    """A fingerprint of the tree's shape, to tell whether a stored release still fits it."""
    digest = hashlib.sha256()
    for unit in sorted(units, key=lambda u: u.code):
        digest.update(f"{unit.code}\x1f{unit.parent or ''}\x1e".encode())
    return digest.hexdigest()


def subtree_participation(
    units: Iterable[UnitNode], own: Participation
) -> dict[str, tuple[int, int]]:
    """Per unit code: (invited, responded) of its whole subtree."""
    units = list(units)
    by_code = {unit.code: unit for unit in units}
    totals = {unit.code: own.get(unit.id, (0, 0)) for unit in units}
    for unit in units:
        invited, responded = own.get(unit.id, (0, 0))
        if not invited:
            continue
        ancestor = unit.parent
        seen = {unit.code}
        while ancestor is not None and ancestor not in seen:
            seen.add(ancestor)
            before = totals[ancestor]
            totals[ancestor] = (before[0] + invited, before[1] + responded)
            ancestor = by_code[ancestor].parent
    return totals
