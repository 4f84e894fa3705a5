"""Disclosure control for leaders' unit reports: one pure implementation for every output.

Input, per instrument: the unit tree, each unit with the band counts and the sum of totals of
the results attached *directly* to it. Output: one row per unit counting its whole subtree —
``n``, a count per band, the mean total — each cell shown or hidden. A hidden cell carries
one neutral mark and nothing else: its reason (below) is information (``one_band`` says
"everyone in one band", ``too_few`` says "between 1 and k-1", which next to a sibling's zero
gives a person's band away), so reasons go only to the audit trail (`explain_table`).

Rules
-----
* ``k`` (>= 5) is the threshold. ``n`` is shown when it is 0 or at least ``k``; otherwise it is
  hidden (``too_few``). ``n`` is the number of results for the instrument, not participation.
* A unit with fewer than ``k`` results shows no breakdown (bands and mean ``too_few``).
* A unit whose results all fall in one band shows no breakdown (``one_band``): the band of
  every member would follow.
* Otherwise a band count from 1 to k-1 is hidden (``too_few``); 0 and counts >= k are shown.
* The mean is shown only where the breakdown is: never when ``n`` or every band count ends up
  hidden. It counts as publishing ``S = mean × n`` (S, the sum of totals), so S is protected too.
* Complementary suppression (``protects_other``) until the attacker below learns nothing
  protected.

Attacker model
--------------
The attacker knows every shown cell, the tree, and which units have no results attached directly
(the organisation chart tells them; with ``public_n`` also every ``n``, for when participation
is published unsuppressed elsewhere). It uses every additive equation a report implies:

* per group: ``n = Σ bands``;
* per unit with children, per column (``n``, each band, S): ``unit = Σ children + own group``,
  where the own group (people attached directly to the unit) is never published and so is an
  unknown of its own;

and solves, to a fixpoint, any equation with exactly one unknown, plus "known total = known parts
⇒ every unknown part is 0" (values are never negative); see attack.py. Protected, i.e. never to be
worked out: every count from 1 to k-1 (of a row or of an own group, ``n`` included), the sum of
totals of a group of 1 to k-1 people, and, for a group whose results all fall in one band, the
full set of its other (zero) bands.

Algorithm and termination
-------------------------
Primary suppression as above; then suppression.py runs the attacker and, for each leak, walks
back through the steps that gave it away and hides one shown cell that breaks a step: preferably
one the attacker could not simply work out again from another equation, then the one nearest the
leak, then the smallest non-zero value (a partner of at least k keeps the hidden value uncertain
by at least k; zeros only as a last resort), a band before ``n``. It repeats until no leak is
left. Every round hides at least one more cell and none is ever shown again, so it ends after at
most as many rounds as cells, and a fully hidden table leaks nothing. Everything iterates in a
fixed order (units in pre-order, children by code), so the result is deterministic.

Exact audit
-----------
The attacker above is the heuristic's. After it, the table is audited by linear and integer
programming (audit.py) against an attacker who combines every equation, uses non-negativity and
integrality and, with ``ExactAudit.band_ranges``, ties each shown mean to the counts; while a
protected count cannot be 0 or cannot reach ``min(protection, its group's size)``, or a one-band
group's other bands are provably 0, one more cell per finding is hidden (exact_suppression.py).
``ExactAudit.earlier`` adds every table already published for the wave and instrument (their
shown cells become known), and ``ExactAudit.scope`` publishes one unit's subtree only.
``exact=None`` runs the heuristic alone (for comparison only). Not covered: differences between
reports over a changed unit tree.

Consistency: suppression is computed once over the whole tree passed in, and a unit's report is
the slice of it for that unit and its descendants. Pass the whole organisation, not a subtree, so
that two leaders' overlapping reports hide the same cells (a smaller slice only tells less).

Staff categories (民警/辅警): ``categories`` adds a row per unit and category, with its own groups
and equations, to the same system (categories.py), so one suppression protects both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from wellbeing.reports.categories import CategoryLayout, add_categories, own_in_order
from wellbeing.reports.cells import CellSystem, N, Tree, build_system
from wellbeing.reports.earlier import add_earlier, scope_nodes, unpublish_outside
from wellbeing.reports.exact_suppression import ExactOutcome, suppress_exactly
from wellbeing.reports.reasons import Reason
from wellbeing.reports.suppression import SuppressionError, suppress_complementary
from wellbeing.reports.tree import DisclosureError, build_tree

MIN_K = 5

__all__ = [
    "MIN_K",
    "Cell",
    "DisclosureError",
    "ExactAudit",
    "Mean",
    "ProtectedTable",
    "Protection",
    "Reason",
    "ReportRow",
    "UnitResults",
    "explain_table",
    "protect_report",
    "protect_table",
]


@dataclass(frozen=True)
class UnitResults:
    """One unit's own results for one instrument (people attached directly to it)."""

    code: str
    parent: str | None
    bands: Mapping[str, int]  # band id -> count; a missing band counts 0
    total_sum: float = 0.0  # the sum of those results' totals


