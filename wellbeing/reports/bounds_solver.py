"""The questions the exact audit asks of a linear model, answered by HiGHS (pure).

Problems go to ``scipy.optimize.milp``, SciPy's wrapper of the HiGHS solver, which solves
``min cᵀx  s.t.  b_l <= A x <= b_u,  l <= x <= u,  x_i ∈ ℤ for i in the integrality mask``;
with no integrality it solves the LP relaxation
(https://docs.scipy.org/doc/scipy/reference/generated/scipy.optimize.milp.html; HiGHS:
https://highs.dev). Every integer question is asked of the LP relaxation first: an LP "no" is
final (LP bounds enclose the integer ones), and an LP optimum that is already whole is an integer
optimum; only the rest go to the MILP (HiGHS's MIP set-up alone costs a few milliseconds a
problem, an LP about one). So the audit bounds each protected count by LP, calls a cell the LP
already finds unsafe unsafe for certain, and gives the others integer *feasibility* problems
("can it be 0?", "can it reach the target?") rather than full optimisation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped,unused-ignore]
from scipy.sparse import csc_array  # type: ignore[import-untyped,unused-ignore]

from wellbeing.reports.bounds_model import Group, LinearModel

_EPS = 1e-6  # slack on LP values before calling them integer-unsafe (HiGHS tolerances ~1e-7)
_WHOLE = 1e-9  # an LP solution this close to integers is taken as an integer solution

Row = tuple[Mapping[int, float], float, float]
"""One extra constraint: low <= Σ coef·x <= high, as (terms, low, high)."""


@dataclass(frozen=True)
class _Result:
    status: Literal["optimal", "infeasible", "unbounded"]
    value: float = math.nan  # the objective's minimum, when optimal
    whole: bool = False  # whether the solution found is integral


class Solver:
    """Feasibility, extremes and reachability over one `LinearModel` (targets cached)."""

    def __init__(self, model: LinearModel) -> None:
        self.model = model
        self._targets: dict[Group, int] = {}

    def _solve(
        self,
        objective: Mapping[int, float],
        *,
        integer: bool,
        lower: Mapping[int, float] | None = None,
        upper: Mapping[int, float] | None = None,
        row: Row | None = None,
    ) -> _Result:
        """Minimise Σ coef·x under the extra bounds (and row), by LP or MILP."""
        model = self.model
        low, high = model.lower.copy(), model.upper.copy()
        for index, value in (lower or {}).items():
            low[index] = max(low[index], value)
        for index, value in (upper or {}).items():
            high[index] = min(high[index], value)
        if np.any(low > high):
            return _Result("infeasible")
        constraints = [LinearConstraint(model.matrix, model.row_lower, model.row_upper)]
        if row is not None:
            terms, row_low, row_high = row
            extra = np.zeros((1, model.matrix.shape[1]))
            extra[0, list(terms)] = list(terms.values())
            constraints.append(LinearConstraint(csc_array(extra), row_low, row_high))
        cost = np.zeros(model.matrix.shape[1])
        cost[list(objective)] = list(objective.values())
        result = milp(
            cost,
            integrality=model.integrality if integer else None,
            bounds=Bounds(low, high),
            constraints=constraints,
        )
        if result.status == 0:
            solution = np.asarray(result.x, dtype=float)
            whole = bool(
                np.all(np.abs(solution - np.round(solution))[model.integrality == 1] < _WHOLE)
            )
            return _Result("optimal", float(result.fun), whole=integer or whole)
        if result.status == 2:
            return _Result("infeasible")
        if result.status == 3 or (result.status == 4 and "unbounded" in result.message):
            return _Result("unbounded")  # or infeasible: HiGHS cannot always tell which
        raise RuntimeError(f"HiGHS gave no answer: {result.message}")

    def _first_lp(
        self,
        objective: Mapping[int, float],
        *,
        integer: bool,
        lower: Mapping[int, float] | None = None,
        upper: Mapping[int, float] | None = None,
        row: Row | None = None,
    ) -> _Result:
        """`_solve`, by LP first: an LP optimum that is already whole is an integer optimum too
        (the LP bound is never worse), so the MILP runs only when the LP leaves it open."""
        result = self._solve(objective, integer=False, lower=lower, upper=upper, row=row)
        if integer and result.status != "infeasible" and not result.whole:
            result = self._solve(objective, integer=True, lower=lower, upper=upper, row=row)
        if result.status == "unbounded" and objective:  # tell unbounded from infeasible
            found = self._first_lp({}, integer=integer, lower=lower, upper=upper, row=row)
            return result if found.status == "optimal" else found
        return result

    def feasible(
        self,
        *,
        lower: Mapping[int, float] | None = None,
        upper: Mapping[int, float] | None = None,
        row: Row | None = None,
        integer: bool = True,
    ) -> bool:
        """Whether some solution meets the extra bounds (and row)."""
        result = self._first_lp({}, integer=integer, lower=lower, upper=upper, row=row)
        return result.status == "optimal"

    def extreme(
        self, objective: Mapping[int, float], *, integer: bool, maximise: bool = False
    ) -> float | None:
        """The least (or greatest) value of Σ coef·x; None when infeasible, inf if unbounded."""
        sign = -1.0 if maximise else 1.0
        result = self._first_lp(
            {index: sign * coef for index, coef in objective.items()}, integer=integer
        )
        if result.status == "infeasible":
            return None
        if result.status == "unbounded":
            return math.inf
        value = sign * result.value
        return float(round(value)) if integer else value

    def interval(
        self, objective: Mapping[int, float], *, integer: bool = True
    ) -> tuple[float, float]:
        """The least and greatest value of Σ coef·x (``math.inf`` when unbounded)."""
        low = self.extreme(objective, integer=integer)
        high = self.extreme(objective, integer=integer, maximise=True)
        if low is None or high is None:
            raise ValueError("the published cells contradict each other")
        return low, high

    def can_reach(
        self,
        objective: Mapping[int, float],
        *,
        at_least: float | None = None,
        at_most: float | None = None,
    ) -> bool:
        """Whether an integer solution has Σ coef·x >= at_least (or <= at_most).

        The LP pass first: LP bounds enclose the integer ones, so an LP "no" is final, and an
        LP optimum that is whole and meets the bound is a "yes". Otherwise integer feasibility
        with the bound imposed (no optimisation)."""
        sign = -1.0 if at_least is not None else 1.0
        relaxed = self._solve({i: sign * c for i, c in objective.items()}, integer=False)
        if relaxed.status == "infeasible":
            return False
        if relaxed.status == "optimal":
            value = sign * relaxed.value
            if at_least is not None and value < at_least - _EPS:
                return False
            if at_most is not None and value > at_most + _EPS:
                return False
            if relaxed.whole:
                return True
        if len(objective) == 1 and next(iter(objective.values())) == 1.0:
            index = next(iter(objective))
            return self.feasible(
                lower={} if at_least is None else {index: at_least},
                upper={} if at_most is None else {index: at_most},
            )
        low = -np.inf if at_least is None else at_least
        high = np.inf if at_most is None else at_most
        return self.feasible(row=(objective, low, high))

    def target(self, group: Group, k: int) -> int:
        """``min(k, the largest size the group can have)``, cached."""
        if group not in self._targets:
            size = self.model.column(group, 0)
            if self.model.lower[size] == self.model.upper[size]:
                found = min(k, int(self.model.upper[size]))
            elif self.feasible(lower={size: k}):
                found = k
            else:
                found = int(self.interval({size: 1.0})[1])
            self._targets[group] = found
        return self._targets[group]
