"""An exact audit of a protected table by (mixed-integer) linear programming (pure).

attack.py models the attacker the suppression is built against: one unknown at a time, plus
"the rest are 0". This module asks the strongest question about the same published cells: over
*every* assignment of people to bands that is consistent with what a leader sees, what can a
given count be? It answers by linear programming, so it combines any number of equations with
any number of unknowns, uses non-negativity and integrality, and uses the published means.

Model
-----
Groups are the published rows (a unit's whole subtree) and, for every unit with children, its
own group (the people attached directly to it; never published). A leaf's row *is* its own
group. Per group ``g`` and band ``b`` there is an integer count ``c[g,b] >= 0``, the group's size
``n[g] = Σ_b c[g,b]`` (integer), and, when any mean is shown, the sum of totals of the band
``s[g,b]`` (continuous) with ``lo_b·c[g,b] <= s[g,b] <= hi_b·c[g,b]`` (each band's inclusive
range of totals; a person's band follows from their total). Constraints:

* a unit with children, per column (each ``c`` and ``s``): row = Σ children's rows + own group;
* a shown band count or ``n`` is an equation, zeros included;
* public group sizes (``Published.group_sizes``, for when participation is published
  unsuppressed elsewhere): ``n[g]`` fixed for every group;
* own groups with nobody attached (the organisation chart tells): every variable 0;
* a shown mean ``m`` rounded to ``d`` decimals: ``(m - h)·n <= Σ_b s[row,b] <= (m + h)·n`` with
  ``h = ½·10⁻ᵈ`` (inclusive, so the feasible set holds every truth that rounds to ``m``) and
  ``n`` the row's size variable (so it holds whether or not ``n`` is shown); unrounded means
  (``mean_decimals=None``) get ``h = 1e-9·max(1, |m|)`` for float error.

Hidden cells add no constraint at all. That is exact only because a hidden cell is one neutral
mark: were its reason shown, ``too_few`` would add ``1 <= c <= k-1`` and ``one_band`` would add
"every other band is 0", constraints that can decide what the table hides (see the tests: a unit
of one whose band follows from its parent's hidden ``too_few`` count).

Not modelled: participation counts (invited versus answered; dominated when group sizes are
public, which is the attacker's best case); the exact totals of people beyond their band's range
and the integrality of totals (``s`` is continuous, so a mean can only be used through the band
ranges); knowledge outside the report (who is in which unit, earlier reports over another tree).

Solving
-------
The constraint matrix is built once per `Published` (``scipy.sparse``) and reused; every
question only changes variable bounds, the objective, or appends one row. Problems go to
``scipy.optimize.milp``, SciPy's wrapper of the HiGHS solver, which solves
``min cᵀx  s.t.  b_l <= A x <= b_u,  l <= x <= u,  x_i ∈ ℤ for i in the integrality mask``;
with no integrality it solves the LP relaxation
(https://docs.scipy.org/doc/scipy/reference/generated/scipy.optimize.milp.html; HiGHS:
https://highs.dev). Every integer question is asked of the LP relaxation first: an LP "no" is
final (LP bounds enclose the integer ones), and an LP optimum that is already whole is an integer
optimum; only the rest go to the MILP (HiGHS's MIP set-up alone costs a few milliseconds a
problem, an LP about one). So `audit` bounds each protected count by LP, calls a cell the LP
already finds unsafe unsafe for certain, and gives the others integer *feasibility* problems
("can it be 0?", "can it reach the target?") rather than full optimisation.

Protection (`audit`): a count of 1..k-1 is safe under the "interval" standard when it can be 0
and can reach ``min(k, its group's largest possible size)``; under "undetermined" when it is not
worked out exactly (what disclosure.py promises against its own attacker, and all it achieves:
a report publishing ``n``, a large band and the zeros publishes the sum of the small bands).
A group whose results all fall in one band is safe when some other band can reach 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped,unused-ignore]
from scipy.sparse import coo_array, csc_array  # type: ignore[import-untyped,unused-ignore]

from wellbeing.reports.disclosure import ProtectedTable, UnitResults

__all__ = [
    "Finding",
    "Published",
    "Standard",
    "Var",
    "audit",
    "bounds",
    "feasible",
    "published_for",
]

Var = tuple[str, str, str]
"""A count: ("row" | "own", unit code, band id or "n"). ("own", leaf) is the leaf's row."""

Standard = Literal["interval", "undetermined"]

_EPS = 1e-6  # slack on LP values before calling them integer-unsafe (HiGHS tolerances ~1e-7)
_WHOLE = 1e-9  # an LP solution this close to integers is taken as an integer solution


