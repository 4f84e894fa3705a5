"""A report as a grid of cells tied together by additive equations (pure; see disclosure.py).

Every *group* of people has one cell per column: ``n``, one per band, and ``S`` (the sum of
their totals, published implicitly through the mean). Groups are the published rows (a unit's
whole subtree) and, for every unit with children, its *own group* (people attached directly
to it), which is never published. Group ``g`` owns cells ``g * width + column``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from wellbeing.reports.reasons import Reason

N = 0  # column of the result count; bands follow, then the sum of totals

Equation = tuple[int, tuple[int, ...]]  # (total cell, the cells that add up to it)


@dataclass(frozen=True)
class Tree:
    """Units in pre-order (children sorted by code), as indexes."""

    codes: tuple[str, ...]
    parents: tuple[int | None, ...]
    children: tuple[tuple[int, ...], ...]


@dataclass
class CellSystem:
    """The cells, what is shown, what an attacker knows anyway, and the equations between them."""

    width: int
    values: list[float]
    published: list[bool]
    shown: list[bool]
    background: list[bool]  # known to an attacker whatever we publish
    protected: list[bool]  # must never be worked out
    reasons: dict[int, Reason] = field(default_factory=dict)
    equations: list[Equation] = field(default_factory=list)
    one_band: list[tuple[int, ...]] = field(default_factory=list)  # other bands of a one-band group
    means: bool = True  # the last column is a sum of totals published as a mean (screening)

    def hide(self, cell: int, reason: Reason) -> None:
        """Hide a published cell, keeping the first reason it was given."""
        self.shown[cell] = False
        self.reasons.setdefault(cell, reason)

    def known(self) -> list[bool]:
        """What an attacker knows before any reasoning: shown cells and background knowledge."""
        return [s or b for s, b in zip(self.shown, self.background, strict=True)]


def subtree_values(tree: Tree, own: Sequence[Sequence[float]]) -> list[list[float]]:
    """Each unit's whole-subtree column values, from its own group's values."""
    totals = [list(values) for values in own]
    for node in reversed(range(len(tree.codes))):  # pre-order reversed: children before parents
        parent = tree.parents[node]
        if parent is not None:
            totals[parent] = [a + b for a, b in zip(totals[parent], totals[node], strict=True)]
    return totals


def build_system(
    tree: Tree, own: Sequence[Sequence[float]], k: int, *, public_n: bool
) -> CellSystem:
    """Lay out rows and own groups, apply primary suppression, and write the equations."""
    rows = subtree_values(tree, own)
    own_groups = [node for node in range(len(rows)) if tree.children[node]]
    groups = rows + [list(own[node]) for node in own_groups]
    width = len(rows[0])
    size = len(groups) * width
    system = CellSystem(
        width=width,
        values=[value for group in groups for value in group],
        published=[True] * (len(rows) * width) + [False] * (size - len(rows) * width),
        shown=[False] * size,
        background=[False] * size,
        protected=[False] * size,
    )
    for group, values in enumerate(groups):
        one_band = classify_group(system, group, values, k, public_n=public_n)
        if group < len(rows):
            show_row(system, group, values, k, one_band=one_band)
    _write_equations(system, tree, len(rows), own_groups)
    return system


def classify_group(
    system: CellSystem, group: int, values: Sequence[float], k: int, *, public_n: bool
) -> bool:
    """Mark what an attacker knows anyway and what must stay unknown; True for one-band groups."""
    base, n, width = group * system.width, int(values[N]), system.width
    if n == 0 and not system.published[base]:
        # an own group nobody belongs to: the organisation chart tells an attacker so
        system.background[base : base + width] = [True] * width
        return False
    background, protected = system.background, system.protected
    background[base + N] = public_n
    for column in range(width - 1):
        protected[base + column] = 0 < values[column] < k and not background[base + column]
    protected[base + width - 1] = 0 < n < k  # the sum of fewer than k people's totals
    nonzero = [column for column in range(1, width - 1) if values[column]]
    if len(nonzero) != 1:
        return False
    system.one_band.append(tuple(base + c for c in range(1, width - 1) if c != nonzero[0]))
    return True


def show_row(
    system: CellSystem, row: int, values: Sequence[float], k: int, *, one_band: bool
) -> None:
    """Primary suppression of one published row."""
    base, n, width = row * system.width, int(values[N]), system.width
    system.shown[base : base + width] = [True] * width
    if 0 < n < k:
        system.hide(base + N, Reason.TOO_FEW)
    if n >= k and not one_band:
        for cell in range(base + 1, base + width - 1):
            if 0 < system.values[cell] < k:
                system.hide(cell, Reason.TOO_FEW)
        hide_bare_mean(system, row)
        return
    reason = Reason.TOO_FEW if n < k else Reason.ONE_BAND
    for cell in range(base + 1, base + width):  # the bands and the mean
        system.hide(cell, reason)


def _write_equations(system: CellSystem, tree: Tree, row_count: int, own_groups: list[int]) -> None:
    width = system.width
    groups = len(system.values) // width
    for group in range(groups):  # n = the sum of the band counts, for every group
        base = group * width
        system.equations.append((base + N, tuple(range(base + 1, base + width - 1))))
    own_group_of = {node: row_count + index for index, node in enumerate(own_groups)}
    for node, group in own_group_of.items():  # a unit = its children + its own group, per column
        members = [*tree.children[node], group]
        for column in range(width):
            parts = tuple(member * width + column for member in members)
            system.equations.append((node * width + column, parts))


def hide_bare_mean(system: CellSystem, row: int) -> None:
    """Hide a row's mean once its ``n`` or every band count is hidden: means go with breakdowns."""
    base, width, shown = row * system.width, system.width, system.shown
    if not shown[base + width - 1]:
        return
    hidden = [cell for cell in range(base, base + width - 1) if not shown[cell]]
    if base + N in hidden or len(hidden) == width - 2:
        system.hide(base + width - 1, system.reasons[hidden[0]])


def equations_by_cell(system: CellSystem) -> list[list[int]]:
    """For each cell, the indexes of the equations it appears in."""
    uses: list[list[int]] = [[] for _ in system.values]
    for index, (total, parts) in enumerate(system.equations):
        uses[total].append(index)
        for cell in parts:
            uses[cell].append(index)
    return uses
