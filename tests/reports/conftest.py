"""An attacker written independently of the suppression code, run against what a report shows.

It sees only published values (plus what the organisation chart says: which units have nobody
attached directly, and — with ``public_n`` — every group's size), writes every additive equation
a report implies, and solves to a fixpoint any equation with one unknown, plus "known total
equals the known parts, so every unknown part is 0".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from wellbeing.reports.disclosure import ProtectedTable, UnitResults

Var = tuple[str, str, str]  # ("row" | "own", unit code, column: "n", a band id or "S")


@dataclass
class Attack:
    """What the attacker knew at the start, what it worked out, and the truth to judge it by."""

    truth: dict[Var, int]
    known_at_start: set[Var]
    recovered: dict[Var, int] = field(default_factory=dict)
    groups: list[tuple[str, str]] = field(default_factory=list)  # (kind, unit)
    equations: list[tuple[Var, list[Var]]] = field(default_factory=list)  # total = Σ parts

    def learned(self, var: Var) -> bool:
        return var in self.known_at_start or var in self.recovered

    def leaks(self, bands: Sequence[str], k: int) -> list[str]:
        """Every protected fact the attacker learned, described (empty when the report is safe)."""
        found = []
        for var, value in self.recovered.items():
            kind, unit, column = var
            size = self.truth[(kind, unit, "n")]
            if column != "S" and 0 < value < k:
                found.append(f"{var} = {value}")
            if column == "S" and 0 < size < k:
                found.append(f"{var} (sum of totals of {size} people)")
        for kind, unit in self.groups:
            nonzero = [band for band in bands if self.truth[(kind, unit, band)]]
            others = [band for band in bands if band not in nonzero]
            if len(nonzero) == 1 and all(self.learned((kind, unit, b)) for b in others):
                found.append(f"{kind} {unit}: everyone is in band {nonzero[0]}")
        return found


def run_attack(
    units: Sequence[UnitResults], table: ProtectedTable, *, public_n: bool = False
) -> Attack:
    """Attack a protected table with the truth in hand only to judge the result."""
    bands = list(table.band_ids)
    columns = ["n", *bands, "S"]
    children: dict[str, list[str]] = {unit.code: [] for unit in units}
    for unit in units:
        if unit.parent is not None:
            children[unit.parent].append(unit.code)
    attack = Attack(truth=_truth(units, children, bands), known_at_start=set())
    values: dict[Var, int] = {}
    for row in table.rows:
        if row.n.value is not None:
            values[("row", row.unit, "n")] = row.n.value
        for band, cell in row.bands.items():
            if cell.value is not None:
                values[("row", row.unit, band)] = cell.value
        if row.mean.value is not None and row.n.value is not None:
            values[("row", row.unit, "S")] = round(row.mean.value * row.n.value)
    attack.groups = [("row", unit.code) for unit in units]
    attack.groups += [("own", code) for code, kids in children.items() if kids]
    for kind, code in attack.groups:
        if kind == "own" and attack.truth[("own", code, "n")] == 0:
            values.update({("own", code, column): 0 for column in columns})
        if public_n:
            values[(kind, code, "n")] = attack.truth[(kind, code, "n")]
    attack.known_at_start = set(values)
    equations = [
        ((kind, code, "n"), [(kind, code, b) for b in bands]) for kind, code in attack.groups
    ]
    for code, kids in children.items():
        for column in columns if kids else []:
            parts = [("row", kid, column) for kid in kids] + [("own", code, column)]
            equations.append((("row", code, column), parts))
    attack.equations = equations
    _solve(equations, values)
    attack.recovered = {var: v for var, v in values.items() if var not in attack.known_at_start}
    return attack


def _solve(equations: list[tuple[Var, list[Var]]], values: dict[Var, int]) -> None:
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            unknown = [var for var in (total, *parts) if var not in values]
            rest = sum(values[var] for var in parts if var in values)
            if len(unknown) == 1 and unknown[0] == total:
                values[total] = rest
            elif len(unknown) == 1:
                values[unknown[0]] = values[total] - rest
            elif unknown and total in values and values[total] == rest:
                values.update(dict.fromkeys(unknown, 0))
            else:
                continue
            changed = True


def _truth(
    units: Sequence[UnitResults], children: dict[str, list[str]], bands: list[str]
) -> dict[Var, int]:
    truth: dict[Var, int] = {}
    by_code = {unit.code: unit for unit in units}

    def own(code: str) -> dict[str, int]:
        unit = by_code[code]
        counts = {band: unit.bands.get(band, 0) for band in bands}
        return {"n": sum(counts.values()), **counts, "S": int(unit.total_sum)}

    def subtree(code: str) -> dict[str, int]:
        totals = own(code)
        for kid in children[code]:
            for column, value in subtree(kid).items():
                totals[column] += value
        truth.update({("row", code, column): value for column, value in totals.items()})
        if children[code]:
            truth.update({("own", code, column): v for column, v in own(code).items()})
        return totals

    for unit in units:
        if unit.parent is None:
            subtree(unit.code)
    return truth


@pytest.fixture(scope="session")
def attack() -> Callable[..., Attack]:
    """The independent attacker (see the module docstring)."""
    return run_attack


# --- Waves answered through the real submission pipeline, for report tests -----------------


def answers_for(items: int, total: int, *, skip_last: bool = False) -> dict[str, int]:
    """Answers q1..qN (0-3 each) adding up to ``total``; with skip_last the last item stays 0
    (PHQ-9's q9 is the self-harm item: tests reach their totals without it)."""
    usable = items - 1 if skip_last else items
    assert 0 <= total <= 3 * usable
    values = [min(3, max(0, total - 3 * i)) for i in range(usable)] + [0] * (items - usable)
    return {f"q{i}": value for i, value in enumerate(values, start=1)}


class ReportWorld:
    """A campaign on BUR whose waves are answered through the real pipeline and then closed."""

    def __init__(self, app: Any, session: Any, make_user: Any, clock: Any) -> None:
        from wellbeing.screening import campaigns

        self.app, self.session, self.clock = app, session, clock
        self.make_user = make_user
        self.policy = app.extensions["wellbeing.policy"]
        self.officers: dict[str, Any] = {}
        opens = clock.now + timedelta(hours=1)
        self.campaign = campaigns.create_campaign(
            session,
            self.policy.catalogue,
            name="Report test campaign",
            unit_code="BUR",
            instruments=["phq9", "gad7"],
            opens_at=opens,
            closes_at=opens + timedelta(days=14),
            every_months=3,
        )
        make_user("counsellor", unit="BUR", scope="BUR")

    def add_officers(self, unit: str, count: int) -> list[str]:
        """Create consented officers in a unit (before the wave opens); their usernames."""
        from wellbeing.screening.consent import give_consent

        names = []
        for _ in range(count):
            user = self.make_user("officer", unit=unit)
            give_consent(self.session, user)
            self.officers[user.username] = user
            names.append(user.username)
        self.session.flush()
        return names

    def run_wave(
        self,
        totals: dict[str, tuple[int, int] | None],
        *,
        close: bool = True,
        release: int | None = 5,
    ) -> Any:
        """Open the next wave, submit the given totals, and (by default) close it and store its
        exact releases at threshold ``release`` (None: leave that to the job)."""
        from sqlalchemy import select

        from wellbeing.screening import campaigns
        from wellbeing.screening.models import Assignment, Wave, WaveState
        from wellbeing.screening.service import submit

        wave = self.session.scalars(
            select(Wave)
            .where(Wave.campaign_id == self.campaign.id, Wave.state == WaveState.SCHEDULED.value)
            .order_by(Wave.seq)
        ).first()
        self.clock.now = wave.opens_at + timedelta(minutes=1)
        campaigns.open_due_waves(self.session, self.clock.now)
        campaigns.open_due_assignments(self.session, self.clock.now)
        for username, pair in totals.items():
            if pair is None:
                continue
            officer = self.officers[username]
            assignment = self.session.scalars(
                select(Assignment).where(
                    Assignment.wave_id == wave.id, Assignment.officer_id == officer.id
                )
            ).one()
            for instrument, items, total in (("phq9", 9, pair[0]), ("gad7", 7, pair[1])):
                submit(
                    self.session,
                    self.policy,
                    officer,
                    instrument_id=instrument,
                    answers=answers_for(items, total, skip_last=instrument == "phq9"),
                    idempotency_key=f"t-{wave.id}-{officer.id}-{instrument}",
                    assignment_id=assignment.id,
                )
        if close:
            self.clock.now = wave.closes_at + timedelta(minutes=1)
            campaigns.expire_and_close(self.session, self.clock.now)
            if release is not None:
                self.release(wave, release)
        self.session.flush()
        return wave

    def release(self, wave: Any, k: int, epsilon: float | None = None) -> list[Any]:
        """Store a closed wave's releases as the release job does (facts opened, protected)."""
        from wellbeing.releases.publish import publish_closed_wave

        return publish_closed_wave(self.session, self.policy.catalogue, wave.id, k, epsilon)


@pytest.fixture
def report_world(
    app: Any, db_session: Any, make_user: Any, frozen_clock: Any, org: Any
) -> ReportWorld:
    """A BUR campaign of PHQ-9 and GAD-7; add officers, then run waves."""
    return ReportWorld(app, db_session, make_user, frozen_clock)


@pytest.fixture
def api_headers(bearer: Callable[[str], dict[str, str]]) -> Callable[[str], dict[str, str]]:
    """Bearer headers for a username, through the real token endpoint."""
    return bearer