@dataclass(frozen=True)
class _Result:
    status: Literal["optimal", "infeasible", "unbounded"]
    value: float = math.nan  # the objective's minimum, when optimal
    whole: bool = False  # whether the solution found is integral


@dataclass(frozen=True)
class Published:
    """Everything a leader sees of one instrument's table, plus what the org chart tells.

    ``band_ranges``: each band's inclusive range of totals. ``mean_decimals``: the places shown
    means were rounded to (None: unrounded). ``group_sizes``: every group's ``n`` keyed
    ``("row" | "own", unit)``, when the attacker knows them (None: unknown). ``empty_own``: the
    units with children and nobody attached directly.
    """

    table: ProtectedTable
    band_ranges: Mapping[str, tuple[float, float]]
    mean_decimals: int | None = None
    group_sizes: Mapping[tuple[str, str], int] | None = None
    empty_own: frozenset[str] = frozenset()

    @cached_property
    def _model(self) -> _Model:
        return _Model(self)


@dataclass(frozen=True)
class Finding:
    """A protected fact the published table gives away, with the integer bounds found.

    ``problem`` is "small_count" (``column`` — "n" or a band — holds ``value`` in 1..k-1 and
    ``low``..``high`` is not wide enough) or "one_band" (all ``value`` people of the group are
    in band ``column``, and ``low``..``high``, the number outside it, is provably 0).
    """

    kind: str  # "row" | "own"
    unit: str
    column: str
    value: int
    low: float
    high: float
    problem: str  # "small_count" | "one_band"


def published_for(
    table: ProtectedTable,
    own_truth: Sequence[UnitResults],
    band_ranges: Mapping[str, tuple[float, float]],
    *,
    mean_decimals: int | None = None,
    public_n: bool = False,
) -> Published:
    """What a leader of ``table`` knows, the org chart read off the truth: which own groups are
    empty and, with ``public_n`` (as given to `protect_table`), every group's size."""
    truth = _truth_of(table, own_truth)
    internal = {row.parent for row in table.rows if row.parent is not None}
    empty = frozenset(unit for unit in internal if truth[("own", unit)]["n"] == 0)
    sizes = {group: values["n"] for group, values in truth.items()} if public_n else None
    return Published(table, band_ranges, mean_decimals, sizes, empty)


def bounds(published: Published, var: Var, *, integer: bool = True) -> tuple[float, float]:
    """The least and greatest value of ``var`` over every solution (``math.inf`` when
    unbounded); ``integer=False`` gives the looser bounds of the LP relaxation."""
    model = published._model
    return model.interval({model.index(var): 1.0}, integer=integer)


def feasible(
    published: Published,
    fixed: Mapping[Var, int],
    *,
    at_least: Mapping[Var, int] | None = None,
    at_most: Mapping[Var, int] | None = None,
) -> bool:
    """Whether some integer solution has the ``fixed`` counts (and the ``at_least`` /
    ``at_most`` bounds): whether the table leaves that possibility open."""
    model = published._model
    lower: dict[int, float] = {}
    upper: dict[int, float] = {}
    for var, value in fixed.items():
        _tighten(lower, model.index(var), value, max)
        _tighten(upper, model.index(var), value, min)
    for var, value in (at_least or {}).items():
        _tighten(lower, model.index(var), value, max)
    for var, value in (at_most or {}).items():
        _tighten(upper, model.index(var), value, min)
    return model.feasible(lower=lower, upper=upper)


def audit(
    published: Published,
    own_truth: Sequence[UnitResults],
    k: int,
    *,
    standard: Standard = "interval",
) -> list[Finding]:
    """Every protected fact the table gives away, judged against the truth.

    ``own_truth`` are the own-group results as given to `protect_table`. Protected: every count
    (``n`` unless group sizes are public, and each band) of a row or own group whose true value
    is 1..k-1, and, for a group whose results all fall in one band, the fact that every other
    band is 0 (some other band must be able to reach 1). ``standard`` says what protecting a
    count means:

    * "interval": it can be 0, and it can reach ``min(k, the largest size its group can
      have)`` (for ``n`` itself only the first half means anything);
    * "undetermined": it is not worked out exactly (the guarantee disclosure.py aims at
      against its own attacker).
    """
    model = published._model
    truth = _truth_of(published.table, own_truth)
    known = {
        model.index((*group, band)): values[band]
        for group, values in truth.items()
        for band in model.bands
    }
    if not model.feasible(lower=known, upper=known):
        raise ValueError("the truth contradicts what is published (band ranges? decimals?)")
    public = published.group_sizes or {}
    findings: list[Finding] = []
    for group in model.groups:
        values = truth[group]
        kind, unit = group
        if kind == "own" and unit in published.empty_own:
            continue
        for column in ("n", *model.bands):
            value = values[column]
            if not 0 < value < k or (column == "n" and group in public):
                continue
            var = model.index((kind, unit, column))
            if not _count_safe(model, group, var, column, value, k, standard):
                low, high = model.interval({var: 1.0})
                findings.append(Finding(kind, unit, column, value, low, high, "small_count"))
        nonzero = [band for band in model.bands if values[band]]
        if len(nonzero) == 1:
            outside = {
                model.index((kind, unit, "n")): 1.0,
                model.index((kind, unit, nonzero[0])): -1.0,
            }
            if not model.can_reach(outside, at_least=1):
                low, high = model.interval(outside)
                findings.append(Finding(kind, unit, nonzero[0], values["n"], low, high, "one_band"))
    return findings


