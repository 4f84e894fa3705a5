"""The exact audit's bulk clearing (witness solutions, lifts, and solutions carried over from the
audit before more cells were hidden: audit.py, audit_push.py) decides exactly like the plain audit
that asks every question on its own."""

from __future__ import annotations

import contextlib
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reports.random_trees import RANGES, random_tree
from wellbeing.reports.audit import audit_system
from wellbeing.reports.audit_push import Witnesses
from wellbeing.reports.cells import build_system
from wellbeing.reports.reasons import Reason
from wellbeing.reports.suppression import SuppressionError, suppress_complementary
from wellbeing.reports.tree import build_tree


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1), public_n=st.booleans(), protection=st.sampled_from([None, 3])
)
def test_bulk_clearing_decides_like_the_plain_audit(
    seed: int, public_n: bool, protection: int | None
) -> None:
    units, bands, k = random_tree(random.Random(seed), max_units=30)
    tree = build_tree([(unit.code, unit.parent) for unit in units])
    by_code = {unit.code: unit for unit in units}
    own = []
    for code in tree.codes:
        counts = [by_code[code].bands.get(band, 0) for band in bands]
        own.append([sum(counts), *counts, by_code[code].total_sum])
    system = build_system(tree, own, k, public_n=public_n)
    with contextlib.suppress(SuppressionError):  # the heuristic alone: most to find
        suppress_complementary(system)
    ranges = [(float(RANGES[band][0]), float(RANGES[band][1])) for band in bands]

    witnesses: Witnesses = {}  # carried from round to round, as suppress_exactly does

    def decided(bulk: bool) -> set[tuple[int, str, float]]:
        found = audit_system(
            system,
            k,
            ranges=ranges,
            protection=protection,
            witnesses=witnesses if bulk else None,
            bulk=bulk,
        )
        return {(f.cell, f.problem, round(f.gap, 6)) for f in found}

    rng = random.Random(seed)
    for _ in range(3):  # then hide a few more shown cells, as later rounds do
        assert decided(bulk=True) == decided(bulk=False)
        shown = [c for c, s in enumerate(system.shown) if s and system.published[c]]
        for cell in rng.sample(shown, min(len(shown), rng.randint(1, 3))):
            system.hide(cell, Reason.PROTECTS_OTHER)
