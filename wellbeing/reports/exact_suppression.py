"""Suppression driven by the exact audit (pure): after the fast heuristic (suppression.py), audit
(audit.py); while a protected fact is unsafe, hide one more cell per finding and audit again.

The cell hidden for a finding is taken from the equations that bind it (the LP's non-zero
duals: the constraints that stop the cell from reaching 0 or the protection target), else from
any equation of its component; among those, the cheapest as in suppression.py — a cell whose
value covers the gap before one that does not, then the smallest such value, zeros last, a band
before ``n``. One cell per binding set and round: a finding whose binding equations already lost
a cell this round waits for the next audit.

Termination: every round hides at least one shown cell (none is ever shown again), or gives up on
a finding no cell left to hide can affect (every cell of its equations is hidden or known anyway —
shown by an earlier release, or background knowledge). So the loop ends after at most as many
rounds as there are published cells and findings. With every cell this release shows hidden, what
is left is what was known before it; a fact that knowledge alone gives away is reported
(``given_away``) rather than protected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wellbeing.reports.audit import Unsafe, audit_system
from wellbeing.reports.audit_links import Ranges
from wellbeing.reports.audit_push import Witnesses
from wellbeing.reports.cells import CellSystem, N, equations_by_cell, hide_bare_mean
from wellbeing.reports.reasons import Reason


@dataclass(frozen=True)
class ExactOutcome:
    """What the audit-driven loop did: unsafe findings before it, cells it hid, rounds."""

    unsafe_before: int
    extra_hidden: int
    rounds: int
    given_away: tuple[int, ...]  # facts known before this release that it cannot protect


def suppress_exactly(
    system: CellSystem,
    k: int,
    *,
    ranges: Ranges | None = None,
    protection: int | None = None,
) -> ExactOutcome:
    """Hide cells until the audit finds no unsafe protected fact (see the module docstring)."""
    hidden_before = sum(
        1 for p, s in zip(system.published, system.shown, strict=True) if p and not s
    )
    ignore: set[int] = set()
    first: int | None = None
    rounds = 0
    cache: dict[tuple[int, ...], list[Unsafe]] = {}
    uses = equations_by_cell(system)  # the equations never change, only what is shown
    witnesses: Witnesses = {}  # whole solutions found, carried into the next round's audit
    while True:
        findings = audit_system(
            system,
            k,
            ranges=ranges,
            protection=protection,
            ignore=frozenset(ignore),
            cache=cache,
            witnesses=witnesses,
        )
        if first is None:
            first = len(findings)
        if not findings:
            break
        rounds += 1
        chosen: set[int] = set()
        for finding in findings:
            near, far = _candidates(system, finding, ranges is not None, uses)
            if not far:
                if not chosen:  # judged on the table audited: nothing shown bears on it
                    ignore.add(finding.cell)
                continue  # else cells hidden this round may have protected it: audit again
            if chosen & (near or far):
                continue  # already broken this round; the next audit checks again
            cell = min(near or far, key=lambda c: _cost(system, c, finding.gap))
            chosen.add(cell)
            system.hide(cell, Reason.PROTECTS_OTHER)
            row = cell // system.width
            if system.means and system.published[row * system.width]:
                hide_bare_mean(system, row)
    hidden_after = sum(
        1 for p, s in zip(system.published, system.shown, strict=True) if p and not s
    )
    return ExactOutcome(first or 0, hidden_after - hidden_before, rounds, tuple(sorted(ignore)))


def _hideable(system: CellSystem, cell: int) -> bool:
    return system.shown[cell] and system.published[cell] and not system.background[cell]


def _members(system: CellSystem, equations: Sequence[int], groups: Sequence[int]) -> set[int]:
    found: set[int] = set()
    for index in equations:
        total, parts = system.equations[index]
        found.update((total, *parts))
    width = system.width
    for group in groups:  # a range row: the group's band counts and sum of totals
        found.update(range(group * width + 1, (group + 1) * width))
    return found


def _candidates(
    system: CellSystem, finding: Unsafe, ranges: bool, uses: Sequence[Sequence[int]]
) -> tuple[set[int], set[int]]:
    """Shown cells of the binding equations, and of every equation of the component."""
    near = {c for c in _members(system, finding.binding, finding.groups) if _hideable(system, c)}
    members = set(finding.component)
    touching = sorted({index for cell in members for index in uses[cell]})
    width = system.width
    groups = sorted({cell // width for cell in members}) if ranges and system.means else []
    far = {c for c in _members(system, touching, groups) if _hideable(system, c)}
    return near, far


def _cost(system: CellSystem, cell: int, gap: float) -> tuple[bool, bool, float, bool, int]:
    """A cell whose value covers the gap first (the smallest such), then the largest below it;
    zeros last; a band before ``n``."""
    value = system.values[cell]
    covers = value >= gap
    return (value == 0, not covers, value if covers else -value, cell % system.width == N, cell)
