"""What a release adds to what was published before, and to whom it is published (pure).

A leader combines every table of a wave and instrument that anyone may show them or a colleague:
an earlier release at another threshold, a release for an overlapping scope (a leader of ST1 and
a leader of BUR comparing notes). So a new release is audited together with every earlier one:
what they showed is *known* (background) in its cell system — it can no longer be hidden — and
only the new release's own cells may be hidden to protect what the union would give away.

An earlier row counts only when it covers the same people: the unit's subtree in that release
(its rows below it) must be the unit's subtree now. A row over another tree is not an equation
about this table's groups, so it is left out (docs/threat-model.md: changed trees are a known
limit).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from wellbeing.reports.cells import CellSystem, N, Tree
from wellbeing.reports.tree import DisclosureError

if TYPE_CHECKING:
    from wellbeing.reports.disclosure import ReportRow


def scope_nodes(tree: Tree, scope: str | None) -> set[int]:
    """The nodes a release for ``scope`` publishes: the unit and its descendants (None: all)."""
    if scope is None:
        return set(range(len(tree.codes)))
    if scope not in tree.codes:
        raise DisclosureError(f"unknown unit {scope!r}")
    found, stack = set(), [tree.codes.index(scope)]
    while stack:
        node = stack.pop()
        found.add(node)
        stack.extend(tree.children[node])
    return found


def unpublish_outside(system: CellSystem, nodes: set[int]) -> None:
    """Rows outside the release's scope are not published: nothing of them is shown."""
    width = system.width
    for node in range(len(system.published) // width):
        if node in nodes or not system.published[node * width]:
            continue
        for cell in range(node * width, (node + 1) * width):
            system.published[cell] = system.shown[cell] = False
            system.reasons.pop(cell, None)


def add_earlier(
    system: CellSystem,
    tree: Tree,
    bands: tuple[str, ...],
    earlier: Sequence[Sequence[ReportRow]],
    first_group: int = 0,
) -> None:
    """Make every value an earlier release showed known, where it covers the same people
    (``first_group``: the group of node 0's row, for a staff category's rows)."""
    position = {code: node for node, code in enumerate(tree.codes)}
    width = system.width
    for rows in earlier:
        for row in _same_people(rows, tree, position):
            base = (first_group + position[row.unit]) * width
            shown = [(base + N, row.n.value)]
            shown += [(base + 1 + i, row.bands[band].value) for i, band in enumerate(bands)]
            for cell, value in shown:
                if value is None:
                    continue
                if value != system.values[cell]:
                    raise DisclosureError(f"{row.unit!r}: an earlier release showed other counts")
                _know(system, cell)
            if system.means and row.mean.value is not None:
                _know(system, base + width - 1)  # its exact sum of totals (errs on the safe side)


def _know(system: CellSystem, cell: int) -> None:
    system.background[cell] = True
    system.protected[cell] = False  # shown before: nothing left to protect


def _same_people(
    rows: Sequence[ReportRow], tree: Tree, position: dict[str, int]
) -> list[ReportRow]:
    """The earlier rows whose subtree, as that release had it, is the unit's subtree now."""
    children: dict[str, list[str]] = {row.unit: [] for row in rows}
    for row in rows:
        if row.parent in children:
            children[row.parent].append(row.unit)
    same: dict[str, bool] = {}
    for row in reversed(rows):  # pre-order reversed: children first
        node = position.get(row.unit)
        now = None if node is None else sorted(tree.codes[c] for c in tree.children[node])
        same[row.unit] = now == sorted(children[row.unit]) and all(
            same[child] for child in children[row.unit]
        )
    return [row for row in rows if same[row.unit]]
