"""The attacker the suppression is built against: additive equations solved to a fixpoint (pure).

Each equation reads ``total = part + part + …`` over non-negative cells. Given what it already
knows, the attacker

* works out the one unknown cell of an equation (a total from its parts, or a part from the
  total minus the other parts), and
* when the total is known and equals the known parts, concludes every unknown part is 0
  (counts and sums of totals are never negative),

substitutes what it learned into every other equation, and repeats until nothing changes.
The simulation runs on the true values, so it knows which derivations would succeed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import NamedTuple

from wellbeing.reports.cells import Equation


class Derivation(NamedTuple):
    """How the attacker learned a cell: from which equation, at which step."""

    equation: int
    step: int


def derive(
    equations: Sequence[Equation], values: Sequence[float], known: Sequence[bool]
) -> dict[int, Derivation]:
    """Every cell the attacker works out beyond ``known``, in the order it learns them."""
    learned = list(known)
    uses: list[list[int]] = [[] for _ in values]
    for index, (total, parts) in enumerate(equations):
        for cell in (total, *parts):
            uses[cell].append(index)
    derived: dict[int, Derivation] = {}
    queue = deque(range(len(equations)))
    queued = [True] * len(equations)
    while queue:
        index = queue.popleft()
        queued[index] = False
        solved = _solve(equations[index], values, learned)
        step = len(derived)  # cells solved together share a step
        for cell in solved:
            learned[cell] = True
            derived[cell] = Derivation(index, step)
        for cell in solved:
            for other in uses[cell]:
                if not queued[other]:
                    queued[other] = True
                    queue.append(other)
    return derived


def _solve(equation: Equation, values: Sequence[float], learned: Sequence[bool]) -> list[int]:
    total, parts = equation
    unknown = [cell for cell in (total, *parts) if not learned[cell]]
    if len(unknown) == 1:
        return unknown
    if len(unknown) > 1 and learned[total] and all(values[cell] == 0 for cell in unknown):
        return unknown  # known total = known parts: the rest are all 0
    return []