@dataclass(frozen=True)
class Cell:
    """A published count: its value, or None when hidden (one neutral mark, no reason)."""

    value: int | None

    @property
    def hidden(self) -> bool:
        """Whether the count is withheld."""
        return self.value is None


@dataclass(frozen=True)
class Mean:
    """A published mean total: its value, or None when hidden."""

    value: float | None

    @property
    def hidden(self) -> bool:
        """Whether the mean is withheld."""
        return self.value is None


HIDDEN_CELL = Cell(None)
HIDDEN_MEAN = Mean(None)


@dataclass(frozen=True)
class ReportRow:
    """One unit's whole subtree, as a leader may see it."""

    unit: str
    parent: str | None
    n: Cell
    bands: Mapping[str, Cell]  # in the order of the instrument's bands
    mean: Mean


@dataclass(frozen=True)
class ProtectedTable:
    """Every unit's row, suppressed together; slice it per requested unit."""

    k: int
    band_ids: tuple[str, ...]
    rows: tuple[ReportRow, ...]  # pre-order, children sorted by code
    rounds: int  # complementary-suppression rounds it took
    # per staff category (police, auxiliary): every unit's row of that category, as ``rows``
    categories: Mapping[str, tuple[ReportRow, ...]] = field(default_factory=dict)

    def category_rows(self, unit: str) -> dict[str, ReportRow]:
        """The unit's row of each staff category (none when the table has no split)."""
        return {c: row for c, rows in self.categories.items() for row in rows if row.unit == unit}

    def rows_for(self, unit: str) -> list[ReportRow]:
        """The requested unit's row, then its descendants' (pre-order)."""
        index = {row.unit: position for position, row in enumerate(self.rows)}
        if unit not in index:
            raise DisclosureError(f"unknown unit {unit!r}")
        inside, found = {unit}, []
        for row in self.rows[index[unit] :]:
            if row.unit != unit and row.parent not in inside:
                break  # pre-order: the subtree is one contiguous run
            inside.add(row.unit)
            found.append(row)
        return found


@dataclass(frozen=True)
class Protection:
    """A protected table and why each hidden value is hidden.

    The reasons are for the data protection officer only (sealed beside the stored release):
    a reason is information — ``one_band`` says "everyone here is in one band", ``too_few``
    says "between 1 and k-1" — so nothing a leader sees carries one.
    """

    table: ProtectedTable
    reasons: Mapping[tuple[str, str], Reason]  # (unit[/category], "n" | band | "mean") -> reason
    exact: ExactOutcome | None = None  # what the audit-driven pass did (None: not run)

    def reason_of(self, unit: str, column: str) -> Reason | None:
        """Why ``unit``'s ``column`` is hidden (None when it is shown)."""
        return self.reasons.get((unit, column))


@dataclass(frozen=True)
class ExactAudit:
    """The exact audit after the heuristic (audit.py, exact_suppression.py).

    ``band_ranges``: each band's inclusive range of totals (ties shown means to the counts; None:
    not used). ``protection``: a hidden count must be able to be anything from 0 to
    ``min(protection, its group's size)`` (None: k). ``scope``: the unit whose subtree this
    release publishes (None: every unit). ``earlier``: the tables already published for the same
    wave and instrument, to anyone: their shown values are known and stay so.
    """

    band_ranges: Mapping[str, tuple[float, float]] | None = None
    protection: int | None = None
    scope: str | None = None
    earlier: Sequence[ProtectedTable] = ()


DEFAULT_AUDIT = ExactAudit()


def protect_table(
    units: Iterable[UnitResults],
    band_ids: Sequence[str],
    k: int,
    *,
    public_n: bool = False,
    mean_decimals: int | None = None,
    exact: ExactAudit | None = DEFAULT_AUDIT,
) -> ProtectedTable:
    """Suppress the report of every unit given, for one instrument (see the module docstring).

    Shown means are rounded to ``mean_decimals`` places when given (as published). ``exact``:
    how the exact audit runs after the heuristic (None: the heuristic alone, for comparison).
    """
    return explain_table(
        units, band_ids, k, public_n=public_n, mean_decimals=mean_decimals, exact=exact
    ).table


