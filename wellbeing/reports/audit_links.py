"""What ties the cells of a `CellSystem` together for the exact audit (pure): the equations each
cell is in, each group's range-of-totals row, and the connected components of unknown cells
that the audit solves one at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wellbeing.reports.cells import CellSystem

Ranges = Sequence[tuple[float, float]]  # per band column, in order: inclusive range of totals


@dataclass
class Links:
    """What ties cells together: the equations, and per group its range row (if any)."""

    uses: list[list[int]]  # cell -> equation indexes
    ranges: dict[int, tuple[list[tuple[int, float, float]], int]]  # group -> (c, lo, hi), S


def links_of(system: CellSystem, ranges: Ranges | None) -> Links:
    uses: list[list[int]] = [[] for _ in system.values]
    for index, (total, parts) in enumerate(system.equations):
        uses[total].append(index)
        for cell in parts:
            uses[cell].append(index)
    by_group: dict[int, tuple[list[tuple[int, float, float]], int]] = {}
    width = system.width
    if ranges is not None and system.means:
        if len(ranges) != width - 2:
            raise ValueError("one range of totals per band is needed")
        for group in range(len(system.values) // width):
            base = group * width
            counts = [(base + 1 + b, lo, hi) for b, (lo, hi) in enumerate(ranges)]
            by_group[group] = (counts, base + width - 1)
    return Links(uses, by_group)


def components_of(system: CellSystem, known: Sequence[bool], links: Links) -> list[list[int]]:
    """Unknown cells linked by an equation or a range row, each linked set once (union-find)."""
    parent = list(range(len(system.values)))

    def root(cell: int) -> int:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    def join(cells: Sequence[int]) -> None:
        unknown = [cell for cell in cells if not known[cell]]
        for cell in unknown[1:]:
            a, b = root(unknown[0]), root(cell)
            if a != b:
                parent[a] = b

    for total, parts in system.equations:
        join((total, *parts))
    for counts, total in links.ranges.values():
        join([total, *(cell for cell, _, _ in counts)])
    groups: dict[int, list[int]] = {}
    for cell in range(len(system.values)):
        if not known[cell]:
            groups.setdefault(root(cell), []).append(cell)
    return list(groups.values())
