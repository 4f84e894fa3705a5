"""A report's split by staff category (民警 police, 辅警 auxiliary) as more groups and equations of
the same cell system (pure; see cells.py and disclosure.py).

A category is an attribute like a unit: the cell is unit × category. For every category — the
two published ones and the unpublished rest ("none": officers with no category) — each unit gets
a subtree row and, when it has children, an own group, laid out exactly as the unit tree's rows
and own groups are. The equations tie them to each other and to the unit rows:

* per group: ``n = Σ bands``;
* per category, per unit with children, per column: ``unit·c = Σ children·c + own·c``;
* per unit, per column: ``unit = police + auxiliary + none`` (its whole subtree), and for a
  unit with children ``own = Σ own·c`` (implied by the others; written out for the heuristic,
  which solves one equation at a time).

Only the police and auxiliary rows are published; the "none" rows and every own group are
unknowns. Primary suppression, the one-band rule and what an attacker knows anyway (group sizes
with ``public_n``; empty unpublished groups) are the unit rows' rules, so the heuristic and the
exact audit protect a category cell against every combination of what is shown: the unit's
total minus the other category, the parent's rows, siblings, and earlier releases of the wave.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wellbeing.reports.cells import CellSystem, Tree, classify_group, show_row, subtree_values
from wellbeing.reports.tree import DisclosureError

if TYPE_CHECKING:
    from wellbeing.reports.disclosure import UnitResults

NONE = "none"  # the unpublished rest: results of officers without a category


@dataclass(frozen=True)
class CategoryLayout:
    """Where each category's groups are: its row for node ``i`` is group ``rows[c] + i``."""

    rows: Mapping[str, int]  # category -> group of its row for node 0 ("none" included)
    own: Mapping[str, Mapping[int, int]]  # category -> node with children -> own group

    def published(self) -> list[str]:
        """The categories whose rows are published, in order."""
        return [category for category in self.rows if category != NONE]

    def row_names(self, codes: Sequence[str]) -> dict[int, str]:
        """Each category row's group with its name "unit/category" (for the reasons)."""
        return {
            start + node: f"{code}/{category}"
            for category, start in self.rows.items()
            for node, code in enumerate(codes)
        }


def own_in_order(
    tree: Tree, results: Iterable[UnitResults], bands: Sequence[str]
) -> list[list[float]]:
    """One category's own values per unit in the tree's order (a unit not given has none)."""
    by_code = {unit.code: unit for unit in results}
    known = set(bands)
    for unit in by_code.values():
        if not known.issuperset(unit.bands) or min(unit.bands.values(), default=0) < 0:
            raise DisclosureError(f"unit {unit.code!r} has bad category counts")
    own = []
    for code in tree.codes:
        found = by_code.get(code)
        counts = [found.bands.get(band, 0) if found else 0 for band in bands]
        own.append([sum(counts), *counts, found.total_sum if found else 0.0])
    return own


def add_categories(
    system: CellSystem,
    tree: Tree,
    own: Sequence[Sequence[float]],
    by_category: Mapping[str, Sequence[Sequence[float]]],
    k: int,
    *,
    public_n: bool,
    nodes: set[int],
) -> CategoryLayout:
    """Append the category groups to ``system`` (rows published for ``nodes`` only), apply
    primary suppression to them and write their equations; ``own`` is every unit's own values,
    ``by_category`` the same per published category (the rest is "none")."""
    split = {category: [list(values) for values in rows] for category, rows in by_category.items()}
    split[NONE] = [
        _rest(own[node], [rows[node] for rows in by_category.values()]) for node in range(len(own))
    ]
    parents = [node for node in range(len(tree.codes)) if tree.children[node]]
    starts: dict[str, int] = {}
    owns: dict[str, dict[int, int]] = {}
    for category, own_values in split.items():
        first = len(system.values) // system.width
        rows = subtree_values(tree, own_values)
        published = [category != NONE and node in nodes for node in range(len(rows))]
        own_groups = {node: first + len(rows) + index for index, node in enumerate(parents)}
        _append(system, rows + [own_values[node] for node in parents], published, k, public_n)
        starts[category], owns[category] = first, own_groups
    layout = CategoryLayout(rows=starts, own=owns)
    _write_equations(system, tree, layout, parents)
    return layout


def _rest(own: Sequence[float], parts: Sequence[Sequence[float]]) -> list[float]:
    """What is left of a unit's own values after its categorised ones (never below 0)."""
    rest = []
    for column, value in enumerate(own):
        left = value - sum(part[column] for part in parts)
        rest.append(max(0.0, round(left, 9)))
    return rest


def _append(
    system: CellSystem,
    groups: Sequence[Sequence[float]],
    published: Sequence[bool],
    k: int,
    public_n: bool,
) -> None:
    width = system.width
    first = len(system.values) // width
    for group, values in enumerate(groups):
        is_published = group < len(published) and published[group]
        system.values.extend(values)
        system.published.extend([is_published] * width)
        system.shown.extend([False] * width)
        system.background.extend([False] * width)
        system.protected.extend([False] * width)
        one_band = classify_group(system, first + group, values, k, public_n=public_n)
        if is_published:
            show_row(system, first + group, values, k, one_band=one_band)


def _write_equations(
    system: CellSystem, tree: Tree, layout: CategoryLayout, parents: Sequence[int]
) -> None:
    width, equations = system.width, system.equations
    count = len(tree.codes)
    first = min(layout.rows.values())
    for group in range(first, len(system.values) // width):  # n = Σ bands
        base = group * width
        equations.append((base, tuple(range(base + 1, base + width - 1))))
    for category, start in layout.rows.items():
        own = layout.own[category]
        for node in parents:  # unit·c = Σ children·c + own·c
            members = [start + child for child in tree.children[node]] + [own[node]]
            for column in range(width):
                parts = tuple(member * width + column for member in members)
                equations.append(((start + node) * width + column, parts))
    all_own = {node: count + index for index, node in enumerate(parents)}
    for node in range(count):  # unit = Σ categories; own = Σ own·c
        pairs = [(node, [start + node for start in layout.rows.values()])]
        if node in all_own:
            pairs.append((all_own[node], [layout.own[c][node] for c in layout.rows]))
        for total, members in pairs:
            for column in range(width):
                parts = tuple(member * width + column for member in members)
                equations.append((total * width + column, parts))
