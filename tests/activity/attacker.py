"""An attacker on released activity tables, written apart from the code it attacks.

It knows what leaders are shown (every released period's shown cells), the unit tree, which
units' own groups had nobody do anything counted (the few people attached to a unit with
sub-units can be asked), and every equation a report implies: a unit is its children plus its
own group, a quarter is its months and a year its quarters (for counts that add up over time),
referrals opened = crisis + the others, referrals closed = Σ by outcome. It then asks, by
integer linear programming (scipy's HiGHS), what each protected count can be — a count of 1 to
k-1 people in any row, own group or unshown column — and whether a group whose referrals all
closed one way (or were all crises) can be shown to be so. This is stronger than the suppression's
own attacker: it combines any number of equations and uses non-negativity and integrality.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from wellbeing.activity.measures import COLUMNS, PARTITIONS

Shown = Mapping[str, Mapping[str, int | None]]  # unit -> column -> shown value (None: hidden)


@dataclass(frozen=True)
class Released:
    """One released period as the attacker sees it, with the truth to score the attack."""

    key: str
    parts: tuple[str, ...]  # the periods it adds up (additive columns)
    shown: Shown
    own: Mapping[str, Sequence[int]]  # the truth: each unit's own counts per column


@dataclass(frozen=True)
class Finding:
    """A protected count the attacker pins down, or a one-way group it exposes."""

    period: str
    group: str  # "row:UNIT" or "own:UNIT"
    column: str
    value: int


def attack(
    links: Sequence[tuple[str, str | None]],
    periods: Sequence[Released],
    k: int,
    *,
    exact: bool = True,
) -> list[Finding]:
    """Every protected fact the attacker can work out from the released periods: by integer
    programming (``exact``), or with the subtraction the suppression is built against (one
    equation with one unknown at a time, and "a known total equal to its known parts makes the
    other parts 0")."""
    children: dict[str, list[str]] = {code: [] for code, _ in links}
    for code, parent in links:
        if parent is not None:
            children[parent].append(code)
    variables: dict[tuple[str, str, str], int] = {}

    def var(period: str, group: str, column: str) -> int:
        return variables.setdefault((period, group, column), len(variables))

    names = [column.name for column in COLUMNS]
    truth: dict[int, int] = {}
    sums: list[tuple[int, list[int]]] = []  # total = Σ parts
    fixed: dict[int, float] = {}  # shown values, and own groups known to be empty
    for period in periods:
        rows = _subtree(links, children, period.own)
        for code in children:
            for i, name in enumerate(names):
                truth[var(period.key, f"row:{code}", name)] = rows[code][i]
                own_value = period.own.get(code, [0] * len(names))[i]
                group = f"own:{code}" if children[code] else f"row:{code}"
                truth[var(period.key, group, name)] = own_value
                if children[code]:  # unit = children + own group
                    parts = [var(period.key, f"row:{child}", name) for child in children[code]]
                    parts.append(var(period.key, f"own:{code}", name))
                    sums.append((var(period.key, f"row:{code}", name), parts))
                value = period.shown.get(code, {}).get(name)
                if value is not None:
                    fixed[var(period.key, f"row:{code}", name)] = float(value)
                if children[code] and not any(own_people(period.own.get(code))):
                    fixed[var(period.key, f"own:{code}", name)] = float(own_value)
        for group in _groups(children):
            for partition in PARTITIONS:
                parts = [var(period.key, group, part) for part in partition.parts]
                sums.append((var(period.key, group, partition.total), parts))
            for column in COLUMNS:
                if column.additive and period.parts:
                    parts = [var(part, group, column.name) for part in period.parts]
                    sums.append((var(period.key, group, column.name), parts))
    if exact:
        solver: _Solver | _Subtraction = _Solver(len(variables), sums, fixed)
    else:
        solver = _Subtraction(sums, fixed, truth)
    findings = []
    people = {column.name for column in COLUMNS if column.people}
    for (period_key, group, column), index in variables.items():
        value = truth[index]
        if column in people and 0 < value < k and solver.pinned(index):
            findings.append(Finding(period_key, group, column, value))
    for period in periods:
        for group in _groups(children):
            for partition in PARTITIONS:
                values = {part: truth[var(period.key, group, part)] for part in partition.parts}
                nonzero = [part for part, value in values.items() if value]
                if len(nonzero) == 1 and nonzero[0] in partition.sensitive:
                    others = [var(period.key, group, p) for p in partition.parts if p != nonzero[0]]
                    if solver.maximum(others) < 0.5:
                        findings.append(Finding(period.key, group, f"only {nonzero[0]}", 0))
    return findings


def own_people(values: Sequence[int] | None) -> list[int]:
    """An own group's counts of people (group sessions held are public)."""
    if values is None:
        return []
    return [value for value, column in zip(values, COLUMNS, strict=True) if column.people]


def _groups(children: Mapping[str, list[str]]) -> list[str]:
    rows = [f"row:{code}" for code in children]
    return rows + [f"own:{code}" for code, kids in children.items() if kids]


def _subtree(
    links: Sequence[tuple[str, str | None]],
    children: Mapping[str, list[str]],
    own: Mapping[str, Sequence[int]],
) -> dict[str, list[int]]:
    width = len(COLUMNS)

    def total(code: str) -> list[int]:
        values = list(own.get(code, [0] * width))
        for child in children[code]:
            values = [a + b for a, b in zip(values, total(child), strict=True)]
        return values

    return {code: total(code) for code, _ in links}


class _Solver:
    """Integer programs over the attacker's equations (every variable a whole number >= 0)."""

    def __init__(
        self, size: int, sums: list[tuple[int, list[int]]], fixed: Mapping[int, float]
    ) -> None:
        rows = len(sums) + len(fixed)
        matrix = lil_array((rows, size))
        values = np.zeros(rows)
        for row, (total, parts) in enumerate(sums):
            matrix[row, total] = 1.0
            for part in parts:
                matrix[row, part] = -1.0
        for row, (index, value) in enumerate(fixed.items(), start=len(sums)):
            matrix[row, index] = 1.0
            values[row] = value
        self.size = size
        self.constraint = LinearConstraint(matrix.tocsc(), values, values)

    def _extreme(self, objective: np.ndarray) -> float:
        found = milp(
            objective,
            constraints=[self.constraint],
            integrality=np.ones(self.size),
            bounds=Bounds(0, 10_000),
        )
        assert found.status == 0, found.message  # the truth is always a solution
        return float(found.fun)

    def pinned(self, index: int) -> bool:
        """Whether the variable has one possible value."""
        objective = np.zeros(self.size)
        objective[index] = 1.0
        low = self._extreme(objective)
        high = -self._extreme(-objective)
        return abs(high - low) < 0.5

    def maximum(self, indexes: Sequence[int]) -> float:
        """The largest possible sum of the variables."""
        objective = np.zeros(self.size)
        objective[list(indexes)] = -1.0
        return -self._extreme(objective)


class _Subtraction:
    """The subtraction attacker: solve equations with one unknown, and zero the unknown parts of
    a known total equal to its known parts, until nothing changes (on the true values)."""

    def __init__(
        self,
        sums: list[tuple[int, list[int]]],
        fixed: Mapping[int, float],
        truth: Mapping[int, int],
    ) -> None:
        known = set(fixed)
        changed = True
        while changed:
            changed = False
            for total, parts in sums:
                unknown = [cell for cell in (total, *parts) if cell not in known]
                if not unknown:
                    continue
                rest_zero = total in known and not any(truth[cell] for cell in unknown)
                if len(unknown) == 1 or rest_zero:
                    known.update(unknown)
                    changed = True
        self.known = known

    def pinned(self, index: int) -> bool:
        """Whether the attacker works the cell out."""
        return index in self.known

    def maximum(self, indexes: Sequence[int]) -> float:
        """0 when the attacker works out every one of them (they are then all 0), else 1."""
        return 0.0 if all(index in self.known for index in indexes) else 1.0
