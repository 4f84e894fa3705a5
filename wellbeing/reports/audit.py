"""The exact audit of a screening table: what every published equation allows each protected cell
to be (pure).

exact.py asks whether a solver can pin a cell down to one value. For leaders' unit reports the
guarantee is stronger: a leader must never tell "0 people" from "a few". So, for a `CellSystem`
with everything a leader sees (shown counts and zeros, shown means as their sum of totals, public
group sizes, empty own groups) fixed at its true value, a protected cell is *safe* when

* a count (``n`` or a band) of 1 to k-1 can be 0, and a band count can also reach
  ``min(protection, the largest size its group can have)`` (``protection`` defaults to k);
* a sum of totals of 1 to k-1 people can take another whole value (a sum of totals is not a count
  of people; that it is not worked out is what protects the people in it);
* a group whose results all fall in one band: its other bands can add up to 1 or more.

Sums of totals are tied to the counts by each band's range of totals, when given: a group's sum
lies between ``Σ lo_b·c_b`` and ``Σ hi_b·c_b`` (enough for every group, since per-band sums add
up along the tree as the counts do). A shown mean is taken as publishing its exact sum — more than
a rounded mean tells, so the audit errs on the safe side.

Each question is a linear program over one connected component of unknown cells, solved by HiGHS
through ``highspy`` (highs.py): the LP relaxation first (its range encloses the integer one, so
an LP "no" is final, and a whole LP optimum is an integer optimum), then an integer feasibility
problem only where the LP optimum is fractional. Most cells are cleared at once by whole
solutions (witnesses) that push every open count down, lift every band count towards the target
(audit_push.py) or push sums and one-band groups up (`MAX_PUSHES` rounds); a cleared cell is
safe by its witness, so clearing decides nothing by itself, and every cell left is asked on its
own (tests/reports/test_audit_fast_path.py checks both ways decide alike). Each unsafe
finding carries the equations that bind it (the LP's non-zero duals), which is what the
suppression loop (exact_suppression.py) breaks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_array, vstack  # type: ignore[import-untyped,unused-ignore]

from wellbeing.reports.audit_links import Links, Ranges, components_of, links_of
from wellbeing.reports.audit_push import Lifter, Witnesses, inherit
from wellbeing.reports.cells import CellSystem, N
from wellbeing.reports.highs import LinearProgram, solve_integer

_EPS = 1e-7
_WHOLE = 1e-7
MAX_PUSHES = 12
_Open = tuple[list[int], list[int], list[tuple[int, ...]], list[int]]  # down, up, groups, sums


@dataclass(frozen=True)
class Unsafe:
    """A protected fact the audit finds exposed.

    ``cell``: the count, sum of totals, or (for a one-band group) first other band. ``problem``:
    "low" (cannot be 0), "high" (cannot reach ``need``), "pinned" (a sum of totals worked out) or
    "one_band". ``gap``: how far the bound found is from what protection needs. ``binding``:
    the equations (indexes into ``system.equations``) that hold it, and ``groups`` the groups
    whose ranges of totals do.
    """

    cell: int
    problem: str
    gap: float
    binding: tuple[int, ...] = ()
    groups: tuple[int, ...] = ()
    component: tuple[int, ...] = field(default=(), compare=False)


def audit_system(
    system: CellSystem,
    k: int,
    *,
    ranges: Ranges | None = None,
    protection: int | None = None,
    ignore: frozenset[int] = frozenset(),
    cache: dict[tuple[int, ...], list[Unsafe]] | None = None,
    witnesses: Witnesses | None = None,
    bulk: bool = True,
) -> list[Unsafe]:
    """Every protected fact of ``system`` not safe under the audit, in cell order.

    ``ignore``: cells (and first other bands) not to ask about (already given away elsewhere).
    ``cache``: findings per component from an earlier audit of the same system with only more
    cells hidden since: a component with the same unknown cells has the same equations and
    known values (a newly hidden cell joins the component of every equation it is in), so its
    answer stands. ``witnesses``: whole solutions per component from such an earlier audit,
    kept up to date (audit_push.py, `inherit`). ``bulk=False``: every question solved on its
    own (the plain audit the bulk clearing must agree with; tests only).
    """
    target = k if protection is None else protection
    known = system.known()
    links = links_of(system, ranges)
    found: list[Unsafe] = []
    for component in components_of(system, known, links):
        members = set(component)
        one_band = [o for o in system.one_band if o[0] not in ignore and members & set(o)]
        cells = [c for c in component if system.protected[c] and c not in ignore]
        if not cells and not one_band:
            continue
        key = tuple(component)
        if cache is not None and key in cache:
            found.extend(f for f in cache[key] if f.cell not in ignore)
            continue
        problem = _Problem(system, component, links, known, target)
        if witnesses is not None and bulk:
            problem._witnesses = inherit(witnesses, component, system.values)
        answer = problem.audit(cells, one_band, bulk=bulk)
        if cache is not None:
            cache[key] = answer
        found.extend(answer)
    return sorted(found, key=lambda unsafe: unsafe.cell)


class _Problem:
    """One component: its unknown cells as variables; equations and range rows with the known
    cells moved to the right-hand side."""

    def __init__(
        self,
        system: CellSystem,
        component: Sequence[int],
        links: Links,
        known: Sequence[bool],
        target: int,
    ) -> None:
        self.system, self.component, self.target = system, tuple(component), target
        self.index = {cell: i for i, cell in enumerate(component)}
        values, width = system.values, system.width
        self.equations = sorted({e for cell in component for e in links.uses[cell]})
        rows, cols, data, rhs = self._equality_rows(system)
        self.a_eq = csr_array((data, (rows, cols)), shape=(len(rhs), len(component)))
        self.b_eq = np.array(rhs)
        self.groups = sorted({cell // width for cell in component if cell // width in links.ranges})
        up_rows: list[int] = []
        up_cols: list[int] = []
        up_data: list[float] = []
        up_rhs: list[float] = []
        for group in self.groups:  # Σ lo·c - S <= 0 and S - Σ hi·c <= 0
            counts, total = links.ranges[group]
            for sign, pick in ((1.0, 1), (-1.0, 2)):
                row, constant = len(up_rhs), 0.0
                entries = [(cell, sign * (lo if pick == 1 else hi)) for cell, lo, hi in counts]
                entries.append((total, -sign))
                for cell, coefficient in entries:
                    if cell in self.index:
                        up_rows.append(row)
                        up_cols.append(self.index[cell])
                        up_data.append(coefficient)
                    else:
                        constant -= coefficient * values[cell]
                up_rhs.append(constant)
        self.a_ub = (
            csr_array((up_data, (up_rows, up_cols)), shape=(len(up_rhs), len(component)))
            if up_rhs
            else None
        )
        self.b_ub = np.array(up_rhs) if up_rhs else None
        self.integer = np.array(
            [cell % width != width - 1 or not system.means for cell in component], dtype=bool
        )
        self.ceiling = 2.0 * sum(values[cell] for cell in component) + 2.0 * target + 10.0
        self.known = known
        self._program: LinearProgram | None = None
        self._witnesses: list[np.ndarray] = []  # whole solutions found so far

    def _equality_rows(
        self, system: CellSystem
    ) -> tuple[list[int], list[int], list[float], list[float]]:
        rows: list[int] = []
        cols: list[int] = []
        data: list[float] = []
        rhs: list[float] = []
        for equation in self.equations:
            total, parts = system.equations[equation]
            row, constant = len(rhs), 0.0
            for cell, sign in ((total, 1.0), *((part, -1.0) for part in parts)):
                if cell in self.index:
                    rows.append(row)
                    cols.append(self.index[cell])
                    data.append(sign)
                else:
                    constant -= sign * system.values[cell]
            rhs.append(constant)
        return rows, cols, data, rhs

    # --- solving -------------------------------------------------------------------------

    def _lp(self, objective: Mapping[int, float]) -> tuple[float, np.ndarray, np.ndarray, Any]:
        """Minimise Σ coef·x: the value, a solution, the duals of the equations and of the
        range rows (in that order of rows)."""
        if self._program is None:
            matrix = vstack([m for m in (self.a_eq, self.a_ub) if m is not None], format="csc")
            low = np.concatenate(
                [self.b_eq, np.full(0 if self.b_ub is None else len(self.b_ub), -np.inf)]
            )
            high = np.concatenate([self.b_eq, self.b_ub if self.b_ub is not None else []])
            self._program = LinearProgram(matrix, low, high, self.ceiling)
        value, x, duals = self._program.minimise(self._vector(objective))
        equations = len(self.b_eq)
        return value, x, duals[:equations], duals[equations:]

    def _whole(self, x: np.ndarray) -> bool:
        return bool(np.all(np.abs(x - np.round(x))[self.integer] < _WHOLE))

    def _integer_feasible(self, terms: Mapping[int, float], low: float, high: float) -> bool:
        """Whether an integer solution has low <= Σ coef·x <= high (a whole solution seen
        before answers "yes" without a solve)."""
        vector = self._vector(terms)
        for x in self._witnesses:
            if low - _EPS <= float(vector @ x) <= high + _EPS:
                return True
        return (
            self._integer_solution(np.zeros(len(self.component)), (vector, low, high)) is not None
        )

    def _integer_solution(
        self, cost: np.ndarray, row: tuple[np.ndarray, float, float] | None = None
    ) -> np.ndarray | None:
        """A whole solution minimising ``cost`` (under the extra row), remembered; None when
        there is none."""
        blocks, low, high = [self.a_eq], [self.b_eq], [self.b_eq]
        if row is not None:
            blocks.append(csr_array(row[0].reshape(1, -1)))
            low.append(np.array([row[1]]))
            high.append(np.array([row[2]]))
        if self.a_ub is not None and self.b_ub is not None:
            blocks.append(self.a_ub)
            low.append(np.full(len(self.b_ub), -np.inf))
            high.append(self.b_ub)
        matrix = vstack(blocks, format="csc")
        x = solve_integer(
            matrix, np.concatenate(low), np.concatenate(high), self.ceiling, cost, self.integer
        )
        if x is None:
            return None
        self._witnesses.append(x)
        return x

    def _vector(self, terms: Mapping[int, float]) -> np.ndarray:
        vector = np.zeros(len(self.component))
        for cell, coefficient in terms.items():
            vector[self.index[cell]] = coefficient
        return vector

    def _binding(
        self, duals: np.ndarray, upper: np.ndarray
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        equations = tuple(self.equations[i] for i in np.flatnonzero(np.abs(duals) > _EPS))
        groups = tuple(self.groups[i // 2] for i in np.flatnonzero(np.abs(upper) > _EPS))
        return equations, tuple(sorted(set(groups)))

    # --- questions -----------------------------------------------------------------------

    def _group_size_target(self, cell: int) -> float:
        """``min(protection, the largest size the cell's group can have)``."""
        system = self.system
        size = cell - cell % system.width + N
        if self.known[size]:
            return min(self.target, system.values[size])
        if self._can_reach({size: 1.0}, at_least=self.target):
            return float(self.target)
        high = -self._lp({size: -1.0})[0]
        value = int(np.floor(high + _EPS))
        while value > 0 and not self._integer_feasible({size: 1.0}, value, np.inf):
            value -= 1
        return float(value)

    def _can_reach(
        self,
        terms: Mapping[int, float],
        *,
        at_least: float | None = None,
        at_most: float | None = None,
    ) -> bool:
        sign = -1.0 if at_least is not None else 1.0
        value, x, _, _ = self._lp({c: sign * v for c, v in terms.items()})
        value *= sign
        if at_least is not None and value < at_least - _EPS:
            return False
        if at_most is not None and value > at_most + _EPS:
            return False
        if self._whole(x):
            return True
        low = -np.inf if at_least is None else at_least
        high = np.inf if at_most is None else at_most
        return self._integer_feasible(terms, low, high)

    def audit(
        self, cells: list[int], one_band: list[tuple[int, ...]], *, bulk: bool = True
    ) -> list[Unsafe]:
        """The unsafe findings among ``cells`` and ``one_band`` groups of this component."""
        width, values = self.system.width, self.system.values
        sums = [c for c in cells if self.system.means and c % width == width - 1]
        counts = [c for c in cells if c not in sums]
        down = list(counts)
        up = [c for c in counts if c % width != N]
        groups = list(one_band)
        if bulk:
            down, up, groups, sums = self._clear_in_bulk(down, up, groups, sums)
        found: list[Unsafe] = []
        for cell in down:
            value, x, duals, upper = self._lp({cell: 1.0})
            if value > _EPS or not (self._whole(x) or self._integer_feasible({cell: 1.0}, 0, 0)):
                found.append(self._unsafe(cell, "low", max(value, 1.0), duals, upper))
        for cell in up:
            need = self._group_size_target(cell)
            if values[cell] >= need:
                continue
            value, x, duals, upper = self._lp({cell: -1.0})
            high = -value
            if high < need - _EPS or not (
                self._whole(x) or self._integer_feasible({cell: 1.0}, need, np.inf)
            ):
                found.append(self._unsafe(cell, "high", max(need - high, 1.0), duals, upper))
        for others in groups:
            free = {c: 1.0 for c in others if c in self.index}
            if any(values[c] for c in others if c not in self.index):
                continue  # cannot happen: the other bands are 0
            if free and self._can_reach(free, at_least=1.0):
                continue
            _, _, duals, upper = (
                self._lp({c: -1.0 for c in free}) if free else (0, 0, np.zeros(0), np.zeros(0))
            )
            found.append(self._unsafe(others[0], "one_band", 1.0, duals, upper))
        for cell in sums:
            low, _, low_duals, low_upper = self._lp({cell: 1.0})
            high_value, _, duals, upper = self._lp({cell: -1.0})
            high = -high_value
            if np.ceil(low - _EPS) >= np.floor(high + _EPS):
                found.append(
                    self._unsafe(
                        cell,
                        "pinned",
                        1.0,
                        np.abs(duals) + np.abs(low_duals),
                        np.abs(upper) + np.abs(low_upper),
                    )
                )
        return found

    def _unsafe(
        self, cell: int, problem: str, gap: float, duals: np.ndarray, upper: np.ndarray
    ) -> Unsafe:
        binding, groups = self._binding(duals, upper)
        return Unsafe(cell, problem, float(gap), binding, groups, self.component)

    def _push(self, left: _Open, objective: Mapping[int, float]) -> _Open:
        """What a whole solution minimising the objective leaves open (the LP's solution when
        whole, else the MILP's)."""
        _, x, _, _ = self._lp(objective)
        if self._whole(x):
            self._witnesses.append(x)
            return self._unanswered(x, left)
        found = self._integer_solution(self._vector(objective))
        return left if found is None else self._unanswered(found, left)

    def _clear_in_bulk(
        self, down: list[int], up: list[int], groups: list[tuple[int, ...]], sums: list[int]
    ) -> _Open:
        """Drop the questions whole solutions already answer (`_unanswered`): first those known
        from the components this one grew from, then pushes and lifts while they clear any."""
        left: _Open = (down, up, groups, sums)
        for seen in self._witnesses:
            left = self._unanswered(seen, left)
        lifter: Lifter | None = None
        for _ in range(MAX_PUSHES):
            before = len(left[0]) + len(left[1]) + len(left[2]) + len(left[3])
            if left[1]:  # every band count lifted towards the target at once (audit_push.py)
                shape = (self.a_eq, self.b_eq, self.a_ub, self.b_ub, self.integer, self.ceiling)
                columns = [self.index[c] for c in left[1]]
                lifter = lifter or Lifter(*shape, columns, self.target)
                lifted = lifter.lift(columns)
                if lifted is not None:
                    self._witnesses.append(lifted)
                    left = self._unanswered(lifted, left)
            if left[0] or left[3]:
                left = self._push(left, dict.fromkeys(left[0], 1.0) | dict.fromkeys(left[3], 1.0))
            if left[2] or left[3]:
                objective = dict.fromkeys(left[3], -1.0)
                for others in left[2]:
                    objective.update({c: -1.0 for c in others if c in self.index})
                left = self._push(left, objective)
            if len(left[0]) + len(left[1]) + len(left[2]) + len(left[3]) == before:
                break
        return left

    def _unanswered(self, x: np.ndarray, left: _Open) -> _Open:
        """What whole solution ``x`` leaves open: a count not seen at 0, a band not seen at
        ``protection`` or more, a one-band group whose other bands are not seen adding up to 1,
        a sum of totals not seen a whole unit or more from its true value."""
        down, up, groups, sums = left
        at, values = self.index, self.system.values
        return (
            [c for c in down if x[at[c]] > 0.5],
            [c for c in up if x[at[c]] < self.target - 0.5],
            [g for g in groups if sum(x[at[c]] for c in g if c in at) < 0.5],
            [c for c in sums if abs(x[at[c]] - values[c]) < 1 - _EPS],
        )
