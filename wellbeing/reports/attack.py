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
    equations: Sequence[Equation],
    values: Sequence[float],
    known: Sequence[bool],
    uses: Sequence[Sequence[int]],
) -> dict[int, Derivation]:
    """Every cell the attacker works out beyond ``known``, in the order it learns them.

    ``uses`` lists each cell's equation indexes (cells.equations_by_cell).
    """
    learned = list(known)
    derived: dict[int, Derivation] = {}
    queue = deque(range(len(equations)))
    queued = [True] * len(equations)
    while queue:
        index = queue.popleft()
        queued[index] = False
        total, parts = equations[index]
        unknown = [cell for cell in parts if not learned[cell]]
        if not learned[total]:
            unknown.insert(0, total)
        if not unknown:
            continue
        if len(unknown) > 1 and (not learned[total] or any(values[cell] for cell in unknown)):
            continue  # two or more unknowns, unless the known total leaves them all 0
        step = len(derived)  # cells solved together share a step
        for cell in unknown:
            learned[cell] = True
            derived[cell] = Derivation(index, step)
        for cell in unknown:
            for other in uses[cell]:
                if not queued[other]:
                    queued[other] = True
                    queue.append(other)
    return derived
