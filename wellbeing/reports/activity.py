"""Disclosure control for counts over a unit tree and nested calendar periods (pure).

The activity report (wellbeing.activity) publishes, per unit subtree and calendar period, counts
such as counselling sessions held or referrals opened. It gets the screening reports' protection
(disclosure.py) from the same machinery: a grid of cells tied by additive equations (cells.py),
primary suppression, then complementary suppression against the same attacker (attack.py,
suppression.py) until it learns nothing protected; then linear programming (exact.py) asks what
a solver combining every equation could still pin down, and one more cell of the new period is
hidden per finding until nothing is.

Cells and equations
-------------------
A *group* is a period's row of a unit (its whole subtree) or, for a unit with children, the
period's own group of that unit (activity attributed to the unit itself; never published). Each
group has one cell per column. The attacker uses, per period:

* per group and partition: ``total = Σ parts`` (referrals closed = Σ closed per outcome;
  referrals opened = crisis referrals + the others, a column that is never published);
* per unit with children and column: ``unit = Σ children + own group``;

and, across periods, for every column that adds up over time (people counted once per period do
not): ``period = Σ its parts`` (a quarter, its months; a year, its quarters), for rows and own
groups alike. A release is computed over its period *and every period inside it*: periods
released before are frozen, so what they showed is known to the attacker and can no longer be
hidden, and only the new period's cells are suppressed. A leak therefore always involves a new
cell, and hiding every new cell leaks nothing, so the loop ends in a safe table.

Rules (the screening reports', per count of people or of their contacts)
-----------------------------------------------------------------------
* a count from 1 to k-1 is hidden (``too_few``) and protected: never to be worked out, in a
  row, an own group or an unpublished column;
* a partition whose total is 1 to k-1 shows no breakdown (``too_few``);
* a group whose only non-zero part is a *sensitive* one shows no breakdown (``one_band``): every
  referral in it closed the same way, or every referral opened in it was a crisis; the attacker
  must never learn that the other parts are all 0;
* counts that are not about people (group sessions held, announced to the whole unit anyway)
  are shown as they are;
* an own group in which nobody did anything the report counts (every count of people 0) is
  taken as known to be so: the people attached to a unit with sub-units are few and known by
  name (the station's staff, a leadership team), and a leader can simply ask them; so
  ``unit - Σ children`` is no safe unknown when it is 0.
  (The screening reports take an own group without results as known the same way.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from wellbeing.reports.cells import CellSystem, Tree, subtree_values
from wellbeing.reports.exact import exact_leaks
from wellbeing.reports.reasons import Reason
from wellbeing.reports.suppression import suppress_complementary
from wellbeing.reports.tree import DisclosureError, build_tree

Released = Mapping[str, Mapping[str, int | None]]  # unit code -> published column -> shown value


@dataclass(frozen=True)
class Column:
    """One count per group."""

    name: str
    published: bool = True
    people: bool = True  # counts people or their contacts: 1 to k-1 is protected
    additive: bool = True  # a period's value is the sum of its parts' values


@dataclass(frozen=True)
class Partition:
    """``total = Σ parts`` within every group; ``sensitive`` parts hide the breakdown when they
    are a group's only non-zero part."""

    total: str
    parts: tuple[str, ...]
    sensitive: tuple[str, ...]


@dataclass(frozen=True)
class PeriodCounts:
    """One period's own-group counts, and what was published of it when released before."""

    key: str
    own: Mapping[str, Sequence[int]]  # unit code -> values per column (a missing unit: zeros)
    parts: tuple[str, ...] = ()  # keys of the periods it is the sum of
    released: Released | None = None  # None: this is the period being released


@dataclass(frozen=True)
class ActivityTable:
    """The released period: each unit's published columns, ``None`` where hidden (pre-order)."""

    k: int
    rows: tuple[tuple[str, str | None, dict[str, int | None]], ...]  # (unit, parent, cells)
    reasons: Mapping[tuple[str, str], Reason]  # (unit, column) -> why hidden (sealed, DPO only)
    rounds: int


def protect_activity(
    links: Sequence[tuple[str, str | None]],
    columns: Sequence[Column],
    partitions: Sequence[Partition],
    periods: Sequence[PeriodCounts],
    k: int,
) -> ActivityTable:
    """Protect the one period of ``periods`` without ``released`` (see the module docstring)."""
    targets = [period for period in periods if period.released is None]
    if len(targets) != 1:
        raise DisclosureError("exactly one period must be the one being released")
    tree = build_tree(links)
    layout = _Layout(tree, columns, partitions, periods, k)
    layout.build()
    rounds = suppress_complementary(layout.system)
    while leaks := exact_leaks(layout.system):  # what linear algebra still pins down
        rounds += 1
        for leak in leaks:
            layout.block(leak)
    return layout.result(rounds)


