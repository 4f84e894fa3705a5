"""The exact (MILP) audit of published tables: what an attacker can infer from every cell shown."""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterator, Mapping, Sequence

import pytest

from wellbeing.reports.bounds import Published, Var, audit, bounds, feasible, published_for
from wellbeing.reports.disclosure import (
    Cell,
    ExactAudit,
    Mean,
    ProtectedTable,
    ReportRow,
    UnitResults,
    protect_table,
)

LOW_MID_HIGH = {"low": (0.0, 4.0), "mid": (5.0, 9.0), "high": (10.0, 14.0)}


def row(
    unit: str,
    parent: str | None,
    n: int | None,
    bands: Mapping[str, int | None],
    mean: float | None = None,
) -> ReportRow:
    """A published row, written out by hand (None: hidden)."""
    cells = {band: Cell(value) for band, value in bands.items()}
    return ReportRow(unit, parent, Cell(n), cells, Mean(mean))


def table(rows: Sequence[ReportRow], bands: Sequence[str], k: int = 5) -> ProtectedTable:
    """A hand-made table of rows in pre-order."""
    return ProtectedTable(k=k, band_ids=tuple(bands), rows=tuple(rows), rounds=0)


# --- 1. a shown parent and its shown children pin the one hidden child ---------------------


def test_hidden_child_of_a_shown_parent_is_pinned() -> None:
    rows = [
        row("P", None, 30, {"a": 10, "b": 20}),
        row("A", "P", 10, {"a": 4, "b": 6}),
        row("B", "P", 12, {"a": 3, "b": 9}),
        row("C", "P", None, {"a": None, "b": None}),
    ]
    ranges = {"a": (0.0, 9.0), "b": (10.0, 19.0)}
    published = Published(table(rows, ["a", "b"]), ranges, empty_own=frozenset({"P"}))
    assert bounds(published, ("row", "C", "a")) == (3, 3)
    assert bounds(published, ("row", "C", "b")) == (5, 5)
    assert bounds(published, ("row", "C", "n")) == (8, 8)
    # without the org chart saying nobody is attached to P, P's own group can absorb them
    unknown_own = Published(table(rows, ["a", "b"]), ranges)
    assert bounds(unknown_own, ("row", "C", "a")) == (0, 3)
    assert bounds(unknown_own, ("own", "P", "b")) == (0, 5)


def test_nothing_bounds_a_hidden_root() -> None:
    rows = [row("R", None, None, {"a": None, "b": 0}), row("L", "R", 7, {"a": 7, "b": 0})]
    published = Published(table(rows, ["a", "b"]), {"a": (0.0, 9.0), "b": (10.0, 19.0)})
    assert bounds(published, ("row", "R", "a")) == (7, math.inf)
    assert bounds(published, ("own", "L", "a")) == (7, 7)  # a leaf's own group is its row


# --- 2. rounded means -----------------------------------------------------------------------


def test_a_rounded_mean_of_two_pins_their_bands() -> None:
    # n = 2 and mean 9.5 (one decimal): the sum of totals is in [18.9, 19.1]. Two people in
    # (low, mid, high) = 0-4, 5-9, 10-14 reach it only as mid + high (15..23); mid + mid and
    # low + high stop at 18, high + high starts at 20.
    shown = table([row("G", None, 2, dict.fromkeys(LOW_MID_HIGH), mean=9.5)], LOW_MID_HIGH)
    published = Published(shown, LOW_MID_HIGH, mean_decimals=1)
    assert bounds(published, ("row", "G", "low")) == (0, 0)
    assert bounds(published, ("row", "G", "mid")) == (1, 1)
    assert bounds(published, ("row", "G", "high")) == (1, 1)
    # a coarser rounding leaves more open: mean 10 (no decimals) is a sum in [19, 21], which
    # mid + high and high + high both reach
    coarse = table([row("G", None, 2, dict.fromkeys(LOW_MID_HIGH), mean=10.0)], LOW_MID_HIGH)
    published = Published(coarse, LOW_MID_HIGH, mean_decimals=0)
    assert bounds(published, ("row", "G", "high")) == (1, 2)
    assert bounds(published, ("row", "G", "low")) == (0, 0)
    # and hiding the mean leaves the mix open
    hidden = table([row("G", None, 2, dict.fromkeys(LOW_MID_HIGH))], LOW_MID_HIGH)
    assert bounds(Published(hidden, LOW_MID_HIGH), ("row", "G", "mid")) == (0, 2)


def test_the_integer_check_catches_what_the_lp_relaxation_misses() -> None:
    # one person, mean 7 (no decimals): total in [6.5, 7.5], so the person is "mid". The LP
    # relaxation splits them: ¾ "high" and ¼ "low" average into the interval.
    shown = table([row("G", None, 1, dict.fromkeys(LOW_MID_HIGH), mean=7.0)], LOW_MID_HIGH)
    published = Published(shown, LOW_MID_HIGH, mean_decimals=0, group_sizes={("row", "G"): 1})
    low, high = bounds(published, ("row", "G", "high"), integer=False)
    assert low == 0
    assert high == pytest.approx(0.75)
    assert bounds(published, ("row", "G", "high")) == (0, 0)
    assert not feasible(published, {("row", "G", "high"): 1})
    # the audit, LP first, must not stop at the LP's "someone could be outside mid"
    truth = [UnitResults("G", None, {"mid": 1}, 7.0)]
    found = {(f.column, f.problem, f.low, f.high) for f in audit(published, truth, 5)}
    assert found == {("mid", "small_count", 1, 1), ("mid", "one_band", 0, 0)}


