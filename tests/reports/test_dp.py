"""The differential-privacy mode: OpenDP discrete Laplace noise on shown counts only."""

from __future__ import annotations

import statistics

import opendp.prelude as dp
import pytest

from wellbeing.reports.disclosure import Cell, Reason, UnitResults, protect_table
from wellbeing.reports.dp import add_noise, table_sensitivity

UNITS = [
    UnitResults("BUR", None, {}),
    UnitResults("ST1", "BUR", {"a": 3}),
    UnitResults("T1", "ST1", {"a": 40, "b": 3, "c": 25}, 500),
    UnitResults("T2", "ST1", {"a": 30, "b": 20, "c": 11}, 600),
    UnitResults("ST2", "BUR", {"a": 60, "b": 45, "c": 0}, 900),
]
BANDS = ["a", "b", "c"]


def test_noise_keeps_the_shape_and_never_goes_negative() -> None:
    table = protect_table(UNITS, BANDS, 10)
    for _ in range(20):
        noisy = add_noise(table, 0.5).table
        assert [row.unit for row in noisy.rows] == [row.unit for row in table.rows]
        for before, after in zip(table.rows, noisy.rows, strict=True):
            pairs = [(before.n, after.n)] + [(before.bands[b], after.bands[b]) for b in BANDS]
            for plain, noised in pairs:
                assert (plain.value is None) == (noised.value is None)
                assert plain.value is not None or noised == plain  # hidden stays hidden, reason too
                assert noised.value is None or noised.value >= 0
            assert after.mean.value is None
            assert after.mean.reason in {before.mean.reason, Reason.NOISE_MODE}


def test_the_epsilon_spent_is_opendps_accounting() -> None:
    table = protect_table(UNITS, BANDS, 10)
    noisy = add_noise(table, 0.7)
    assert table_sensitivity(table) == noisy.sensitivity == 2 * 3  # BUR > ST1 > T1
    assert noisy.epsilon <= 0.7
    assert noisy.epsilon == pytest.approx(0.7, rel=1e-3)
    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    scale = noisy.sensitivity / noisy.epsilon
    assert dp.m.make_laplace(*space, scale=scale).map(noisy.sensitivity) == pytest.approx(
        noisy.epsilon, rel=1e-3
    )


def test_the_noise_is_integer_and_centred() -> None:
    table = protect_table([UnitResults("T", None, {"a": 500, "b": 400})], ["a", "b"], 10)
    draws = [add_noise(table, 1.0).table.rows[0].bands["a"] for _ in range(300)]
    assert all(isinstance(cell.value, int) for cell in draws)
    values = [cell.value for cell in draws if cell.value is not None]
    assert len(set(values)) > 1  # there is noise
    assert abs(statistics.mean(values) - 500) < 1.5  # scale 2: the mean of 300 draws is close


@pytest.mark.parametrize("epsilon", [0.0, -1.0, float("inf"), float("nan")])
def test_a_bad_epsilon_is_refused(epsilon: float) -> None:
    table = protect_table(UNITS, BANDS, 10)
    with pytest.raises(ValueError, match="epsilon"):
        add_noise(table, epsilon)


def test_a_table_with_nothing_shown_stays_as_it_was() -> None:
    table = protect_table([UnitResults("T", None, {"a": 2, "b": 1})], ["a", "b"], 10)
    noisy = add_noise(table, 1.0)
    assert noisy.table == table
    assert noisy.table.rows[0].n == Cell(None, Reason.TOO_FEW)