def protect_sum_of_parts(
    links: Sequence[tuple[str, str | None]],
    columns: Sequence[Column],
    partitions: Sequence[Partition],
    period: PeriodCounts,
    parts: Sequence[Released],
    k: int,
) -> ActivityTable:
    """Protect a period by its released parts (the year by its quarters): a count that adds up
    over time is shown only where every part shows it, as their sum, so it tells nothing the
    parts do not; only the others (each person once a year) are protected as a period of their
    own. Fast at any size, since no equation links it to the parts; a unit whose quarters hide a
    count hides it for the year too."""
    alone = PeriodCounts(period.key, period.own)
    table = protect_activity(links, columns, partitions, [alone], k)
    rows, reasons = [], dict(table.reasons)
    for unit, parent, cells in table.rows:
        cells = dict(cells)
        for column in columns:
            if not (column.published and column.additive):
                continue
            shown = [part.get(unit, {}).get(column.name) for part in parts]
            total = None if None in shown else sum(value or 0 for value in shown)
            cells[column.name] = total
            reasons.pop((unit, column.name), None)
            if total is None:
                reasons[(unit, column.name)] = Reason.PROTECTS_OTHER
        rows.append((unit, parent, cells))
    return ActivityTable(k=k, rows=tuple(rows), reasons=reasons, rounds=table.rounds)


