"""The differential-privacy mode: OpenDP discrete Laplace noise on every count, and the hidden
cells chosen from the noisy counts only (the pattern is post-processing, covered by epsilon)."""

from __future__ import annotations

import statistics

import opendp.prelude as dp
import pytest

from wellbeing.reports.disclosure import DisclosureError, UnitResults
from wellbeing.reports.dp import noisy_table, tree_sensitivity

UNITS = [
    UnitResults("BUR", None, {}),
    UnitResults("ST1", "BUR", {"a": 3}),
    UnitResults("T1", "ST1", {"a": 40, "b": 3, "c": 25}, 500),
    UnitResults("T2", "ST1", {"a": 30, "b": 20, "c": 11}, 600),
    UnitResults("ST2", "BUR", {"a": 60, "b": 45, "c": 0}, 900),
]
BANDS = ["a", "b", "c"]


def test_noise_keeps_the_shape_and_publishes_no_small_count() -> None:
    for _ in range(20):
        table = noisy_table(UNITS, BANDS, 10, 0.5).table
        assert [row.unit for row in table.rows] == ["BUR", "ST1", "T1", "T2", "ST2"]
        for row in table.rows:
            counts = [row.n, *row.bands.values()]
            shown = [cell.value for cell in counts if cell.value is not None]
            assert all(value == 0 or value >= 10 for value in shown)
            assert row.mean.hidden  # no means in this mode
            if row.n.hidden or row.n.value == 0:
                assert all(cell.hidden for cell in row.bands.values())
            nonzero = [cell for cell in row.bands.values() if cell.value]
            all_shown = not any(cell.hidden for cell in row.bands.values())
            assert not (all_shown and len(nonzero) == 1)  # never "everyone in one band"


def test_the_hidden_pattern_follows_the_noisy_counts_not_the_exact_ones() -> None:
    # exactly 9 people, k = 10: the exact pattern would always hide n; the noisy one does not,
    # so the mark itself says nothing that the noise does not cover
    unit = [UnitResults("T", None, {"a": 5, "b": 4})]
    hidden = [noisy_table(unit, ["a", "b"], 10, 1.0).table.rows[0].n.hidden for _ in range(200)]
    assert 0 < sum(hidden) < len(hidden)


def test_the_epsilon_spent_is_opendps_accounting() -> None:
    noisy = noisy_table(UNITS, BANDS, 10, 0.7)
    assert tree_sensitivity([None, 0, 1, 1, 0]) == noisy.sensitivity == 2 * 3  # BUR > ST1 > T1
    assert noisy.epsilon <= 0.7
    assert noisy.epsilon == pytest.approx(0.7, rel=1e-3)
    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    scale = noisy.sensitivity / noisy.epsilon
    assert dp.m.make_laplace(*space, scale=scale).map(noisy.sensitivity) == pytest.approx(
        noisy.epsilon, rel=1e-3
    )


def test_the_noise_is_integer_and_centred() -> None:
    unit = [UnitResults("T", None, {"a": 500, "b": 400})]
    draws = [noisy_table(unit, ["a", "b"], 10, 1.0).table.rows[0].bands["a"] for _ in range(300)]
    assert all(isinstance(cell.value, int) for cell in draws)
    values = [cell.value for cell in draws if cell.value is not None]
    assert len(set(values)) > 1  # there is noise
    assert abs(statistics.mean(values) - 500) < 1.5  # scale 2: the mean of 300 draws is close


@pytest.mark.parametrize("epsilon", [0.0, -1.0, float("inf"), float("nan")])
def test_a_bad_epsilon_is_refused(epsilon: float) -> None:
    with pytest.raises(ValueError, match="epsilon"):
        noisy_table(UNITS, BANDS, 10, epsilon)


def test_a_small_threshold_and_an_empty_tree_are_refused() -> None:
    with pytest.raises(DisclosureError, match="at least"):
        noisy_table(UNITS, BANDS, 2, 1.0)
    with pytest.raises(DisclosureError, match="no units"):
        noisy_table([], BANDS, 10, 1.0)