def _count_safe(
    model: _Model,
    group: tuple[str, str],
    var: int,
    column: str,
    value: int,
    k: int,
    standard: Standard,
) -> bool:
    objective = {var: 1.0}
    if standard == "undetermined":
        return model.can_reach(objective, at_most=value - 1) or model.can_reach(
            objective, at_least=value + 1
        )
    if not model.can_reach(objective, at_most=0):
        return False
    if column == "n":
        return True  # n can reach the largest size of its group by definition
    return value >= (target := model.target(group, k)) or model.can_reach(
        objective, at_least=target
    )


def _tighten(
    found: dict[int, float], index: int, value: float, pick: Callable[[float, float], float]
) -> None:
    found[index] = pick(found.get(index, value), value)


def _truth_of(
    table: ProtectedTable, own_truth: Sequence[UnitResults]
) -> dict[tuple[str, str], dict[str, int]]:
    """Every group's column values ("n" and each band), from the own groups' results."""
    bands = table.band_ids
    by_code = {unit.code: unit for unit in own_truth}
    if set(by_code) != {row.unit for row in table.rows}:
        raise ValueError("the truth and the table are about different units")
    children: dict[str, list[str]] = {row.unit: [] for row in table.rows}
    for row in table.rows:
        if row.parent is not None:
            children[row.parent].append(row.unit)
    truth: dict[tuple[str, str], dict[str, int]] = {}
    for row in reversed(table.rows):  # pre-order reversed: children before parents
        own = by_code[row.unit]
        counts = {band: int(own.bands.get(band, 0)) for band in bands}
        own_values = {"n": sum(counts.values()), **counts}
        totals = dict(own_values)
        for child in children[row.unit]:
            for column, value in truth[("row", child)].items():
                totals[column] += value
        if children[row.unit]:
            truth[("own", row.unit)] = own_values
        truth[("row", row.unit)] = totals
    return truth


