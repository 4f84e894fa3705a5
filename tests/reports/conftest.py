"""An attacker written independently of the suppression code, run against what a report shows.

It sees only published values (plus what the organisation chart says: which units have nobody
attached directly, and — with ``public_n`` — every group's size), writes every additive equation
a report implies, and solves to a fixpoint any equation with one unknown, plus "known total
equals the known parts, so every unknown part is 0".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pytest

from wellbeing.reports.disclosure import ProtectedTable, UnitResults

Var = tuple[str, str, str]  # ("row" | "own", unit code, column: "n", a band id or "S")


@dataclass
class Attack:
    """What the attacker knew at the start, what it worked out, and the truth to judge it by."""

    truth: dict[Var, int]
    known_at_start: set[Var]
    recovered: dict[Var, int] = field(default_factory=dict)
    groups: list[tuple[str, str]] = field(default_factory=list)  # (kind, unit)
    equations: list[tuple[Var, list[Var]]] = field(default_factory=list)  # total = Σ parts

    def learned(self, var: Var) -> bool:
        return var in self.known_at_start or var in self.recovered

    def leaks(self, bands: Sequence[str], k: int) -> list[str]:
        """Every protected fact the attacker learned, described (empty when the report is safe)."""
        found = []
        for var, value in self.recovered.items():
            kind, unit, column = var
            size = self.truth[(kind, unit, "n")]
            if column != "S" and 0 < value < k:
                found.append(f"{var} = {value}")
            if column == "S" and 0 < size < k:
                found.append(f"{var} (sum of totals of {size} people)")
        for kind, unit in self.groups:
            nonzero = [band for band in bands if self.truth[(kind, unit, band)]]
            others = [band for band in bands if band not in nonzero]
            if len(nonzero) == 1 and all(self.learned((kind, unit, b)) for b in others):
                found.append(f"{kind} {unit}: everyone is in band {nonzero[0]}")
        return found


def run_attack(
    units: Sequence[UnitResults], table: ProtectedTable, *, public_n: bool = False
) -> Attack:
    """Attack a protected table with the truth in hand only to judge the result."""
    bands = list(table.band_ids)
    columns = ["n", *bands, "S"]
    children: dict[str, list[str]] = {unit.code: [] for unit in units}
    for unit in units:
        if unit.parent is not None:
            children[unit.parent].append(unit.code)
    attack = Attack(truth=_truth(units, children, bands), known_at_start=set())
    values: dict[Var, int] = {}
    for row in table.rows:
        if row.n.value is not None:
            values[("row", row.unit, "n")] = row.n.value
        for band, cell in row.bands.items():
            if cell.value is not None:
                values[("row", row.unit, band)] = cell.value
        if row.mean.value is not None and row.n.value is not None:
            values[("row", row.unit, "S")] = round(row.mean.value * row.n.value)
    attack.groups = [("row", unit.code) for unit in units]
    attack.groups += [("own", code) for code, kids in children.items() if kids]
    for kind, code in attack.groups:
        if kind == "own" and attack.truth[("own", code, "n")] == 0:
            values.update({("own", code, column): 0 for column in columns})
        if public_n:
            values[(kind, code, "n")] = attack.truth[(kind, code, "n")]
    attack.known_at_start = set(values)
    equations = [
        ((kind, code, "n"), [(kind, code, b) for b in bands]) for kind, code in attack.groups
    ]
    for code, kids in children.items():
        for column in columns if kids else []:
            parts = [("row", kid, column) for kid in kids] + [("own", code, column)]
            equations.append((("row", code, column), parts))
    attack.equations = equations
    _solve(equations, values)
    attack.recovered = {var: v for var, v in values.items() if var not in attack.known_at_start}
    return attack


def _solve(equations: list[tuple[Var, list[Var]]], values: dict[Var, int]) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            unknown = [var for var in (total, *parts) if var not in values]
            rest = sum(values[var] for var in parts if var in values)
            if len(unknown) == 1 and unknown[0] == total:
                values[total] = rest
            elif len(unknown) == 1:
                values[unknown[0]] = values[total] - rest
            elif unknown and total in values and values[total] == rest:
                values.update(dict.fromkeys(unknown, 0))
            else:
                continue
            changed = True


def _truth(
    units: Sequence[UnitResults], children: dict[str, list[str]], bands: list[str]
) -> dict[Var, int]:
    truth: dict[Var, int] = {}
    by_code = {unit.code: unit for unit in units}

    def own(code: str) -> dict[str, int]:
        unit = by_code[code]
        counts = {band: unit.bands.get(band, 0) for band in bands}
        return {"n": sum(counts.values()), **counts, "S": int(unit.total_sum)}

    def subtree(code: str) -> dict[str, int]:
        totals = own(code)
        for kid in children[code]:
            for column, value in subtree(kid).items():
                totals[column] += value
        truth.update({("row", code, column): value for column, value in totals.items()})
        if children[code]:
            truth.update({("own", code, column): v for column, v in own(code).items()})
        return totals

    for unit in units:
        if unit.parent is None:
            subtree(unit.code)
    return truth


@pytest.fixture(scope="session")
def attack() -> Callable[..., Attack]:
    """The independent attacker (see the module docstring)."""
    return run_attack
