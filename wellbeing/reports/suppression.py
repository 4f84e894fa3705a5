"""Complementary suppression: hide more cells until the attacker learns nothing it must not.

Each round runs the attacker (attack.py) against what is shown, collects the *leaks* — a
protected cell it works out, or a one-band group whose other bands it all knows — and, for each
leak, hides one shown cell that breaks the derivation. Rounds repeat until there is no leak.
"""

from __future__ import annotations

from wellbeing.reports.attack import Derivation, derive
from wellbeing.reports.cells import CellSystem, N, equations_by_cell, hide_bare_mean
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
    uses = equations_by_cell(system)
    rounds = 0
    while True:
        rounds += 1
        derived = derive(system.equations, system.values, system.known(), uses)
        leaks = find_leaks(system, derived)
        if not leaks:
            for row in range(len(system.published) // system.width):
                if system.means and system.published[row * system.width]:
                    hide_bare_mean(system, row)  # hiding more never helps the attacker
            return rounds
        search = _Search(system, derived, uses)
        for leak in leaks:
            search.block(leak)


def find_leaks(system: CellSystem, derived: dict[int, Derivation]) -> list[int]:
    """Derived cells that must not be derived, in the order the attacker learned them."""
    leaks = [cell for cell in derived if system.protected[cell]]
    for others in system.one_band:
        learned = [cell for cell in others if cell in derived]
        if len(learned) == len(others):  # all the other bands are 0: everyone is in one band
            leaks.append(max(learned, key=lambda cell: derived[cell].step))
    return leaks


class _Search:
    """Choose, for each leak of a round, one shown cell to hide."""

    def __init__(
        self, system: CellSystem, derived: dict[int, Derivation], uses: list[list[int]]
    ) -> None:
        self.system, self.derived, self.uses = system, derived, uses
        self.known = system.known()
        self.chosen: set[int] = set()

    def block(self, leak: int) -> None:
        """Hide the best shown cell behind ``leak`` (none if one hidden this round is behind it).

        The search walks back from the leak through the derived cells it was worked out from,
        collecting shown cells whose hiding breaks a step. It prefers a cell that the attacker
        could not simply work out again from another equation, then one closer to the leak,
        then the cheapest (see _cost).
        """
        options: dict[int, tuple[bool, int, tuple[bool, float, bool, int]]] = {}
        frontier, seen, depth = [leak], {leak}, 0
        while frontier:
            following = []
            for cell in frontier:
                for other in _breakers(self.system, self.derived, cell):
                    if other in self.chosen:
                        return  # already broken this round; the next round checks again
                    if self.system.shown[other]:
                        key = (self._rederivable(other, cell), depth, _cost(self.system, other))
                        options.setdefault(other, key)
                    elif other not in seen:
                        seen.add(other)
                        following.append(other)
            if any(not key[0] for key in options.values()):
                break  # nothing further back can beat a cell that stays hidden
            frontier, depth = following, depth + 1
        if not options:
            raise SuppressionError("no published cell protects this cell")
        chosen = min(options, key=lambda cell: options[cell])
        self.chosen.add(chosen)
        self.system.hide(chosen, Reason.PROTECTS_OTHER)

    def _rederivable(self, cell: int, protected: int) -> bool:
        """Would the attacker work ``cell`` out again, as the one unknown of another equation?

        Judged on what is shown only: cells the attacker derived may have needed ``cell``.
        """
        equations = self.system.equations
        for index in self.uses[cell]:
            total, parts = equations[index]
            members = (total, *parts)
            if protected in members:
                continue
            if all(self.known[other] for other in members if other != cell):
                return True
        return False


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
