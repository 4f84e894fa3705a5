"""Differential-privacy mode: discrete Laplace noise on every count of a table, via OpenDP,
and the table's hidden cells chosen from the noisy counts only.

* Noise: OpenDP's ``make_laplace`` over a vector of integers, which samples the discrete
  Laplace (two-sided geometric) distribution exactly — no floating-point noise of our own. Every
  row's ``n`` and every band count is noised, shown or not, once per release.
* Sensitivity: one person's result adds 1 to ``n`` and 1 to one band of every row on the path
  from their unit up to the top of the table, so the L1 distance between neighbouring tables is at
  most ``2 × depth`` (depth = rows on the longest path). Changing a person's band moves the same
  amount. The scale is the smallest OpenDP certifies for ``epsilon`` at that distance, and the
  epsilon OpenDP reports for it is returned, for the caller to record against the wave's budget.
* Everything published is post-processing of the noisy vector — the shown values, the clamping
  at 0 and *which cells are hidden*: the small-count rules (``n`` and bands from 1 to k-1 hidden,
  no breakdown below k or when all in one band) are applied to the noisy counts. So the
  suppression pattern says nothing the epsilon does not cover (computing it from the exact
  counts, as this mode once did, published the exact pattern beside the noisy values).
  Complementary suppression is not needed: subtracting noisy figures gives noisy figures.
* Means are withheld in this mode: a noisy mean would need a bound on the totals and budget of
  its own. Noisy bands need not add up to the noisy ``n`` nor children to their parent; they are
  published as estimates.
* Composition: every call spends its epsilon again. Noise the whole table once per wave and
  instrument, keep that release, and slice it per leader; a person who answered several
  instruments in a wave spends the sum of their releases' epsilons.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wellbeing.reports.cells import subtree_values
from wellbeing.reports.disclosure import (
    HIDDEN_CELL,
    HIDDEN_MEAN,
    MIN_K,
    Cell,
    DisclosureError,
    ProtectedTable,
    ReportRow,
    UnitResults,
)
from wellbeing.reports.tree import build_tree


@dataclass(frozen=True)
class NoisyTable:
    """A table of noisy counts, hidden where the noisy counts are small, and its privacy loss."""

    table: ProtectedTable
    epsilon: float  # spent by this release, as OpenDP accounts it
    sensitivity: int  # L1 distance between neighbouring tables the noise is calibrated to


def tree_sensitivity(parents: Sequence[int | None]) -> int:
    """How much one person can move the table's counts in total (L1): 2 per row on their path."""
    depth: list[int] = []
    for parent in parents:  # pre-order: parents come first
        depth.append(1 if parent is None else depth[parent] + 1)
    return 2 * max(depth)


def noisy_table(
    units: Sequence[UnitResults], band_ids: Sequence[str], k: int, epsilon: float
) -> NoisyTable:
    """Noise every count of every unit's row, then hide by the noisy counts (module docstring)."""
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise ValueError("epsilon must be a positive number")
    if k < MIN_K:
        raise DisclosureError(f"the threshold k must be at least {MIN_K}")
    if not units:
        raise DisclosureError("no units given")
    bands = tuple(band_ids)
    tree = build_tree([(unit.code, unit.parent) for unit in units])
    by_code = {unit.code: unit for unit in units}
    own = []
    for code in tree.codes:
        counts = [by_code[code].bands.get(band, 0) for band in bands]
        own.append([sum(counts), *counts])
    exact = subtree_values(tree, own)
    sensitivity = tree_sensitivity(tree.parents)
    measurement = _laplace_measurement(sensitivity, epsilon)
    flat = [int(value) for row in exact for value in row]
    noisy = [max(0, int(value)) for value in measurement(flat)]
    width = len(bands) + 1
    parents = [None if parent is None else tree.codes[parent] for parent in tree.parents]
    rows = tuple(
        _published_row(code, parent, noisy[node * width : (node + 1) * width], bands, k)
        for node, (code, parent) in enumerate(zip(tree.codes, parents, strict=True))
    )
    return NoisyTable(
        table=ProtectedTable(k=k, band_ids=bands, rows=rows, rounds=0),
        epsilon=float(measurement.map(sensitivity)),
        sensitivity=sensitivity,
    )


def _published_row(
    unit: str, parent: str | None, values: Sequence[int], bands: tuple[str, ...], k: int
) -> ReportRow:
    n, counts = values[0], values[1:]
    breakdown = n >= k and sum(1 for value in counts if value) > 1
    return ReportRow(
        unit=unit,
        parent=parent,
        n=Cell(n) if n == 0 or n >= k else HIDDEN_CELL,
        bands={
            band: Cell(value) if breakdown and not 0 < value < k else HIDDEN_CELL
            for band, value in zip(bands, counts, strict=True)
        },
        mean=HIDDEN_MEAN,
    )


@functools.lru_cache(maxsize=64)  # the search takes ~0.1 s; a measurement can be reused
def _laplace_measurement(sensitivity: int, epsilon: float) -> Any:
    import opendp.prelude as dp  # imported here: only this mode needs the library

    dp.enable_features("contrib")  # OpenDP gates its non-vetted constructors behind this flag
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return dp.binary_search_chain(
        lambda scale: dp.m.make_laplace(*space, scale=scale), d_in=sensitivity, d_out=epsilon
    )