def explain_table(
    units: Iterable[UnitResults],
    band_ids: Sequence[str],
    k: int,
    *,
    public_n: bool = False,
    mean_decimals: int | None = None,
    exact: ExactAudit | None = DEFAULT_AUDIT,
    categories: Mapping[str, Iterable[UnitResults]] | None = None,
) -> Protection:
    """`protect_table`, with the reason of every hidden value (for the audit trail only).

    ``categories``: each unit's own results per staff category, to publish a row per unit and
    category protected together with the unit rows (categories.py)."""
    units = list(units)
    bands = _check_arguments(units, band_ids, k)
    tree = build_tree([(unit.code, unit.parent) for unit in units])
    by_code = {unit.code: unit for unit in units}
    own = [_own_values(by_code[code], bands) for code in tree.codes]
    system = build_system(tree, own, k, public_n=public_n)
    audit = exact or DEFAULT_AUDIT
    nodes = scope_nodes(tree, audit.scope)
    unpublish_outside(system, nodes)
    add_earlier(system, tree, bands, [table.rows for table in audit.earlier])
    layout = None
    if categories:
        split = {c: own_in_order(tree, results, bands) for c, results in categories.items()}
        layout = add_categories(system, tree, own, split, k, public_n=public_n, nodes=nodes)
        for c in layout.published():
            earlier = [t.categories[c] for t in audit.earlier if c in t.categories]
            add_earlier(system, tree, bands, earlier, layout.rows[c])
    try:
        rounds = suppress_complementary(system)
    except SuppressionError:
        if exact is None:
            raise
        rounds = 0  # earlier releases gave something away: the exact pass says what is left
    outcome = None
    if exact is not None:
        ranges = _ranges_of(exact.band_ranges, bands)
        outcome = suppress_exactly(system, k, ranges=ranges, protection=exact.protection)
        rounds += outcome.rounds
    cell = _cells_of(system)

    def rows_of(first: int) -> tuple[ReportRow, ...]:
        return tuple(
            _row(system, tree, node, bands, mean_decimals, cell, first)
            for node in range(len(tree.codes))
            if node in nodes
        )

    shown = {c: rows_of(layout.rows[c]) for c in layout.published()} if layout else {}
    table = ProtectedTable(k=k, band_ids=bands, rows=rows_of(0), rounds=rounds, categories=shown)
    return Protection(table, _reasons_of(system, tree, bands, layout), outcome)


def protect_report(
    units: Iterable[UnitResults],
    band_ids: Sequence[str],
    k: int,
    unit: str,
    *,
    public_n: bool = False,
) -> list[ReportRow]:
    """The rows a leader sees for ``unit``: the whole tree protected, then sliced."""
    return protect_table(units, band_ids, k, public_n=public_n).rows_for(unit)


def _ranges_of(
    ranges: Mapping[str, tuple[float, float]] | None, bands: tuple[str, ...]
) -> list[tuple[float, float]] | None:
    if ranges is None:
        return None
    if set(bands) - set(ranges):
        raise DisclosureError("a range of totals is needed for every band")
    return [(float(ranges[band][0]), float(ranges[band][1])) for band in bands]


def _check_arguments(units: list[UnitResults], band_ids: Sequence[str], k: int) -> tuple[str, ...]:
    if k < MIN_K:
        raise DisclosureError(f"the threshold k must be at least {MIN_K}")
    bands = tuple(band_ids)
    if len(bands) < 2 or len(set(bands)) != len(bands):
        raise DisclosureError("an instrument needs at least two distinct band ids")
    if not units:
        raise DisclosureError("no units given")
    known = set(bands)
    for unit in units:
        if not known.issuperset(unit.bands):
            raise DisclosureError(f"unit {unit.code!r} has counts for unknown bands")
        if (unit.bands and min(unit.bands.values()) < 0) or unit.total_sum < 0:
            raise DisclosureError(f"unit {unit.code!r} has negative counts or totals")
    return bands


def _own_values(unit: UnitResults, bands: tuple[str, ...]) -> list[float]:
    count = unit.bands.get
    counts = [count(band, 0) for band in bands]
    return [sum(counts), *counts, unit.total_sum]


def _row(
    system: CellSystem,
    tree: Tree,
    node: int,
    bands: tuple[str, ...],
    decimals: int | None,
    cell: Callable[[int], Cell],
    first_group: int = 0,
) -> ReportRow:
    base = (first_group + node) * system.width
    parent = tree.parents[node]
    n = int(system.values[base + N])
    total = base + system.width - 1
    if system.shown[total]:
        value = system.values[total] / n
        mean = Mean(value if decimals is None else round(value, decimals))
    else:
        mean = HIDDEN_MEAN
    return ReportRow(
        unit=tree.codes[node],
        parent=None if parent is None else tree.codes[parent],
        n=cell(base + N),
        bands={band: cell(base + 1 + i) for i, band in enumerate(bands)},
        mean=mean,
    )


def _cells_of(system: CellSystem) -> Callable[[int], Cell]:
    """The published Cell of a cell index; equal cells share one (immutable) instance, since
    a table has tens of thousands of cells but few distinct values."""
    shown, values = system.shown, system.values
    made: dict[float, Cell] = {}

    def cell(index: int) -> Cell:
        if not shown[index]:
            return HIDDEN_CELL
        value = values[index]
        found = made.get(value)
        if found is None:
            found = made[value] = Cell(int(value))
        return found

    return cell


def _reasons_of(
    system: CellSystem, tree: Tree, bands: tuple[str, ...], layout: CategoryLayout | None
) -> dict[tuple[str, str], Reason]:
    """Reasons by (unit, column); a category row's unit reads "unit/category"."""
    columns = ("n", *bands, "mean")
    names = layout.row_names(tree.codes) if layout else {}
    return {
        (names.get(group) or tree.codes[group], columns[cell % system.width]): reason
        for cell, reason in system.reasons.items()
        if system.published[cell] and not system.shown[cell]
        for group in (cell // system.width,)
    }
