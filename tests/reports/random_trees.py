"""Random unit trees with small counts, for the exact audit's property test and the benchmark's
1,000-tree run (one generator, so the figures and the tests are about the same trees)."""

from __future__ import annotations

import random

from wellbeing.reports.disclosure import UnitResults

BANDS = ["none", "mild", "moderate", "severe", "extreme"]
RANGES = {"none": (0, 4), "mild": (5, 9), "moderate": (10, 14), "severe": (15, 19)}
RANGES["extreme"] = (20, 27)


def random_tree(
    rng: random.Random, *, max_units: int = 40
) -> tuple[list[UnitResults], list[str], int]:
    """Up to ``max_units`` units (4 levels), 2 to 5 bands, k from 5 to 12, small counts; each
    unit's sum of totals drawn within its bands' ranges (as real results are)."""
    bands = BANDS[: rng.randint(2, 5)]
    k = rng.randint(5, 12)
    size = rng.randint(1, max_units)
    depth = {"U0": 0}
    links: list[tuple[str, str | None]] = [("U0", None)]
    for index in range(1, size):
        parent = rng.choice([code for code, level in depth.items() if level < 3])
        depth[f"U{index}"] = depth[parent] + 1
        links.append((f"U{index}", parent))
    parents = {parent for _, parent in links}
    units = []
    for code, parent in links:
        empty = code in parents and rng.random() < 0.6
        counts = {}
        for band in bands:
            roll = rng.random()
            counts[band] = (
                0
                if empty or roll < 0.4
                else rng.randint(1, 4)
                if roll < 0.8
                else rng.randint(1, 2 * k)
            )
        total = sum(rng.randint(*RANGES[band]) for band in bands for _ in range(counts[band]))
        units.append(UnitResults(code, parent, counts, float(total)))
    return units, bands, k
