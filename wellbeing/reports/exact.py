"""What linear algebra pins down of a cell system, beyond the subtraction attacker (pure).

suppression.py protects against an attacker solving one equation with one unknown at a time.
An analyst with a spreadsheet solver does more: adds and subtracts any number of equations, and
uses that counts are never negative. This module asks, of a `CellSystem` with what is shown
(and known anyway) fixed at its true value, for each protected cell not shown: can it take any
value but its own? And for each group whose only non-zero part is a sensitive one: can the other
parts add up to anything but 0?

It answers by linear programming (HiGHS through ``scipy.optimize.linprog``), one connected
group of equations at a time: a cell's smallest and largest possible value over every
non-negative solution. A cell is *pinned* when no other whole number lies in that range
(``ceil(low) == floor(high)``). The LP range encloses the integer one, so a cell it leaves open
could in rare cases still be pinned by integer reasoning; the tests check the results with an
integer program (tests/activity/attacker.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped,unused-ignore]
from scipy.sparse import csr_array  # type: ignore[import-untyped,unused-ignore]

from wellbeing.reports.cells import CellSystem, equations_by_cell

_EPS = 1e-7
MAX_PUSHES = 8  # rounds of bulk clearing before cells are asked about one by one


def exact_leaks(system: CellSystem) -> list[int]:
    """Protected cells the solver pins down, and for each one-band group it exposes, its first
    other cell; in cell order.

    Most cells are cleared in bulk (`_clear_in_bulk`); only the rest get their own two linear
    programs.
    """
    known = system.known()
    uses = equations_by_cell(system)
    leaks: set[int] = set()
    for component in _components(system, known):
        problem = _Problem(system, component, uses)
        cells = [c for c in component if system.protected[c]]
        groups = [
            others for others in system.one_band if any(cell in problem.members for cell in others)
        ]
        if len(cells) + len(groups) > 2:  # else asking one by one is as quick
            cells, groups = _clear_in_bulk(problem, cells, groups)
        leaks.update(cell for cell in cells if problem.pinned(cell))
        leaks.update(others[0] for others in groups if problem.all_zero(others))
    return sorted(leaks)


def _clear_in_bulk(
    problem: _Problem, cells: list[int], groups: list[tuple[int, ...]]
) -> tuple[list[int], list[tuple[int, ...]]]:
    """Drop the cells and groups one solution already shows are free: a cell a whole unit or
    more from its true value, a one-band group whose other parts add up to 1 or more. Each
    solution pushes every remaining cell one way (up, then down) and every remaining group's
    other parts up; it repeats while that clears anything."""
    values = problem.values
    for _ in range(MAX_PUSHES):
        if not cells and not groups:
            break
        progress = False
        for direction in (-1.0, 1.0):  # minimising -x pushes x up
            objective = dict.fromkeys((c for c in cells if c in problem.index), direction)
            for group in groups:
                objective.update(dict.fromkeys((c for c in group if c in problem.index), -1.0))
            if not objective:
                break
            solution = problem.solution(objective)
            kept = [c for c in cells if abs(solution(c) - values[c]) < 1 - _EPS]
            still = [g for g in groups if sum(solution(c) for c in g) < 1 - _EPS]
            progress |= len(kept) < len(cells) or len(still) < len(groups)
            cells, groups = kept, still
        if not progress:
            break
    return cells, groups


def _components(system: CellSystem, known: Sequence[bool]) -> list[list[int]]:
    """Unknown cells linked by equations (known cells are constants, so they link nothing),
    each group of linked cells once (union-find); only groups holding a question are kept."""
    parent = list(range(len(system.values)))

    def root(cell: int) -> int:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for total, parts in system.equations:
        unknown = [cell for cell in (total, *parts) if not known[cell]]
        for cell in unknown[1:]:
            a, b = root(unknown[0]), root(cell)
            if a != b:
                parent[a] = b
    groups: dict[int, list[int]] = {}
    for cell in range(len(system.values)):
        if not known[cell]:
            groups.setdefault(root(cell), []).append(cell)
    one_band = {cell for others in system.one_band for cell in others}
    return [
        cells
        for cells in groups.values()
        if any(system.protected[cell] or cell in one_band for cell in cells)
    ]


class _Problem:
    """One component: its unknown cells as variables, its equations with known cells moved to
    the right-hand side."""

    def __init__(
        self, system: CellSystem, component: Sequence[int], uses: Sequence[Sequence[int]]
    ) -> None:
        self.members = set(component)  # unknown cells only
        unknown = list(component)
        self.index = {cell: i for i, cell in enumerate(unknown)}
        self.values = system.values
        rows: list[int] = []
        columns: list[int] = []
        data: list[float] = []
        rhs: list[float] = []
        for equation in sorted({index for cell in component for index in uses[cell]}):
            total, parts = system.equations[equation]
            row = len(rhs)
            constant = 0.0
            for cell, sign in ((total, 1.0), *((part, -1.0) for part in parts)):
                if cell in self.index:
                    rows.append(row)
                    columns.append(self.index[cell])
                    data.append(sign)
                else:
                    constant -= sign * system.values[cell]
            rhs.append(constant)
        size = len(unknown)
        self.size = size
        self.matrix = csr_array((data, (rows, columns)), shape=(len(rhs), size))
        self.rhs = np.array(rhs)
        # A box well above every true value: it changes no answer (the truth is inside it, so a
        # cell that can move at all can move a little) and keeps every program bounded.
        self.ceiling = 2.0 * sum(system.values[cell] for cell in component) + 10.0

    def _solve(self, vector: np.ndarray) -> tuple[float, np.ndarray]:
        found = linprog(
            vector, A_eq=self.matrix, b_eq=self.rhs, bounds=(0, self.ceiling), method="highs"
        )
        if found.status != 0:  # the truth is a solution and the box bounds every program
            raise RuntimeError(f"linear program failed: {found.message}")
        return float(found.fun), found.x

    def _vector(self, objective: dict[int, float]) -> np.ndarray:
        vector = np.zeros(self.size)
        for cell, coefficient in objective.items():
            vector[self.index[cell]] = coefficient
        return vector

    def _minimum(self, objective: dict[int, float]) -> float:
        return self._solve(self._vector(objective))[0]

    def solution(self, objective: dict[int, float]) -> Callable[[int], float]:
        """A solution minimising the objective: each cell's value in it (known cells: theirs)."""
        _, x = self._solve(self._vector(objective))
        index, values = self.index, self.values
        return lambda cell: float(x[index[cell]]) if cell in index else values[cell]

    def pinned(self, cell: int) -> bool:
        """Whether no whole number but the cell's own lies within its possible range."""
        high = -self._minimum({cell: -1.0})
        low = self._minimum({cell: 1.0})
        return math.ceil(low - _EPS) >= math.floor(high + _EPS)

    def all_zero(self, cells: Sequence[int]) -> bool:
        """Whether the cells must all be 0 (their largest possible sum is below 1)."""
        if any(cell not in self.index and self.values[cell] for cell in cells):
            return False
        free = [cell for cell in cells if cell in self.index]
        if not free:
            return True
        return -self._minimum(dict.fromkeys(free, -1.0)) < 1 - _EPS
