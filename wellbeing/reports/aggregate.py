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

from wellbeing.org.models import StaffCategory, Unit
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


REPORTED_CATEGORIES = tuple(category.value for category in StaffCategory)  # 民警, 辅警
CellCounts = dict[int, dict[str, tuple[int, float]]]  # unit id -> band -> (count, sum of totals)


@dataclass
class InstrumentCounts:
    """One instrument's own-group figures per unit id and band: (count, sum of totals), in all
    and per staff category (民警 "police", 辅警 "auxiliary"; results without one count in all)."""

    cells: CellCounts = field(default_factory=dict)
    by_category: dict[str, CellCounts] = field(default_factory=dict)

    def add(
        self, unit_id: int, band: str, count: int, total: float, category: str | None = None
    ) -> None:
        """Add one GROUP BY row (of one staff category, when given)."""
        _add(self.cells, unit_id, band, count, total)
        if category in REPORTED_CATEGORIES:
            _add(self.by_category.setdefault(category, {}), unit_id, band, count, total)

    def unit_results(
        self, units: Iterable[UnitNode], band_ids: Iterable[str], category: str | None = None
    ) -> list[UnitResults]:
        """Every unit's own results for disclosure control (bands outside ``band_ids`` dropped:
        results scored under another version's bands cannot be placed in this table); of one
        staff category when given."""
        known = set(band_ids)
        cells = self.cells if category is None else self.by_category.get(category, {})
        results = []
        for unit in units:
            counts: dict[str, int] = {}
            total = 0.0
            for band, (count, band_total) in cells.get(unit.id, {}).items():
                if band in known:
                    counts[band] = count
                    total += band_total
            results.append(UnitResults(unit.code, unit.parent, counts, total))
        return results


def _add(cells: CellCounts, unit_id: int, band: str, count: int, total: float) -> None:
    found = cells.setdefault(unit_id, {})
    before = found.get(band, (0, 0.0))
    found[band] = (before[0] + int(count), before[1] + float(total))


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
