"""One linear program kept in HiGHS and asked many objectives, warm-started (pure).

The audit asks tens of questions of the same constraints with different objectives. Through
``scipy.optimize.linprog`` each question rebuilds and re-checks the model (about 10 ms of
overhead for a 1 ms solve); a HiGHS instance that keeps the model answers the next objective from
the last basis. This is HiGHS's own Python interface, the ``highspy`` package (the solver
SciPy's ``linprog``/``milp`` use too).
"""

from __future__ import annotations

import os
import sys
from typing import Any

import highspy as _highs  # type: ignore[import-untyped,unused-ignore]
import numpy as np
from scipy.sparse import csc_array  # type: ignore[import-untyped,unused-ignore]

_Highs: Any = _highs.Highs
_DUAL, _PRIMAL = 1, 4  # values of HiGHS's simplex_strategy option


def _swallow_the_banner() -> None:
    """HiGHS prints its banner to the process's stdout when the first instance is built, before
    any option can turn output off (ERGO-Code/HiGHS#2749); build that first one with fd 1 on the
    null device, at import, so no command's output and no log carries it."""
    sys.stdout.flush()
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        _Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


_swallow_the_banner()


class LinearProgram:
    """``min cᵀx  s.t.  row_low <= A x <= row_high,  0 <= x <= ceiling`` for many ``c``
    (``ceiling``: one bound for every column, or one per column)."""

    def __init__(
        self,
        matrix: Any,
        row_low: np.ndarray,
        row_high: np.ndarray,
        ceiling: float | np.ndarray,
    ) -> None:
        columns = csc_array(matrix)
        self.size = int(columns.shape[1])
        lp = _highs.HighsLp()
        lp.num_col_ = self.size
        lp.num_row_ = int(columns.shape[0])
        lp.col_cost_ = np.zeros(self.size)
        lp.col_lower_ = np.zeros(self.size)
        lp.col_upper_ = np.full(self.size, ceiling)
        lp.row_lower_ = np.asarray(row_low, dtype=float)
        lp.row_upper_ = np.asarray(row_high, dtype=float)
        lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
        lp.a_matrix_.start_ = columns.indptr.astype(np.int32)
        lp.a_matrix_.index_ = columns.indices.astype(np.int32)
        lp.a_matrix_.value_ = columns.data.astype(float)
        self._highs = _Highs()
        self._highs.setOptionValue("output_flag", False)
        self._highs.setOptionValue("threads", 1)
        # Each question changes only the objective, so the last basis stays feasible and the
        # primal simplex goes on from it (two to three times quicker here than the dual default).
        self._highs.setOptionValue("simplex_strategy", _PRIMAL)
        self._highs.passModel(lp)
        self._columns = np.arange(self.size, dtype=np.int32)

    def minimise(self, cost: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        """The least value of ``cost·x``, a solution reaching it, and the rows' duals."""
        self._highs.changeColsCost(self.size, self._columns, np.asarray(cost, dtype=float))
        self._highs.run()
        status = self._highs.getModelStatus()
        if status != _highs.HighsModelStatus.kOptimal:  # rarely, from the warm start: anew
            self._highs.clearSolver()
            self._highs.run()
            status = self._highs.getModelStatus()
        if status != _highs.HighsModelStatus.kOptimal:
            raise RuntimeError(f"linear program failed: {self._highs.modelStatusToString(status)}")
        solution = self._highs.getSolution()
        value = float(self._highs.getInfo().objective_function_value)
        return value, np.asarray(solution.col_value), np.asarray(solution.row_dual)


def solve_integer(
    matrix: Any,
    row_low: np.ndarray,
    row_high: np.ndarray,
    ceiling: float | np.ndarray,
    cost: np.ndarray,
    integer: np.ndarray,
) -> np.ndarray | None:
    """A solution of ``min cᵀx  s.t.  row_low <= A x <= row_high,  0 <= x <= ceiling`` with the
    ``integer`` columns whole; None when there is none.

    HiGHS's feasibility-jump heuristic is off: on the audit's small programs it took half the
    time and never found a solution the root's own search did not (an option SciPy's ``milp``
    does not pass on, hence HiGHS's interface directly)."""
    program = LinearProgram(matrix, row_low, row_high, ceiling)
    highs = program._highs
    whole, fractional = _highs.HighsVarType.kInteger, _highs.HighsVarType.kContinuous
    kinds = np.array([whole if flag else fractional for flag in integer])
    highs.changeColsIntegrality(program.size, program._columns, kinds)
    highs.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    highs.setOptionValue("simplex_strategy", _DUAL)  # HiGHS's default, for branch and bound
    highs.changeColsCost(program.size, program._columns, np.asarray(cost, dtype=float))
    highs.run()
    status = highs.getModelStatus()
    if status == _highs.HighsModelStatus.kInfeasible:
        return None
    if status != _highs.HighsModelStatus.kOptimal:
        raise RuntimeError(f"integer program failed: {highs.modelStatusToString(status)}")
    return np.asarray(highs.getSolution().col_value, dtype=float)