class _Layout:
    """Groups are laid out period by period: every unit's row, then the own groups."""

    def __init__(
        self,
        tree: Tree,
        columns: Sequence[Column],
        partitions: Sequence[Partition],
        periods: Sequence[PeriodCounts],
        k: int,
    ) -> None:
        self.tree, self.columns, self.partitions, self.periods, self.k = (
            tree,
            tuple(columns),
            tuple(partitions),
            tuple(periods),
            k,
        )
        self.index = {column.name: i for i, column in enumerate(self.columns)}
        self.target = next(period.key for period in self.periods if period.released is None)
        self.width = len(self.columns)
        self.parents = [node for node in range(len(tree.codes)) if tree.children[node]]
        per_period = len(tree.codes) + len(self.parents)
        self.own_group = {node: len(tree.codes) + i for i, node in enumerate(self.parents)}
        self.base = {period.key: i * per_period for i, period in enumerate(self.periods)}
        if len(self.base) != len(self.periods):
            raise DisclosureError("period keys must be unique")
        size = per_period * len(self.periods) * self.width
        self.system = CellSystem(
            width=self.width,
            values=[0.0] * size,
            published=[False] * size,
            shown=[False] * size,
            background=[False] * size,
            protected=[False] * size,
            means=False,
        )

    def cell(self, period: str, group: int, column: str) -> int:
        """The index of a cell (``group``: a node's row, or len(codes)+i for an own group)."""
        return (self.base[period] + group) * self.width + self.index[column]

    def own_cell(self, period: str, node: int, column: str) -> int:
        """The cell of a unit's own group (a leaf's row is its own group)."""
        return self.cell(period, self.own_group.get(node, node), column)

    def build(self) -> None:
        """Values, what is known and protected, primary suppression, equations."""
        for period in self.periods:
            self._fill(period)
        for period in self.periods:
            self._equations(period)

    def _fill(self, period: PeriodCounts) -> None:
        codes, width = self.tree.codes, self.width
        zeros = [0] * width
        own: list[list[float]] = []
        for code in codes:
            values = [float(value) for value in period.own.get(code, zeros)]
            if len(values) != width or min(values) < 0:
                raise DisclosureError(f"unit {code!r} needs {width} non-negative counts")
            own.append(values)
        rows = subtree_values(self.tree, own)
        groups = [*rows, *(own[node] for node in self.parents)]
        base = self.base[period.key]
        for offset, values in enumerate(groups):
            first = (base + offset) * width
            self.system.values[first : first + width] = values
            is_row = offset < len(codes)
            node = offset if is_row else self.parents[offset - len(codes)]
            if not is_row and self._inactive(values):  # known (see the module docstring)
                self.system.background[first : first + width] = [True] * width
                continue
            self._classify(first, values)
            if is_row and period.released is not None:
                self._freeze(first, values, period.released.get(codes[node], {}), codes[node])
            elif is_row:
                self._show(first, values)

    def _inactive(self, values: Sequence[float]) -> bool:
        """No count of people in the group: nobody in it did anything the report counts."""
        return not any(values[i] for i, column in enumerate(self.columns) if column.people)

    def _classify(self, first: int, values: Sequence[float]) -> None:
        system = self.system
        for i, column in enumerate(self.columns):
            system.protected[first + i] = column.people and 0 < values[i] < self.k
        for partition in self.partitions:
            nonzero = [part for part in partition.parts if values[self.index[part]]]
            if len(nonzero) == 1 and nonzero[0] in partition.sensitive:
                others = (first + self.index[p] for p in partition.parts if p != nonzero[0])
                system.one_band.append(tuple(others))

    def _freeze(
        self, first: int, values: Sequence[float], shown: Mapping[str, int | None], unit: str
    ) -> None:
        """A row released before: what it showed is known for good; the rest stays unknown."""
        for i, column in enumerate(self.columns):
            value = shown.get(column.name) if column.published else None
            if value is None:
                continue
            if value != values[i]:
                raise DisclosureError(
                    f"{unit!r} {column.name}: released {value}, counts {values[i]}"
                )
            self.system.background[first + i] = True
            self.system.protected[first + i] = False

    def _show(self, first: int, values: Sequence[float]) -> None:
        """Primary suppression of a row of the period being released."""
        system = self.system
        for i, column in enumerate(self.columns):
            if not column.published:
                continue
            system.published[first + i] = system.shown[first + i] = True
            if column.people and 0 < values[i] < self.k:
                system.hide(first + i, Reason.TOO_FEW)
        for partition in self.partitions:
            total = values[self.index[partition.total]]
            nonzero = [part for part in partition.parts if values[self.index[part]]]
            if 0 < total < self.k:
                reason = Reason.TOO_FEW
            elif len(nonzero) == 1 and nonzero[0] in partition.sensitive:
                reason = Reason.ONE_BAND
            else:
                continue
            for part in partition.parts:
                if system.published[first + self.index[part]]:
                    system.hide(first + self.index[part], reason)

    def _equations(self, period: PeriodCounts) -> None:
        equations, tree, key = self.system.equations, self.tree, period.key
        groups = range(len(tree.codes) + len(self.parents))
        for group in groups:
            for partition in self.partitions:
                parts = tuple(self.cell(key, group, part) for part in partition.parts)
                equations.append((self.cell(key, group, partition.total), parts))
        for node in self.parents:
            members = [*tree.children[node], self.own_group[node]]
            for column in self.columns:
                parts = tuple(self.cell(key, member, column.name) for member in members)
                equations.append((self.cell(key, node, column.name), parts))
        if not period.parts:
            return
        unknown = [part for part in period.parts if part not in self.base]
        if unknown:
            raise DisclosureError(f"period {key!r} is made of periods not given: {unknown}")
        for column in self.columns:
            if not column.additive:
                continue
            for group in groups:
                total = self.cell(key, group, column.name)
                parts = tuple(self.cell(part, group, column.name) for part in period.parts)
                if self.system.values[total] != sum(self.system.values[p] for p in parts):
                    raise DisclosureError(f"period {key!r}: {column.name} is not its parts' sum")
                equations.append((total, parts))

    def block(self, leak: int) -> None:
        """Hide one more cell of the period being released against a leak found by linear
        algebra: in the leaking column (or its partition), the unit's row first, then its
        parent's, its siblings', its children's, then any; the smallest non-zero value first."""
        system, width = self.system, self.width
        column = self.columns[leak % width].name
        family = {column}
        for partition in self.partitions:
            if column == partition.total or column in partition.parts:
                family |= {partition.total, *partition.parts}
        group = (leak // width) % (len(self.tree.codes) + len(self.parents))
        node = group if group < len(self.tree.codes) else self.parents[group - len(self.tree.codes)]
        parent = self.tree.parents[node]
        near = [node]
        if parent is not None:
            near += [parent, *self.tree.children[parent]]
        near += list(self.tree.children[node])
        target, everyone = self.target, range(len(self.tree.codes))
        for nodes, names in ((near, family), (everyone, family), (everyone, set(self.index))):
            cells = [
                self.cell(target, row, name)
                for row in nodes
                for name in sorted(names)
                if system.shown[self.cell(target, row, name)]
            ]
            if cells:
                chosen = min(
                    cells, key=lambda cell: (system.values[cell] == 0, system.values[cell])
                )
                system.hide(chosen, Reason.PROTECTS_OTHER)
                return
        raise DisclosureError("no shown cell is left to hide")  # a fully hidden period is safe

    def result(self, rounds: int) -> ActivityTable:
        """The released period's published cells and the reasons of its hidden ones."""
        system, tree = self.system, self.tree
        rows, reasons = [], {}
        for node, code in enumerate(tree.codes):
            parent = tree.parents[node]
            cells: dict[str, int | None] = {}
            for column in self.columns:
                if not column.published:
                    continue
                index = self.cell(self.target, node, column.name)
                shown = system.shown[index]
                cells[column.name] = int(system.values[index]) if shown else None
                if not shown:
                    reasons[(code, column.name)] = system.reasons[index]
            rows.append((code, None if parent is None else tree.codes[parent], cells))
        return ActivityTable(k=self.k, rows=tuple(rows), reasons=reasons, rounds=rounds)
