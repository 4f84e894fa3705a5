"""Property tests: random unit trees, random results, random k — the attacker learns nothing."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wellbeing.reports.disclosure import (
    ProtectedTable,
    Reason,
    UnitResults,
    explain_table,
    protect_table,
)

BANDS = ["none", "mild", "moderate", "severe", "extreme"]


@st.composite
def reports(draw: st.DrawFn) -> tuple[list[UnitResults], list[str], int]:
    """A random forest of up to 4 levels, with own-group results here and there."""
    bands = BANDS[: draw(st.integers(2, 5))]
    k = draw(st.integers(5, 15))
    size = draw(st.integers(1, 24))
    depth = {"U0": 0}
    links: list[tuple[str, str | None]] = [("U0", None)]
    for index in range(1, size):
        choices = [code for code, level in depth.items() if level < 3]
        parent = draw(st.sampled_from([None, *choices])) if index % 7 == 0 else None
        parent = parent or draw(st.sampled_from(choices))
        code = f"U{index}"
        depth[code] = 0 if parent is None else depth[parent] + 1
        links.append((code, parent))
    parents = {parent for _, parent in links}
    count = st.one_of(st.just(0), st.integers(1, 4), st.integers(1, 2 * k))
    units = []
    for code, parent in links:
        empty = code in parents and draw(st.booleans())
        counts = {band: 0 if empty else draw(count) for band in bands}
        total = sum(counts.values())
        units.append(UnitResults(code, parent, counts, draw(st.integers(0, 27 * total))))
    return units, bands, k


def _check_published(table: ProtectedTable, units: list[UnitResults], k: int) -> None:
    """No shown count in 1..k-1; no breakdown below k or in one band; means only with one."""
    for row in table.rows:
        counts = [cell.value for cell in [row.n, *row.bands.values()] if cell.value is not None]
        assert all(value == 0 or value >= k for value in counts)
        breakdown = row.n.value is not None and row.n.value >= k
        if row.mean.value is not None:
            assert breakdown
            assert any(cell.value is not None for cell in row.bands.values())
            nonzero = [value for value in row.bands.values() if value.value]
            assert len(nonzero) != 1 or any(c.value is None for c in row.bands.values())
        for cell in [row.n, *row.bands.values()]:
            assert cell.hidden == (cell.value is None)
            assert vars(cell) == {"value": cell.value}  # one neutral mark: nothing says why


PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(report=reports(), public_n=st.booleans())
def test_the_attacker_learns_nothing_protected(
    report: tuple[list[UnitResults], list[str], int], public_n: bool, attack: Callable[..., Any]
) -> None:
    units, bands, k = report
    table = protect_table(units, bands, k, public_n=public_n)
    _check_published(table, units, k)
    result = attack(units, table, public_n=public_n)
    assert result.leaks(bands, k) == []
    for var, value in result.recovered.items():
        assert result.truth[var] == value


@PROPERTY
@given(reports())
def test_one_band_and_too_few_rows_show_no_breakdown(
    report: tuple[list[UnitResults], list[str], int],
) -> None:
    units, bands, k = report
    protection = explain_table(units, bands, k)
    table = protection.table
    for row in table.rows:
        why = {column: protection.reason_of(row.unit, column) for column in ("n", *bands)}
        n = _subtree_counts(units, row.unit, bands)
        total = sum(n.values())
        if total < k or sum(1 for value in n.values() if value) == 1:
            assert all(cell.value is None for cell in row.bands.values())
            assert row.mean.value is None
        if 0 < total < k:
            assert row.n.hidden
            assert why["n"] is Reason.TOO_FEW
        if total >= k and sum(1 for value in n.values() if value) == 1:
            assert {why[band] for band in bands} == {Reason.ONE_BAND}
        for value, column in zip([total, *n.values()], ["n", *bands], strict=True):
            if 0 < value < k:  # hidden by the rules themselves, never only as a partner
                assert why[column] in {Reason.TOO_FEW, Reason.ONE_BAND}
            if why[column] is Reason.PROTECTS_OTHER:
                assert value == 0 or value >= k


@settings(max_examples=100, deadline=None)
@given(reports(), st.randoms(use_true_random=False))
def test_suppression_is_deterministic(
    report: tuple[list[UnitResults], list[str], int], shuffle: random.Random
) -> None:
    units, bands, k = report
    shuffled = list(units)
    shuffle.shuffle(shuffled)
    assert protect_table(units, bands, k) == protect_table(shuffled, bands, k)


def _subtree_counts(units: list[UnitResults], code: str, bands: list[str]) -> dict[str, int]:
    parent = {unit.code: unit.parent for unit in units}
    counts = dict.fromkeys(bands, 0)
    for unit in units:
        ancestor: str | None = unit.code
        while ancestor is not None and ancestor != code:
            ancestor = parent[ancestor]
        if ancestor == code:
            for band in bands:
                counts[band] += unit.bands.get(band, 0)
    return counts