# --- 3. against brute force -----------------------------------------------------------------


def _random_case(rng: random.Random) -> tuple[list[UnitResults], list[str]]:
    bands = ["b0", "b1", "b2"][: rng.randint(2, 3)]
    links = [("U0", None)] + [
        (f"U{i}", f"U{rng.randrange(i)}") for i in range(1, rng.randint(3, 5))
    ]
    parents = {parent for _, parent in links}
    units = []
    for code, parent in links:
        empty = code in parents and rng.random() < 0.4
        units.append(
            UnitResults(code, parent, {b: 0 if empty else rng.randint(0, 3) for b in bands})
        )
    return units, bands


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


Counts = tuple[int, ...]  # one group's band counts


def _sums(parts: Sequence[set[Counts]], width: int) -> set[Counts]:
    """Every sum of one vector from each part."""
    found: set[Counts] = {(0,) * width}
    for part in parts:
        found = {tuple(a + b for a, b in zip(x, y, strict=True)) for x in found for y in part}
    return found


def _brute_force(units: Sequence[UnitResults], shown: ProtectedTable) -> dict[Var, tuple[int, int]]:
    """Min and max of every band count over every assignment of own-group band counts that
    fits the shown cells, every group's size being public: exhaustive, organised by subtree
    (a row is its own group plus its children's rows, and sibling subtrees are independent)."""
    bands, width = shown.band_ids, len(shown.band_ids)
    children = {r.unit: [c.unit for c in shown.rows if c.parent == r.unit] for r in shown.rows}
    cells = {r.unit: [r.bands[band].value for band in bands] for r in shown.rows}
    own = {u.code: set(_compositions(sum(u.bands.values()), width)) for u in units}
    reach: dict[str, set[Counts]] = {}  # the row vectors a subtree can produce by itself
    for r in reversed(shown.rows):  # children before parents
        parts = [own[r.unit], *(reach[kid] for kid in children[r.unit])]
        reach[r.unit] = {
            total
            for total in _sums(parts, width)
            if all(cell in (None, v) for cell, v in zip(cells[r.unit], total, strict=True))
        }
    rows = {shown.rows[0].unit: reach[shown.rows[0].unit]}  # the row vectors of solutions
    owns: dict[str, set[Counts]] = {}
    for r in shown.rows:  # parents before children: keep the parts some solution uses
        parts = [own[r.unit], *(reach[kid] for kid in children[r.unit])]
        for index, part in enumerate(parts):
            rest = _sums(parts[:index] + parts[index + 1 :], width)
            used = {
                p
                for p in part
                if any(
                    tuple(a - b for a, b in zip(g, p, strict=True)) in rest for g in rows[r.unit]
                )
            }
            if index == 0:
                owns[r.unit] = used
            else:
                rows[children[r.unit][index - 1]] = used
    found: dict[Var, tuple[int, int]] = {}
    groups = [("row", u, vectors) for u, vectors in rows.items()]
    groups += [("own", u, vectors) for u, vectors in owns.items() if children[u]]
    for kind, unit, vectors in groups:
        for position, band in enumerate(bands):
            values = [vector[position] for vector in vectors]
            found[(kind, unit, band)] = (min(values), max(values))
    return found


@pytest.mark.parametrize("seed", range(4))  # 4 × 50 trees, in parallel under xdist
def test_bounds_match_brute_force_on_small_trees(seed: int) -> None:
    rng = random.Random(20240611 + seed)
    compared = pinned = undetermined = 0
    for _ in range(50):
        units, bands = _random_case(rng)
        protected = protect_table(units, bands, 5, public_n=True)
        shown = dataclasses.replace(
            protected, rows=tuple(dataclasses.replace(r, mean=Mean(None)) for r in protected.rows)
        )  # no means: the brute force counts people, not totals
        ranges = {band: (10.0 * i, 10.0 * i + 9) for i, band in enumerate(bands)}
        published = published_for(shown, units, ranges, public_n=True)
        for var, expected in _brute_force(units, shown).items():
            assert bounds(published, var) == expected, (units, var)
            compared += 1
            pinned += expected[0] == expected[1]
            undetermined += expected[0] != expected[1]
    assert compared > 500
    assert undetermined > 50  # enough hidden, open counts for the comparison to mean much
    assert pinned > 50


# --- 4. the unit of one ---------------------------------------------------------------------

