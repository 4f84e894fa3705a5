"""Differential-privacy mode: discrete Laplace noise on the counts a report shows, via OpenDP.

Applied after suppression (disclosure.py), to shown counts only; hidden cells stay hidden.

* Noise: OpenDP's ``make_laplace`` over a vector of integers, which samples the discrete
  Laplace (two-sided geometric) distribution exactly — no floating-point noise of our own.
* Sensitivity: one person's result adds 1 to ``n`` and 1 to one band of every row on the path
  from their unit up to the top of the table, so the L1 distance between neighbouring tables is at
  most ``2 × depth`` (depth = rows on the longest path). Changing a person's band moves the same
  amount. The scale is the smallest OpenDP certifies for ``epsilon`` at that distance, and the
  epsilon OpenDP reports for it is returned, for the caller to record against the wave's budget.
* Post-processing: noisy counts are clamped at 0. Each cell gets independent noise, so noisy
  bands need not add up to the noisy ``n`` nor noisy children to their parent; publish them as
  estimates. Means are withheld in this mode (``noise_mode``): a noisy mean would need a bound
  on the totals and budget of its own.
* Composition: every call spends its epsilon again. Noise the whole table once per wave and
  instrument, keep that release, and slice it per leader; a person who answered several
  instruments in a wave spends the sum of their releases' epsilons.
* Limits: which cells are suppressed depends on the data and is not itself noised; the epsilon
  covers the noisy values given the suppression pattern.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from wellbeing.reports.disclosure import Cell, Mean, ProtectedTable, ReportRow
from wellbeing.reports.reasons import Reason


@dataclass(frozen=True)
class NoisyTable:
    """A protected table with noise on its shown counts, and the privacy loss it cost."""

    table: ProtectedTable
    epsilon: float  # spent by this release, as OpenDP accounts it
    sensitivity: int  # L1 distance between neighbouring tables the noise is calibrated to


def table_sensitivity(table: ProtectedTable) -> int:
    """How much one person can move the table's counts in total (L1): 2 per row on their path."""
    depth: dict[str, int] = {}
    for row in table.rows:  # pre-order: parents come first
        depth[row.unit] = 1 if row.parent is None else depth[row.parent] + 1
    return 2 * max(depth.values())


def add_noise(table: ProtectedTable, epsilon: float) -> NoisyTable:
    """Add discrete Laplace noise to every shown count; withhold means (module docstring)."""
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise ValueError("epsilon must be a positive number")
    sensitivity = table_sensitivity(table)
    measurement = _laplace_measurement(sensitivity, epsilon)
    cells = [cell for row in table.rows for cell in (row.n, *row.bands.values())]
    shown = [cell.value for cell in cells if cell.value is not None]
    noisy = iter([max(0, int(value)) for value in measurement(shown)] if shown else [])
    rows = tuple(_noisy_row(row, noisy) for row in table.rows)
    return NoisyTable(
        table=replace(table, rows=rows),
        epsilon=float(measurement.map(sensitivity)),
        sensitivity=sensitivity,
    )


@functools.lru_cache(maxsize=64)  # the search takes ~0.1 s; a measurement can be reused
def _laplace_measurement(sensitivity: int, epsilon: float) -> Any:
    import opendp.prelude as dp  # imported here: only this mode needs the library

    dp.enable_features("contrib")  # OpenDP gates its non-vetted constructors behind this flag
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return dp.binary_search_chain(
        lambda scale: dp.m.make_laplace(*space, scale=scale), d_in=sensitivity, d_out=epsilon
    )


def _noisy_row(row: ReportRow, noisy: Iterator[int]) -> ReportRow:
    def next_cell(cell: Cell) -> Cell:
        return cell if cell.value is None else Cell(next(noisy))

    mean = row.mean if row.mean.value is None else Mean(None, Reason.NOISE_MODE)
    return replace(
        row,
        n=next_cell(row.n),
        bands={band: next_cell(cell) for band, cell in row.bands.items()},
        mean=mean,
    )
