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
The model (variables, constraint matrix, bounds) is built once per `Published`
(bounds_model.py) and its questions are answered by HiGHS through ``scipy.optimize.milp``
(bounds_solver.py): LP relaxation first, the MILP only where the LP leaves the answer open.

Protection (`audit`): a count of 1..k-1 is safe under the "interval" standard when it can be 0
and can reach ``min(k, its group's largest possible size)``; under "undetermined" when it is not
worked out exactly (what disclosure.py promises against its own attacker, and all it achieves:
a report publishing ``n``, a large band and the zeros publishes the sum of the small bands).
A group whose results all fall in one band is safe when some other band can reach 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from wellbeing.reports.bounds_model import Group, LinearModel, Var
from wellbeing.reports.bounds_solver import Solver
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

Standard = Literal["interval", "undetermined"]


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
    group_sizes: Mapping[Group, int] | None = None
    empty_own: frozenset[str] = frozenset()

    @cached_property
    def _solver(self) -> Solver:
        model = LinearModel(
            self.table,
            self.band_ranges,
            mean_decimals=self.mean_decimals,
            group_sizes=self.group_sizes,
            empty_own=self.empty_own,
        )
        return Solver(model)


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
    solver = published._solver
    return solver.interval({solver.model.index(var): 1.0}, integer=integer)


def feasible(
    published: Published,
    fixed: Mapping[Var, int],
    *,
    at_least: Mapping[Var, int] | None = None,
    at_most: Mapping[Var, int] | None = None,
) -> bool:
    """Whether some integer solution has the ``fixed`` counts (and the ``at_least`` /
    ``at_most`` bounds): whether the table leaves that possibility open."""
    solver = published._solver
    model = solver.model
    lower: dict[int, float] = {}
    upper: dict[int, float] = {}
    for var, value in fixed.items():
        _tighten(lower, model.index(var), value, max)
        _tighten(upper, model.index(var), value, min)
    for var, value in (at_least or {}).items():
        _tighten(lower, model.index(var), value, max)
    for var, value in (at_most or {}).items():
        _tighten(upper, model.index(var), value, min)
    return solver.feasible(lower=lower, upper=upper)


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
    solver = published._solver
    model = solver.model
    truth = _truth_of(published.table, own_truth)
    known = {
        model.index((*group, band)): values[band]
        for group, values in truth.items()
        for band in model.bands
    }
    if not solver.feasible(lower=known, upper=known):
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
            if not _count_safe(solver, group, var, column, value, k, standard):
                low, high = solver.interval({var: 1.0})
                findings.append(Finding(kind, unit, column, value, low, high, "small_count"))
        nonzero = [band for band in model.bands if values[band]]
        if len(nonzero) == 1:
            outside = {
                model.index((kind, unit, "n")): 1.0,
                model.index((kind, unit, nonzero[0])): -1.0,
            }
            if not solver.can_reach(outside, at_least=1):
                low, high = solver.interval(outside)
                findings.append(Finding(kind, unit, nonzero[0], values["n"], low, high, "one_band"))
    return findings


def _count_safe(
    solver: Solver,
    group: Group,
    var: int,
    column: str,
    value: int,
    k: int,
    standard: Standard,
) -> bool:
    objective = {var: 1.0}
    if standard == "undetermined":
        return solver.can_reach(objective, at_most=value - 1) or solver.can_reach(
            objective, at_least=value + 1
        )
    if not solver.can_reach(objective, at_most=0):
        return False
    if column == "n":
        return True  # n can reach the largest size of its group by definition
    return value >= (target := solver.target(group, k)) or solver.can_reach(
        objective, at_least=target
    )


def _tighten(
    found: dict[int, float], index: int, value: float, pick: Callable[[float, float], float]
) -> None:
    found[index] = pick(found.get(index, value), value)


def _truth_of(
    table: ProtectedTable, own_truth: Sequence[UnitResults]
) -> dict[Group, dict[str, int]]:
    """Every group's column values ("n" and each band), from the own groups' results."""
    bands = table.band_ids
    by_code = {unit.code: unit for unit in own_truth}
    if set(by_code) != {row.unit for row in table.rows}:
        raise ValueError("the truth and the table are about different units")
    children: dict[str, list[str]] = {row.unit: [] for row in table.rows}
    for row in table.rows:
        if row.parent is not None:
            children[row.parent].append(row.unit)
    truth: dict[Group, dict[str, int]] = {}
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
