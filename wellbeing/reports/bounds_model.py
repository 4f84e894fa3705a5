"""The linear model of a published table, for the exact audit (bounds.py; pure).

Variables, per group ``g`` (a published row, or a unit's own group) and band ``b``: an integer
count ``c[g,b] >= 0``, the group's size ``n[g] = Σ_b c[g,b]`` (integer) and, when any mean is
shown, the band's sum of totals ``s[g,b]`` (continuous). Constraints (bounds.py says why each
holds): n = Σ bands; a parent's row = Σ children's rows + its own group, per column; each band's
range of totals ``lo_b·c <= s <= hi_b·c``; every shown count, public group size and empty own
group pinned; every shown mean as two inequalities over its row's sums and size.

The constraint matrix (``scipy.sparse``) and the variable bounds are built once here; the
questions (bounds_solver.py) only change bounds, the objective, or append one row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from scipy.sparse import coo_array, csc_array  # type: ignore[import-untyped,unused-ignore]

from wellbeing.reports.disclosure import ProtectedTable

Var = tuple[str, str, str]
"""A count: ("row" | "own", unit code, band id or "n"). ("own", leaf) is the leaf's row."""

Group = tuple[str, str]
"""("row" | "own", unit code)."""


class LinearModel:
    """The constraint matrix and variable bounds of one published table, built once.

    ``band_ranges``: each band's inclusive range of totals. ``mean_decimals``: the places shown
    means were rounded to (None: unrounded). ``group_sizes``: every group's ``n``, when public.
    ``empty_own``: the units with children and nobody attached directly.
    """

    def __init__(
        self,
        table: ProtectedTable,
        band_ranges: Mapping[str, tuple[float, float]],
        *,
        mean_decimals: int | None = None,
        group_sizes: Mapping[Group, int] | None = None,
        empty_own: frozenset[str] = frozenset(),
    ) -> None:
        self.bands = table.band_ids
        self._ranges = band_ranges
        missing = set(self.bands) - set(band_ranges)
        if missing:
            raise ValueError(f"no range of totals for bands {sorted(missing)}")
        codes = [row.unit for row in table.rows]
        children: dict[str, list[str]] = {code: [] for code in codes}
        for row in table.rows:
            if row.parent is not None:
                if row.parent not in children:
                    raise ValueError(f"unit {row.unit!r} has a parent outside the table")
                children[row.parent].append(row.unit)
        self.groups: list[Group] = [("row", code) for code in codes]
        self.groups += [("own", code) for code in codes if children[code]]
        self._group = {group: position for position, group in enumerate(self.groups)}
        self.sums = any(row.mean.value is not None for row in table.rows)
        bands = len(self.bands)
        self.width = 1 + bands + (bands if self.sums else 0)
        size = len(self.groups) * self.width
        self.lower = np.zeros(size)
        self.upper = np.full(size, np.inf)
        self.integrality = np.ones(size, dtype=np.uint8)
        if self.sums:
            for group in range(len(self.groups)):
                sums = slice(group * self.width + 1 + bands, (group + 1) * self.width)
                self.lower[sums], self.upper[sums], self.integrality[sums] = -np.inf, np.inf, 0
        self._rows: list[tuple[dict[int, float], float, float]] = []
        self._equations(children)
        self._fix(table, group_sizes or {}, empty_own, children)
        self._means(table, mean_decimals)
        entries = [
            (row, col, coef)
            for row, (terms, _, _) in enumerate(self._rows)
            for col, coef in terms.items()
        ]
        shape = (len(self._rows), size)
        rows, cols, coefs = zip(*entries, strict=True) if entries else ((), (), ())
        self.matrix = csc_array(coo_array((coefs, (rows, cols)), shape=shape))
        self.row_lower = np.array([low for _, low, _ in self._rows], dtype=float)
        self.row_upper = np.array([high for _, _, high in self._rows], dtype=float)

    # --- building ---------------------------------------------------------------------------

    def column(self, group: Group, column: int) -> int:
        """The variable of a group's column (0: n, then each band's count, then its sum)."""
        return self._group[group] * self.width + column

    def _equations(self, children: Mapping[str, list[str]]) -> None:
        bands = len(self.bands)
        for group in self.groups:  # n = Σ bands
            terms = {self.column(group, 0): 1.0}
            terms.update({self.column(group, 1 + b): -1.0 for b in range(bands)})
            self._rows.append((terms, 0.0, 0.0))
        for unit, kids in children.items():  # row = Σ children + own group, per column
            for column in range(1, self.width) if kids else ():
                terms = {self.column(("row", unit), column): 1.0}
                for member in [("row", kid) for kid in kids] + [("own", unit)]:
                    terms[self.column(member, column)] = -1.0
                self._rows.append((terms, 0.0, 0.0))
        if not self.sums:
            return
        for group in self.groups:  # lo·c <= s <= hi·c
            for b, band in enumerate(self.bands):
                low, high = self.band_range(band)
                count, total = self.column(group, 1 + b), self.column(group, 1 + bands + b)
                self._rows.append(({total: 1.0, count: -low}, 0.0, np.inf))
                self._rows.append(({total: 1.0, count: -high}, -np.inf, 0.0))

    def band_range(self, band: str) -> tuple[float, float]:
        """A band's inclusive range of totals, checked."""
        low, high = self._ranges[band]
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            raise ValueError(f"band {band!r} has no finite range of totals")
        return float(low), float(high)

    def _fix(
        self,
        table: ProtectedTable,
        group_sizes: Mapping[Group, int],
        empty_own: frozenset[str],
        children: Mapping[str, list[str]],
    ) -> None:
        fixed: dict[int, float] = {}

        def pin(index: int, value: float) -> None:
            if fixed.setdefault(index, value) != value:
                raise ValueError("the published cells contradict each other")
            self.lower[index] = self.upper[index] = value

        for row in table.rows:
            if row.n.value is not None:
                pin(self.column(("row", row.unit), 0), row.n.value)
            for b, band in enumerate(self.bands):
                value = row.bands[band].value
                if value is not None:
                    pin(self.column(("row", row.unit), 1 + b), value)
        for (kind, unit), value in group_sizes.items():
            pin(self.column(self.resolve(kind, unit), 0), value)
        for unit in empty_own:
            if not children.get(unit):
                raise ValueError(f"empty own group of {unit!r}, which has no children")
            for column in range(self.width):
                pin(self.column(("own", unit), column), 0.0)

    def _means(self, table: ProtectedTable, decimals: int | None) -> None:
        bands = len(self.bands)
        for row in table.rows:
            mean = row.mean.value
            if mean is None:
                continue
            half = 0.5 * 10.0**-decimals if decimals is not None else 1e-9 * max(1.0, abs(mean))
            group = ("row", row.unit)
            sums = {self.column(group, 1 + bands + b): 1.0 for b in range(bands)}
            size = self.column(group, 0)
            self._rows.append(({**sums, size: -(mean - half)}, 0.0, np.inf))
            self._rows.append(({**sums, size: -(mean + half)}, -np.inf, 0.0))

    # --- naming -----------------------------------------------------------------------------

    def resolve(self, kind: str, unit: str) -> Group:
        """The group of ``(kind, unit)``: a leaf's own group is its row."""
        if kind == "own" and ("own", unit) not in self._group and ("row", unit) in self._group:
            return ("row", unit)
        if (kind, unit) not in self._group:
            raise KeyError(f"no group {kind!r} {unit!r}")
        return (kind, unit)

    def index(self, var: Var) -> int:
        """The variable of a count."""
        kind, unit, column = var
        group = self.resolve(kind, unit)
        if column == "n":
            return self.column(group, 0)
        if column not in self.bands:
            raise KeyError(f"no column {column!r}")
        return self.column(group, 1 + self.bands.index(column))
