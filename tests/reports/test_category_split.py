"""A report split by staff category (民警 police, 辅警 auxiliary; issue 18 point 4) under the same
disclosure control: a unit × category cell below k is hidden with its complements, so that no
combination of what is shown — the unit's total, the other category, the parent's rows, the
siblings, an earlier release of the same wave — recovers it. Checked by an independent
integer-programming attacker over the finest cells (category_attacker.py)."""

from __future__ import annotations

import random
from collections.abc import Mapping

import pytest

from tests.reports.category_attacker import CATEGORIES, expose_split
from wellbeing.reports.disclosure import ExactAudit, Protection, UnitResults, explain_table
from wellbeing.reports.reasons import Reason

AB = ["a", "b"]
LINKS: list[tuple[str, str | None]] = [("BUR", None), ("ST1", "BUR"), ("ST2", "BUR")]
Own = dict[tuple[str, str], dict[str, int]]


def _protect(
    links: list[tuple[str, str | None]],
    own: Own,
    bands: list[str],
    k: int,
    *,
    earlier: tuple[object, ...] = (),
    split: bool = True,
) -> Protection:
    """Protect as a release does (sizes public, means shown), with the category split."""

    def results(categories: tuple[str, ...]) -> list[UnitResults]:
        found = []
        for code, parent in links:
            counts = {b: sum(own.get((code, c), {}).get(b, 0) for c in categories) for b in bands}
            total = sum(3.0 * bands.index(b) * n for b, n in counts.items())
            found.append(UnitResults(code, parent, counts, total))
        return found

    categories = {c: results((c,)) for c in ("police", "auxiliary")} if split else None
    return explain_table(
        results(CATEGORIES),
        bands,
        k,
        public_n=True,
        mean_decimals=1,
        exact=ExactAudit(earlier=earlier),  # type: ignore[arg-type]
        categories=categories,
    )


def _row(protection: Protection, unit: str, category: str | None = None) -> dict[str, object]:
    table = protection.table
    rows = table.rows if category is None else table.categories[category]
    [row] = [row for row in rows if row.unit == unit]
    return {"n": row.n.value, **{b: c.value for b, c in row.bands.items()}}


# ST1 has 3 auxiliaries (fewer than k = 5) beside 11 police officers; ST2 has 13 and 10.
SMALL: Own = {
    ("ST1", "police"): {"a": 6, "b": 5},
    ("ST1", "auxiliary"): {"a": 2, "b": 1},
    ("ST2", "police"): {"a": 7, "b": 6},
    ("ST2", "auxiliary"): {"a": 5, "b": 5},
}


def test_a_small_category_cell_is_hidden_with_its_complements() -> None:
    unsplit = _protect(LINKS, SMALL, AB, 5, split=False)
    assert _row(unsplit, "ST1") == {"n": 14, "a": 8, "b": 6}  # alone, ST1 would be shown
    protection = _protect(LINKS, SMALL, AB, 5)
    assert _row(protection, "ST1", "auxiliary") == {"n": None, "a": None, "b": None}
    assert protection.reason_of("ST1/auxiliary", "a") is Reason.TOO_FEW
    police, total = _row(protection, "ST1", "police"), _row(protection, "ST1")
    for band in AB:  # unit total − police = auxiliary: one of the two must be hidden too
        assert police[band] is None or total[band] is None
    for band in AB:  # nor through the parent: BUR − ST2 for each category
        assert (
            _row(protection, "BUR", "auxiliary")[band] is None
            or _row(protection, "ST2", "auxiliary")[band] is None
        )
    assert expose_split(LINKS, SMALL, [protection.table], AB, 5) == []
    assert _row(protection, "ST2", "police")["n"] == 13  # big cells stay shown
    assert protection.table.category_rows("ST2")["police"].n.value == 13


def test_the_unsplit_table_alone_would_give_the_small_cell_away() -> None:
    """The attacker has teeth: the unit rows shown without the split, next to a police split
    shown without suppression, pin ST1's auxiliaries."""
    unsplit = _protect(LINKS, SMALL, AB, 5, split=False)
    naive = _protect(
        LINKS, {key: value for key, value in SMALL.items() if key[1] == "police"}, AB, 5
    )
    police_only = type(unsplit.table)(
        k=5,
        band_ids=unsplit.table.band_ids,
        rows=(),
        rounds=0,
        categories={"police": naive.table.categories["police"]},
    )
    found = expose_split(LINKS, SMALL, [unsplit.table, police_only], AB, 5)
    assert any(exposure.group == "row:ST1/auxiliary" for exposure in found)


@pytest.mark.parametrize(("first_k", "second_k"), [(5, 6), (6, 5)])
def test_an_earlier_release_of_the_wave_opens_nothing_again(first_k: int, second_k: int) -> None:
    """Two thresholds of one wave, the second audited with the first: together they give
    nothing away that both protect (a count of 5 shown at k=5 cannot be hidden at k=6)."""
    first = _protect(LINKS, SMALL, AB, first_k)
    second = _protect(LINKS, SMALL, AB, second_k, earlier=(first.table,))
    for table in (first.table, second.table):
        assert table.categories["auxiliary"][1].bands["a"].value is None
    k = min(first_k, second_k)
    assert expose_split(LINKS, SMALL, [first.table, second.table], AB, k) == []


def test_officers_without_a_category_are_an_unpublished_rest() -> None:
    own: Own = {**SMALL, ("ST2", "none"): {"a": 2, "b": 0}}
    protection = _protect(LINKS, own, AB, 5)
    assert _row(protection, "ST2")["n"] == 25  # 13 + 10 + 2
    assert expose_split(LINKS, own, [protection.table], AB, 5) == []


def _random_world(seed: int) -> tuple[list[tuple[str, str | None]], Own, list[str], int]:
    rng = random.Random(seed)
    bands = ["a", "b", "c"][: rng.randint(2, 3)]
    k = rng.randint(5, 8)
    links: list[tuple[str, str | None]] = [("U0", None)]
    for index in range(1, rng.randint(2, 7)):
        links.append((f"U{index}", rng.choice([code for code, _ in links])))
    own: Own = {}
    for code, _ in links:
        for category in CATEGORIES:
            if rng.random() < 0.3:
                continue
            own[(code, category)] = {b: rng.choice([0, 0, 1, 2, 3, k, k + 3]) for b in bands}
    return links, own, bands, k


@pytest.mark.parametrize("seed", range(16))
def test_random_split_trees_give_nothing_away(seed: int) -> None:
    links, own, bands, k = _random_world(seed)
    protection = _protect(links, own, bands, k)
    assert expose_split(links, own, [protection.table], bands, k) == []
    _check_shown_values_are_true(protection, links, own, bands)


def _check_shown_values_are_true(
    protection: Protection,
    links: list[tuple[str, str | None]],
    own: Mapping[tuple[str, str], Mapping[str, int]],
    bands: list[str],
) -> None:
    below: dict[str, set[str]] = {code: {code} for code, _ in links}
    for code, parent in reversed(links):  # children come after their parents
        if parent is not None:
            below[parent] |= below[code]
    for category, rows in protection.table.categories.items():
        for row in rows:
            for band in bands:
                truth = sum(own.get((u, category), {}).get(band, 0) for u in below[row.unit])
                assert row.bands[band].value in (None, truth)
