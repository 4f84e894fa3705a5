"""An integer-programming attacker on published unit tables, written apart from the code it
attacks (it uses neither reports/audit.py nor reports/bounds.py).

It takes every table published for one wave and instrument (several releases, several scopes,
any of them partial) as one system: per group (a unit's row, or a unit's own group) and band an
integer count >= 0, ``n = Σ bands``, ``row = Σ children's rows + own group`` per band, every shown
count fixed; what the organisation chart tells (own groups with nobody attached are 0; with
``public_n`` every group's size); and, where ``ranges`` are given, each shown mean as the group's
sum of totals, tied to the counts by the bands' ranges of totals (per band and group, added up
the tree). Then, by ``scipy.optimize.milp`` (HiGHS), for every count of 1 to k-1: can it be 0,
and (a band) can it reach ``min(k, its group's size)``; for every group all in one band: can the
others reach 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from wellbeing.reports.disclosure import ProtectedTable, UnitResults


@dataclass(frozen=True)
class Exposure:
    group: str  # "row:U" or "own:U"
    column: str
    value: int
    problem: str  # "low", "high" or "one_band"


def expose(
    units: Sequence[UnitResults],
    tables: Sequence[ProtectedTable],
    k: int,
    *,
    public_n: bool = False,
    ranges: Mapping[str, tuple[float, float]] | None = None,
) -> list[Exposure]:
    """Every protected count (or one-band group) the published tables give away."""
    bands = list(tables[0].band_ids)
    children: dict[str, list[str]] = {u.code: [] for u in units}
    for u in units:
        if u.parent is not None:
            children[u.parent].append(u.code)
    own = {u.code: [u.bands.get(b, 0) for b in bands] for u in units}
    rows: dict[str, list[int]] = {}

    def subtree(code: str) -> list[int]:
        values = list(own[code])
        for child in children[code]:
            values = [a + b for a, b in zip(values, subtree(child), strict=True)]
        rows[code] = values
        return values

    for u in units:
        if u.parent is None:
            subtree(u.code)
    groups = [f"row:{c}" for c in children] + [f"own:{c}" for c, kids in children.items() if kids]
    truth = {g: rows[g[4:]] if g.startswith("row") else own[g[4:]] for g in groups}
    sums = ranges is not None
    width = len(bands) + (len(bands) if sums else 0)
    var = {g: i * width for i, g in enumerate(groups)}

    size = len(groups) * width
    equations: list[tuple[dict[int, float], float, float]] = []
    for code, kids in children.items():
        for column in range(width) if kids else []:
            terms = {var[f"row:{code}"] + column: 1.0, var[f"own:{code}"] + column: -1.0}
            terms.update({var[f"row:{kid}"] + column: -1.0 for kid in kids})
            equations.append((terms, 0.0, 0.0))
    if sums:
        for g in groups:
            for b, band in enumerate(bands):
                low, high = ranges[band]  # type: ignore[index]
                count, total = var[g] + b, var[g] + len(bands) + b
                equations.append(({total: 1.0, count: -low}, 0.0, np.inf))
                equations.append(({total: 1.0, count: -high}, -np.inf, 0.0))

    def n_terms(g: str) -> dict[int, float]:
        return {var[g] + b: 1.0 for b in range(len(bands))}

    for table in tables:
        for row in table.rows:
            g = f"row:{row.unit}"
            if row.n.value is not None:
                equations.append((n_terms(g), row.n.value, row.n.value))
            for b, band in enumerate(bands):
                value = row.bands[band].value
                if value is not None:
                    equations.append(({var[g] + b: 1.0}, value, value))
            if sums and row.mean.value is not None:
                n = sum(truth[g])  # the mean is shown only beside a shown n, or public sizes
                terms = {var[g] + len(bands) + b: 1.0 for b in range(len(bands))}
                target = row.mean.value * n
                equations.append(
                    (terms, target - 1e-6 * max(1.0, target), target + 1e-6 * max(1.0, target))
                )
    for code, kids in children.items():
        if kids and not any(own[code]):
            equations.append((n_terms(f"own:{code}"), 0.0, 0.0))
    if public_n:
        for g in groups:
            equations.append((n_terms(g), sum(truth[g]), sum(truth[g])))
    matrix = lil_array((len(equations), size))
    low = np.zeros(len(equations))
    high = np.zeros(len(equations))
    for i, (terms, lo, hi) in enumerate(equations):
        for j, coefficient in terms.items():
            matrix[i, j] = coefficient
        low[i], high[i] = lo, hi
    integrality = np.zeros(size)
    for g in groups:
        integrality[var[g] : var[g] + len(bands)] = 1
    constraint = LinearConstraint(matrix.tocsr(), low, high)
    ceiling = 10.0 * (sum(sum(v) for v in own.values()) + k) + 10.0
    upper = np.full(size, ceiling)
    for g in groups:  # sums of totals: bounded by their counts through the ranges
        upper[var[g] + len(bands) : var[g] + width] = np.inf

    def best(terms: dict[int, float], sign: float) -> float:
        cost = np.zeros(size)
        for j, coefficient in terms.items():
            cost[j] = sign * coefficient
        found = milp(
            cost, integrality=integrality, bounds=Bounds(0, upper), constraints=[constraint]
        )
        assert found.status == 0, found.message  # the truth is a solution
        return sign * float(found.fun)

    found: list[Exposure] = []
    for g in groups:
        if g.startswith("own") and not any(truth[g]):
            continue
        values = truth[g]
        n = sum(values)
        if 0 < n < k and not public_n and best(n_terms(g), 1.0) > 0.5:
            found.append(Exposure(g, "n", n, "low"))
        for b, band in enumerate(bands):
            if not 0 < values[b] < k:
                continue
            if best({var[g] + b: 1.0}, 1.0) > 0.5:
                found.append(Exposure(g, band, values[b], "low"))
            elif best({var[g] + b: 1.0}, -1.0) < min(k, best(n_terms(g), -1.0)) - 0.5:
                found.append(Exposure(g, band, values[b], "high"))
        nonzero = [b for b in range(len(bands)) if values[b]]
        if len(nonzero) == 1:
            others = {var[g] + b: 1.0 for b in range(len(bands)) if b != nonzero[0]}
            if best(others, -1.0) < 0.5:
                found.append(Exposure(g, bands[nonzero[0]], n, "one_band"))
    return found