BANDS = ["minimal", "mild", "moderate", "modsev", "severe"]
RANGES = {
    "minimal": (0.0, 4.0),
    "mild": (5.0, 9.0),
    "moderate": (10.0, 14.0),
    "modsev": (15.0, 19.0),
    "severe": (20.0, 27.0),
}
UNIT_OF_ONE = [
    UnitResults("BUR", None, {}),
    UnitResults("ST1", "BUR", {}),
    UnitResults("X", "ST1", {"mild": 1}, 7.0),
    UnitResults("Y", "ST1", {"minimal": 10, "moderate": 5}, 10 * 2 + 5 * 12.0),
    UnitResults("ST2", "BUR", {"minimal": 20, "mild": 6}, 20 * 2 + 6 * 7.0),
]


@pytest.fixture(scope="module")
def unit_of_one() -> Published:
    """The heuristic's table alone (exact=None), as published before the exact audit: what its
    hidden cells' reasons would have told is the point of these tests."""
    shown = protect_table(UNIT_OF_ONE, BANDS, 10, public_n=True, mean_decimals=1, exact=None)
    return published_for(shown, UNIT_OF_ONE, RANGES, mean_decimals=1, public_n=True)


def test_the_exact_audit_leaves_nothing_under_the_interval_standard() -> None:
    # the audit-driven suppression, judged by this module's own model (rounded means, per-band
    # sums): no count of 1..9 is worked out or capped below 10, no one-band group exposed
    shown = protect_table(
        UNIT_OF_ONE, BANDS, 10, public_n=True, mean_decimals=1, exact=ExactAudit(RANGES)
    )
    published = published_for(shown, UNIT_OF_ONE, RANGES, mean_decimals=1, public_n=True)
    assert audit(published, UNIT_OF_ONE, 10) == []
    heuristic = protect_table(UNIT_OF_ONE, BANDS, 10, public_n=True, mean_decimals=1, exact=None)
    before = published_for(heuristic, UNIT_OF_ONE, RANGES, mean_decimals=1, public_n=True)
    assert audit(before, UNIT_OF_ONE, 10) != []  # the heuristic alone left some


def test_the_unit_of_ones_band_is_undecidable(unit_of_one: Published) -> None:
    assert unit_of_one.table.rows[2].unit == "X"
    assert unit_of_one.table.rows[2].n.value is None  # X's whole row is hidden …
    assert feasible(unit_of_one, {("row", "X", "mild"): 1})  # … and its band stays open
    others = [band for band in BANDS if band != "mild"]
    assert any(feasible(unit_of_one, {("row", "X", band): 1}) for band in others)
    assert audit(unit_of_one, UNIT_OF_ONE, 10, standard="undetermined") == []
    # the stricter "interval" standard flags other cells (e.g. ST2 shows n = 26, minimal = 20
    # and zeros, so its mild count, 6, can be 0..6 but never 10), none of them X's
    assert [f for f in audit(unit_of_one, UNIT_OF_ONE, 10) if f.unit == "X"] == []


def test_a_hidden_cells_reason_would_give_the_unit_of_one_away(unit_of_one: Published) -> None:
    # ST1's mild count is hidden. Were its reason shown, "too_few" would say 1 <= mild <= 9;
    # ST1's mild people can only be X (Y's mild is a shown 0), so X's band would follow.
    assert unit_of_one.table.rows[1].bands["mild"].value is None
    told = {("row", "ST1", "mild"): 1}
    possible = [
        band for band in BANDS if feasible(unit_of_one, {("row", "X", band): 1}, at_least=told)
    ]
    assert possible == ["mild"]
    assert not feasible(unit_of_one, {("row", "X", "minimal"): 1}, at_least=told)


# --- the two standards of protection --------------------------------------------------------


def test_the_interval_standard_wants_more_than_undetermined() -> None:
    # n, "minimal" and the empty bands shown: mild + moderate = 6 is published, so mild (6) is
    # not worked out (0..6) but cannot reach k = 10 either
    bands = {"minimal": 20, "mild": None, "moderate": None, "modsev": 0, "severe": 0}
    shown = table([row("S", None, 26, bands)], BANDS, k=10)
    published = Published(shown, RANGES)
    truth = [UnitResults("S", None, {"minimal": 20, "mild": 6})]
    assert audit(published, truth, 10, standard="undetermined") == []
    [finding] = audit(published, truth, 10)
    assert (finding.unit, finding.column, finding.value) == ("S", "mild", 6)
    assert (finding.low, finding.high, finding.problem) == (0, 6, "small_count")
    # with "moderate" shown (0) as well, mild is worked out: both standards flag it
    pinned = Published(table([row("S", None, 26, {**bands, "moderate": 0})], BANDS, k=10), RANGES)
    strict = audit(pinned, truth, 10)
    loose = audit(pinned, truth, 10, standard="undetermined")
    assert strict == loose
    assert [(f.column, f.low, f.high) for f in loose] == [("mild", 6, 6)]


def test_audit_rejects_a_truth_the_table_cannot_have() -> None:
    shown = table([row("G", None, 2, dict.fromkeys(LOW_MID_HIGH), mean=9.5)], LOW_MID_HIGH)
    published = Published(shown, LOW_MID_HIGH, mean_decimals=1)
    with pytest.raises(ValueError, match="truth"):
        audit(published, [UnitResults("G", None, {"low": 2})], 5)
