"""Complementary suppression: hide more cells until the attacker learns nothing it must not.

Each round runs the attacker (attack.py) against what is shown, collects the *leaks* — a
protected cell it works out, or a one-band group whose other bands it all knows — and, for each
leak, hides one shown cell that breaks the derivation. Rounds repeat until there is no leak.
"""

from __future__ import annotations

from wellbeing.reports.attack import Derivation, derive
from wellbeing.reports.cells import CellSystem, N, hide_bare_mean
from wellbeing.reports.reasons import Reason


class SuppressionError(RuntimeError):
    """No shown cell can break a derivation (cannot happen for tables built by cells.py)."""


def suppress_complementary(system: CellSystem) -> int:
    """Hide cells until no leak remains; returns the number of rounds (for tests and benches).

    Terminates: every round with a leak hides at least one shown cell and nothing is ever
    un-hidden, so there are at most as many rounds as published cells. With every published cell
    hidden the attacker can solve nothing (each equation then has two or more unknowns, or only
    zero-valued unknowns), so the loop always ends in a safe table.
    """
    rounds = 0
    while True:
        rounds += 1
        derived = derive(system.equations, system.values, system.known())
        leaks = find_leaks(system, derived)
        if not leaks:
            for row in range(len(system.published) // system.width):
                if system.published[row * system.width]:
                    hide_bare_mean(system, row)  # hiding more never helps the attacker
            return rounds
        for cell in sorted({_blocker(system, derived, leak) for leak in leaks}):
            system.hide(cell, Reason.PROTECTS_OTHER)


def find_leaks(system: CellSystem, derived: dict[int, Derivation]) -> list[int]:
    """Derived cells that must not be derived, in the order the attacker learned them."""
    leaks = [cell for cell in derived if system.protected[cell]]
    for others in system.one_band:
        learned = [cell for cell in others if cell in derived]
        if len(learned) == len(others):  # all the other bands are 0: everyone is in one band
            leaks.append(max(learned, key=lambda cell: derived[cell].step))
    return leaks


def _blocker(system: CellSystem, derived: dict[int, Derivation], leak: int) -> int:
    """A shown cell whose hiding stops ``leak`` being derived the way it was.

    If the equation that gave the leak away holds no suitable shown cell, the search moves back
    to the derived cells it used, cheapest first (depth-first, so it always reaches the shown
    cells the attacker started from).
    """
    stack, seen = [leak], set()
    while stack:
        cell = stack.pop()
        if cell in seen:
            continue
        seen.add(cell)
        breakers = _breakers(system, derived, cell)
        shown = [other for other in breakers if system.shown[other]]
        if shown:
            return min(shown, key=lambda other: _cost(system, other))
        earlier = [other for other in breakers if other in derived]
        stack.extend(sorted(earlier, key=lambda other: _cost(system, other), reverse=True))
    raise SuppressionError("no published cell protects this cell")


def _breakers(system: CellSystem, derived: dict[int, Derivation], cell: int) -> list[int]:
    """Cells known before ``cell`` whose being unknown would stop its derivation."""
    equation, step = derived[cell]
    total, parts = system.equations[equation]
    values = system.values
    found = []
    for other in (total, *parts):
        if other == cell or system.background[other]:
            continue
        if other in derived and derived[other].step >= step:
            continue  # learned together with (or after) the cell
        # two unknowns summing to a non-zero known value stay unknown; with a zero value
        # the attacker would conclude both are 0, so a part must then carry weight
        if total in (cell, other) or values[cell] + values[other] > 0:
            found.append(other)
    return found


def _cost(system: CellSystem, cell: int) -> tuple[bool, float, bool, int]:
    """Prefer hiding the smallest non-zero cell, a band before a count ``n``, then by position."""
    value = system.values[cell]
    return (value == 0, value, cell % system.width == N, cell)