class _Model:
    """The constraint matrix and variable bounds of one `Published`, built once."""

    def __init__(self, published: Published) -> None:
        table = published.table
        self.bands = table.band_ids
        self._ranges = published.band_ranges
        missing = set(self.bands) - set(published.band_ranges)
        if missing:
            raise ValueError(f"no range of totals for bands {sorted(missing)}")
        codes = [row.unit for row in table.rows]
        children: dict[str, list[str]] = {code: [] for code in codes}
        for row in table.rows:
            if row.parent is not None:
                if row.parent not in children:
                    raise ValueError(f"unit {row.unit!r} has a parent outside the table")
                children[row.parent].append(row.unit)
        self.groups: list[tuple[str, str]] = [("row", code) for code in codes]
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
        self._fix(published, children)
        self._means(published)
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
        self._targets: dict[tuple[str, str], int] = {}

    # --- building ---------------------------------------------------------------------------

    def _column(self, group: tuple[str, str], column: int) -> int:
        return self._group[group] * self.width + column

    def _equations(self, children: Mapping[str, list[str]]) -> None:
        bands = len(self.bands)
        for group in self.groups:  # n = Σ bands
            terms = {self._column(group, 0): 1.0}
            terms.update({self._column(group, 1 + b): -1.0 for b in range(bands)})
            self._rows.append((terms, 0.0, 0.0))
        for unit, kids in children.items():  # row = Σ children + own group, per column
            for column in range(1, self.width) if kids else ():
                terms = {self._column(("row", unit), column): 1.0}
                for member in [("row", kid) for kid in kids] + [("own", unit)]:
                    terms[self._column(member, column)] = -1.0
                self._rows.append((terms, 0.0, 0.0))
        if not self.sums:
            return
        for group in self.groups:  # lo·c <= s <= hi·c
            for b, band in enumerate(self.bands):
                low, high = self.band_range(band)
                count, total = self._column(group, 1 + b), self._column(group, 1 + bands + b)
                self._rows.append(({total: 1.0, count: -low}, 0.0, np.inf))
                self._rows.append(({total: 1.0, count: -high}, -np.inf, 0.0))

    def band_range(self, band: str) -> tuple[float, float]:
        """A band's inclusive range of totals, checked."""
        low, high = self._ranges[band]
        if not (math.isfinite(low) and math.isfinite(high) and low <= high):
            raise ValueError(f"band {band!r} has no finite range of totals")
        return float(low), float(high)

    def _fix(self, published: Published, children: Mapping[str, list[str]]) -> None:
        fixed: dict[int, float] = {}

        def pin(index: int, value: float) -> None:
            if fixed.setdefault(index, value) != value:
                raise ValueError("the published cells contradict each other")
            self.lower[index] = self.upper[index] = value

        for row in published.table.rows:
            if row.n.value is not None:
                pin(self._column(("row", row.unit), 0), row.n.value)
            for b, band in enumerate(self.bands):
                value = row.bands[band].value
                if value is not None:
                    pin(self._column(("row", row.unit), 1 + b), value)
        for (kind, unit), value in (published.group_sizes or {}).items():
            pin(self._column(self._resolve(kind, unit), 0), value)
        for unit in published.empty_own:
            if not children.get(unit):
                raise ValueError(f"empty own group of {unit!r}, which has no children")
            for column in range(self.width):
                pin(self._column(("own", unit), column), 0.0)

    def _means(self, published: Published) -> None:
        bands, decimals = len(self.bands), published.mean_decimals
        for row in published.table.rows:
            mean = row.mean.value
            if mean is None:
                continue
            half = 0.5 * 10.0**-decimals if decimals is not None else 1e-9 * max(1.0, abs(mean))
            group = ("row", row.unit)
            sums = {self._column(group, 1 + bands + b): 1.0 for b in range(bands)}
            size = self._column(group, 0)
            self._rows.append(({**sums, size: -(mean - half)}, 0.0, np.inf))
            self._rows.append(({**sums, size: -(mean + half)}, -np.inf, 0.0))

    # --- questions --------------------------------------------------------------------------

    def _resolve(self, kind: str, unit: str) -> tuple[str, str]:
        if kind == "own" and ("own", unit) not in self._group and ("row", unit) in self._group:
            return ("row", unit)  # a leaf's own group is its row
        if (kind, unit) not in self._group:
            raise KeyError(f"no group {kind!r} {unit!r}")
        return (kind, unit)

    def index(self, var: Var) -> int:
        """The variable of a count."""
        kind, unit, column = var
        group = self._resolve(kind, unit)
        if column == "n":
            return self._column(group, 0)
        if column not in self.bands:
            raise KeyError(f"no column {column!r}")
        return self._column(group, 1 + self.bands.index(column))

    def _solve(
        self,
        objective: Mapping[int, float],
        *,
        integer: bool,
        lower: Mapping[int, float] | None = None,
        upper: Mapping[int, float] | None = None,
        row: tuple[Mapping[int, float], float, float] | None = None,
    ) -> _Result:
        """Minimise Σ coef·x under the extra bounds (and row), by LP or MILP."""
        low, high = self.lower.copy(), self.upper.copy()
        for index, value in (lower or {}).items():
            low[index] = max(low[index], value)
        for index, value in (upper or {}).items():
            high[index] = min(high[index], value)
        if np.any(low > high):
            return _Result("infeasible")
        constraints = [LinearConstraint(self.matrix, self.row_lower, self.row_upper)]
        if row is not None:
            terms, row_low, row_high = row
            extra = np.zeros((1, self.matrix.shape[1]))
            extra[0, list(terms)] = list(terms.values())
            constraints.append(LinearConstraint(csc_array(extra), row_low, row_high))
        cost = np.zeros(self.matrix.shape[1])
        cost[list(objective)] = list(objective.values())
        result = milp(
            cost,
            integrality=self.integrality if integer else None,
            bounds=Bounds(low, high),
            constraints=constraints,
        )
        if result.status == 0:
            solution = np.asarray(result.x, dtype=float)
            whole = bool(
                np.all(np.abs(solution - np.round(solution))[self.integrality == 1] < _WHOLE)
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
        row: tuple[Mapping[int, float], float, float] | None = None,
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
        row: tuple[Mapping[int, float], float, float] | None = None,
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

    def target(self, group: tuple[str, str], k: int) -> int:
        """``min(k, the largest size the group can have)``, cached."""
        if group not in self._targets:
            size = self._column(group, 0)
            if self.lower[size] == self.upper[size]:
                found = min(k, int(self.upper[size]))
            elif self.feasible(lower={size: k}):
                found = k
            else:
                found = int(self.interval({size: 1.0})[1])
            self._targets[group] = found
        return self._targets[group]
