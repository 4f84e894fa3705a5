"""Worked examples of each attack disclosure control must stop, and of its refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from wellbeing.reports.disclosure import (
    Cell,
    DisclosureError,
    ProtectedTable,
    Protection,
    Reason,
    ReportRow,
    UnitResults,
    explain_table,
    protect_report,
    protect_table,
)
from wellbeing.reports.reasons import REASON_TEXTS, reason_text

AB = ["a", "b"]


def shown(protection: Protection, unit: str) -> dict[str, int | Reason | None]:
    """A row as {column: value, or the reason it is hidden (the audit trail's, not leaders')}."""
    [row] = [row for row in protection.table.rows if row.unit == unit]
    cells = {"n": row.n, **row.bands}
    return {
        name: protection.reason_of(unit, name) if cell.hidden else cell.value
        for name, cell in cells.items()
    }


def by_unit(table: ProtectedTable) -> dict[str, ReportRow]:
    return {row.unit: row for row in table.rows}


def test_a_row_total_minus_its_visible_bands_is_stopped(attack: Callable[..., Any]) -> None:
    units = [UnitResults("U", None, {"a": 4, "b": 30, "c": 12}, 230)]
    protection = explain_table(units, ["a", "b", "c"], 10)
    table = protection.table
    row = table.rows[0]
    # 46 - 30 - 12 would give 4: the smallest other count is hidden as well
    assert shown(protection, "U") == {
        "n": 46,
        "a": Reason.TOO_FEW,
        "b": 30,
        "c": Reason.PROTECTS_OTHER,
    }
    assert row.mean.value == pytest.approx(5.0)
    assert attack(units, table).leaks(table.band_ids, 10) == []


def test_a_parent_minus_its_other_children_is_stopped(attack: Callable[..., Any]) -> None:
    units = [
        UnitResults("ST", None, {}),
        UnitResults("T1", "ST", {"a": 3, "b": 20}),
        UnitResults("T2", "ST", {"a": 15, "b": 20}),
    ]
    protection = explain_table(units, AB, 10)
    table = protection.table
    # ST.a - T2.a and T1.n - T1.b would both give T1.a = 3; the four inner cells hide together
    assert shown(protection, "ST") == {"n": 58, "a": 18, "b": 40}
    assert shown(protection, "T1") == {"n": 23, "a": Reason.TOO_FEW, "b": Reason.PROTECTS_OTHER}
    assert shown(protection, "T2") == {
        "n": 35,
        "a": Reason.PROTECTS_OTHER,
        "b": Reason.PROTECTS_OTHER,
    }
    assert attack(units, table).leaks(AB, 10) == []


def test_officers_attached_directly_to_a_parent_are_a_hidden_group(
    attack: Callable[..., Any],
) -> None:
    units = [
        UnitResults("ST", None, {"a": 3}, 36),  # three officers attached to the station itself
        UnitResults("T1", "ST", {"a": 10, "b": 10}, 200),
        UnitResults("T2", "ST", {"a": 10, "b": 12}, 230),
    ]
    protection = explain_table(units, AB, 10)
    table = protection.table
    rows = by_unit(table)
    # with every row in full, ST - T1 - T2 = (n 3, a 3, b 0, their totals): all hidden behind T1
    assert shown(protection, "ST") == {"n": 45, "a": 23, "b": 22}
    assert shown(protection, "T1") == dict.fromkeys(("n", "a", "b"), Reason.PROTECTS_OTHER)
    # ST.S - T2.S = T1.S + their totals
    assert protection.reason_of("T1", "mean") is Reason.PROTECTS_OTHER
    assert rows["ST"].mean.value == pytest.approx(466 / 45)
    result = attack(units, table)
    assert result.leaks(AB, 10) == []
    assert ("own", "ST", "a") not in result.recovered


def test_a_large_own_group_needs_no_protection() -> None:
    units = [
        UnitResults("ST", None, {"a": 10, "b": 10}),
        UnitResults("T1", "ST", {"a": 10, "b": 10}),
        UnitResults("T2", "ST", {"a": 10, "b": 12}),
    ]
    table = protect_table(units, AB, 10)
    assert all(cell.value is not None for row in table.rows for cell in row.bands.values())


def test_a_unit_in_one_band_shows_no_breakdown(attack: Callable[..., Any]) -> None:
    units = [
        UnitResults("ST", None, {}),
        UnitResults("T1", "ST", {"b": 25}, 400),
        UnitResults("T2", "ST", {"a": 12, "b": 13}, 300),
    ]
    protection = explain_table(units, AB, 10)
    table = protection.table
    rows = by_unit(table)
    assert shown(protection, "T1") == {"n": 25, "a": Reason.ONE_BAND, "b": Reason.ONE_BAND}
    assert protection.reason_of("T1", "mean") is Reason.ONE_BAND
    assert rows["T1"].bands["a"] == rows["T1"].bands["b"] == Cell(None)  # one neutral mark
    # ST.a - T2.a = 0 would tell that everyone in T1 is in band b
    visible_a = [rows[unit].bands["a"].value is not None for unit in ("ST", "T2")]
    assert not all(visible_a)
    assert attack(units, table).leaks(AB, 10) == []


def test_a_unit_below_k_shows_no_breakdown_and_no_count() -> None:
    units = [UnitResults("T", None, {"a": 4, "b": 3}, 50)]
    rows = protect_report(units, AB, 10, "T")
    assert [rows[0].n, *rows[0].bands.values()] == [Cell(None)] * 3
    assert rows[0].mean.hidden
    protection = explain_table(units, AB, 10)
    assert shown(protection, "T") == dict.fromkeys(("n", "a", "b"), Reason.TOO_FEW)
    assert protection.reason_of("T", "mean") is Reason.TOO_FEW


def test_a_unit_without_results_shows_zero() -> None:
    rows = protect_report([UnitResults("T", None, {})], AB, 5, "T")
    assert rows[0].n == Cell(0)
    assert rows[0].mean.hidden
    assert explain_table([UnitResults("T", None, {})], AB, 5).reason_of("T", "mean") is (
        Reason.TOO_FEW
    )


def test_a_chain_of_steps_is_stopped_where_one_step_protection_fails(
    attack: Callable[..., Any],
) -> None:
    units = [
        UnitResults("ST", None, {}),
        UnitResults("T1", "ST", {"a": 3, "b": 20}),
        UnitResults("T2", "ST", {"a": 15, "b": 20}),
    ]
    table = protect_table(units, AB, 10)
    # a naive table protects T1.a against its own row only (hides T1.b too) …
    naive = by_unit(table) | {
        "T2": replace(by_unit(table)["T2"], bands={"a": Cell(15), "b": Cell(20)}),
    }
    naive_table = replace(table, rows=tuple(naive[row.unit] for row in table.rows))
    # … and falls in two steps: T1.b = ST.b - T2.b = 20, then T1.a = T1.n - T1.b = 3
    leaks = attack(units, naive_table).leaks(AB, 10)
    assert "('row', 'T1', 'a') = 3" in leaks
    assert attack(units, table).leaks(AB, 10) == []


def test_deeper_chains_across_levels_are_stopped(attack: Callable[..., Any]) -> None:
    units = [
        UnitResults("BUR", None, {}),
        UnitResults("ST1", "BUR", {"a": 2}),
        UnitResults("ST2", "BUR", {"a": 30, "b": 30}),
        UnitResults("T1", "ST1", {"a": 12, "b": 0}),
        UnitResults("T2", "ST1", {"a": 11, "b": 4}),
        UnitResults("T3", "ST1", {"a": 20, "b": 20}),
    ]
    for public_n in (False, True):
        table = protect_table(units, AB, 10, public_n=public_n)
        assert attack(units, table, public_n=public_n).leaks(AB, 10) == []


def test_a_report_is_a_slice_of_the_whole_tree() -> None:
    units = [
        UnitResults("BUR", None, {}),
        UnitResults("ST1", "BUR", {"a": 3}),
        UnitResults("T1", "ST1", {"a": 12, "b": 9}),
        UnitResults("ST2", "BUR", {"a": 30, "b": 30}),
    ]
    table = protect_table(units, AB, 10)
    assert [row.unit for row in table.rows] == ["BUR", "ST1", "T1", "ST2"]
    assert protect_report(units, AB, 10, "ST1") == list(table.rows[1:3])
    assert [row.unit for row in table.rows_for("T1")] == ["T1"]
    with pytest.raises(DisclosureError):
        table.rows_for("NOPE")


@pytest.mark.parametrize("k", [-1, 0, 4])
def test_a_threshold_below_five_is_refused(k: int) -> None:
    with pytest.raises(DisclosureError, match="at least 5"):
        protect_table([UnitResults("T", None, {"a": 1})], AB, k)


@pytest.mark.parametrize(
    ("units", "bands", "message"),
    [
        ([UnitResults("T", None, {"a": 1})], ["a"], "two distinct"),
        ([UnitResults("T", None, {"a": 1})], ["a", "a"], "two distinct"),
        ([UnitResults("T", None, {"z": 1})], AB, "unknown bands"),
        ([UnitResults("T", None, {"a": -1})], AB, "negative"),
        ([UnitResults("T", "X", {})], AB, "unknown parent"),
        ([UnitResults("T", None, {}), UnitResults("T", None, {})], AB, "unique"),
        ([UnitResults("A", "B", {}), UnitResults("B", "A", {})], AB, "cycle"),
        ([], AB, "no units"),
    ],
)
def test_bad_input_is_refused(units: list[UnitResults], bands: list[str], message: str) -> None:
    with pytest.raises(DisclosureError, match=message):
        protect_table(units, bands, 5)


def test_every_reason_has_text_in_both_languages() -> None:
    for reason in Reason:
        assert set(REASON_TEXTS[reason]) == {"en", "zh_CN"}
    assert reason_text(Reason.TOO_FEW, "en").startswith("Hidden: too few")
    assert reason_text(Reason.TOO_FEW, "zh_CN").startswith("已隐藏")
    assert reason_text(Reason.PROTECTS_OTHER, "fr") == REASON_TEXTS[Reason.PROTECTS_OTHER]["zh_CN"]
