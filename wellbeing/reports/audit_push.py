"""Whole solutions that answer many of the audit's questions at once (pure): one that lifts many
hidden band counts to the protection target together, and those carried over from the audit
before more cells were hidden (`inherit`).

The audit clears band counts in bulk with solutions that push every open cell up
(audit.py, `_clear_in_bulk`). Maximising their plain sum lifts a few of them far and leaves the
rest where they were, so clearing a component took a dozen pushes — each a mixed-integer program
when the ranges of totals make the LP optimum fractional. Here each cell counts only up to the
target: maximise ``Σ y_c`` with ``y_c <= x_c`` and ``0 <= y_c <= target``, so one solution
lifts every cell it can (in the benchmark bureau 4-6 lifts per component, where 10-14 pushes
were needed). Its ``x`` part satisfies every constraint of the component (the new rows only
bound ``y``), so a whole ``x`` is a witness like any other; it only decides which cells need no
question of their own, never whether a cell is safe.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_array, hstack, vstack  # type: ignore[import-untyped,unused-ignore]

from wellbeing.reports.highs import LinearProgram, solve_integer

_WHOLE = 1e-7
Witnesses = dict[tuple[int, ...], list[np.ndarray]]  # component -> whole solutions of it


def inherit(
    witnesses: Witnesses, component: Sequence[int], values: Sequence[float]
) -> list[np.ndarray]:
    """Whole solutions of ``component`` from those of the earlier components it grew from, which
    leave ``witnesses`` for the new one (the list returned, to be added to).

    Hiding a cell only turns a known value into an unknown, so an earlier component lies wholly
    inside one of today's, and its solution with every other cell at its true value solves
    today's (the true values satisfy every equation; the components share none). Solutions of
    several earlier components combine the same way, one of each at a time.
    """
    index = {cell: i for i, cell in enumerate(component)}
    parts = [key for key in witnesses if all(cell in index for cell in key)]
    base = np.array([values[cell] for cell in component], dtype=float)
    found: list[np.ndarray] = []
    for turn in range(max((len(witnesses[key]) for key in parts), default=0)):
        x = base.copy()
        for key in parts:
            if turn < len(witnesses[key]):
                x[[index[cell] for cell in key]] = witnesses[key][turn]
        found.append(x)
    for key in parts:
        del witnesses[key]
    witnesses[tuple(component)] = found
    return found


class Lifter:
    """The component's constraints with one ``y`` per band count that may be lifted, kept in
    HiGHS so that each lift only changes which ``y`` count (warm-started)."""

    def __init__(
        self,
        a_eq: csr_array,
        b_eq: np.ndarray,
        a_ub: csr_array | None,
        b_ub: np.ndarray | None,
        integer: np.ndarray,
        ceiling: float,
        columns: Sequence[int],
        target: float,
    ) -> None:
        size, lifted = a_eq.shape[1], len(columns)
        self.size, self.integer, self.target = size, integer, target
        self.slot = {column: size + i for i, column in enumerate(columns)}
        pick = csr_array(
            (np.ones(lifted), (np.arange(lifted), np.asarray(columns))), shape=(lifted, size)
        )
        blocks = [hstack([a_eq, csr_array((a_eq.shape[0], lifted))])]
        low, high = [b_eq], [b_eq]
        if a_ub is not None and b_ub is not None:
            blocks.append(hstack([a_ub, csr_array((a_ub.shape[0], lifted))]))
            low.append(np.full(len(b_ub), -np.inf))
            high.append(b_ub)
        eye = csr_array(
            (np.ones(lifted), (np.arange(lifted), np.arange(lifted))), shape=(lifted,) * 2
        )
        blocks.append(hstack([-pick, eye]))  # y - x <= 0
        low.append(np.full(lifted, -np.inf))
        high.append(np.zeros(lifted))
        self.matrix = vstack(blocks, format="csc")
        self.row_low, self.row_high = np.concatenate(low), np.concatenate(high)
        self.upper = np.concatenate([np.full(size, ceiling), np.full(lifted, float(target))])
        self.program = LinearProgram(self.matrix, self.row_low, self.row_high, self.upper)

    def lift(self, columns: Sequence[int]) -> np.ndarray | None:
        """A whole solution with as many of ``columns`` at the target or more as one LP (and,
        when its optimum is fractional, one mixed-integer program) finds; None when none."""
        cost = np.zeros(len(self.upper))
        cost[[self.slot[column] for column in columns]] = -1.0
        _, x, _ = self.program.minimise(cost)
        if not np.any(x[list(columns)] >= self.target - 0.5):
            return None  # its best relaxed lift reaches no cell: not worth an integer program
        if np.all(np.abs(x - np.round(x))[: self.size][self.integer] < _WHOLE):
            return np.asarray(x[: self.size], dtype=float)
        integer = np.zeros(len(self.upper), dtype=bool)
        integer[: self.size] = self.integer
        found = solve_integer(self.matrix, self.row_low, self.row_high, self.upper, cost, integer)
        return None if found is None else found[: self.size]
