"""An integer-programming attacker on unit tables split by staff category, written apart from the
code it attacks (it uses neither reports/categories.py nor reports/audit.py).

Its unknowns are the finest cells there are: for every unit, staff category ("police",
"auxiliary" or "none": no category) and band, how many people attached directly to that unit
are in it (integers >= 0). Every published number is a sum of those: a unit's row (its subtree,
all categories), a unit's category row (its subtree, one category). It fixes every number any
of the given tables shows (so several releases, earlier ones included, are attacked together),
and every group's size (the release assumes participation is public): each unit's row and own
group, in all and per category. Then, by ``scipy.optimize.milp`` (HiGHS), for every group's
band count of 1 to k-1: can it be 0, and can it reach ``min(k, the group's size)``; for every
group all in one band: can another band hold someone. Shown means are not used (a weaker
attacker there; the audit's own tests cover means).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_array

from wellbeing.reports.disclosure import ProtectedTable, ReportRow

CATEGORIES = ("police", "auxiliary", "none")
Own = Mapping[tuple[str, str], Mapping[str, int]]  # (unit, category) -> band -> count


@dataclass(frozen=True)
class Exposure:
    group: str  # "row:U", "row:U/police", "own:U/none", …
    band: str
    value: int
    problem: str  # "low", "high" or "one_band"


def expose_split(
    links: Sequence[tuple[str, str | None]],
    own: Own,
    tables: Sequence[ProtectedTable],
    bands: Sequence[str],
    k: int,
) -> list[Exposure]:
    """Every protected count (or one-band group) the tables give away, with group sizes known."""
    codes = [code for code, _ in links]
    children: dict[str, list[str]] = {code: [] for code in codes}
    for code, parent in links:
        if parent is not None:
            children[parent].append(code)

    def subtree(code: str) -> list[str]:
        found = [code]
        for child in children[code]:
            found += subtree(child)
        return found

    cells = [(u, c, b) for u in codes for c in CATEGORIES for b in bands]
    var = {cell: i for i, cell in enumerate(cells)}
    truth = np.array([own.get((u, c), {}).get(b, 0) for u, c, b in cells], dtype=float)
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in codes:
        groups[f"row:{code}"] = [(u, c) for u in subtree(code) for c in CATEGORIES]
        groups[f"own:{code}"] = [(code, c) for c in CATEGORIES]
        for c in CATEGORIES:
            groups[f"row:{code}/{c}"] = [(u, c) for u in subtree(code)]
            groups[f"own:{code}/{c}"] = [(code, c)]

    def terms(group: str, band: str | None) -> dict[int, float]:
        chosen = bands if band is None else [band]
        return {var[(u, c, b)]: 1.0 for u, c in groups[group] for b in chosen}

    def value(found: dict[int, float]) -> float:
        return float(sum(truth[j] for j in found))

    equations = [(terms(g, None), value(terms(g, None))) for g in groups]  # sizes are public
    for table in tables:
        published: list[tuple[str, ReportRow]] = [(f"row:{r.unit}", r) for r in table.rows]
        for category, rows in table.categories.items():
            published += [(f"row:{r.unit}/{category}", r) for r in rows]
        for group, row in published:
            if row.n.value is not None:
                equations.append((terms(group, None), float(row.n.value)))
            for band in bands:
                shown = row.bands[band].value
                if shown is not None:
                    equations.append((terms(group, band), float(shown)))
    matrix = lil_array((len(equations), len(cells)))
    targets = np.zeros(len(equations))
    for i, (found, target) in enumerate(equations):
        for j, coefficient in found.items():
            matrix[i, j] = coefficient
        targets[i] = target
    assert np.allclose(matrix.tocsr() @ truth, targets)  # the tables tell the truth
    constraint = LinearConstraint(matrix.tocsr(), targets, targets)
    upper = np.full(len(cells), float(truth.sum() + k))

    def best(found: dict[int, float], sign: float) -> float:
        cost = np.zeros(len(cells))
        for j, coefficient in found.items():
            cost[j] = sign * coefficient
        solved = milp(
            cost,
            integrality=np.ones(len(cells)),
            bounds=Bounds(0, upper),
            constraints=[constraint],
        )
        assert solved.status == 0, solved.message
        return sign * float(solved.fun)

    exposures = []
    for group in groups:
        counts = {band: int(value(terms(group, band))) for band in bands}
        size = sum(counts.values())
        for band, count in counts.items():
            if not 0 < count < k:
                continue
            if best(terms(group, band), 1.0) > 0.5:
                exposures.append(Exposure(group, band, count, "low"))
            elif best(terms(group, band), -1.0) < min(k, size) - 0.5:
                exposures.append(Exposure(group, band, count, "high"))
        nonzero = [band for band, count in counts.items() if count]
        if len(nonzero) == 1:
            others: dict[int, float] = {}
            for band in bands:
                if band != nonzero[0]:
                    others.update(terms(group, band))
            if best(others, -1.0) < 0.5:
                exposures.append(Exposure(group, nonzero[0], size, "one_band"))
    return exposures
