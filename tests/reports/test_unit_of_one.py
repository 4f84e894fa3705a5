"""The outside test's case, end to end: a unit of one officer, beside a parent's zeros, its
mean and its participation, must leave that officer's band undecidable in everything any role
can fetch — the page, the CSV, the PDF and the API — taken together as one set of equations and
solved exactly (reports/bounds.py, HiGHS via SciPy).

The attacker is given more than any leader has: every group's size (as if participation were
published everywhere), the organisation chart (who has nobody attached directly) and every
table of the wave that any leader can see. Only what is published counts: a hidden value is one
neutral mark, so it adds no equation.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from wellbeing.releases.publish import release_reasons
from wellbeing.reports.bounds import Published, feasible
from wellbeing.reports.disclosure import Cell, Mean, ProtectedTable, Reason, ReportRow

K = 10
SCOPES = ("BUR", "ST1", "ST1-T2", "ST2")  # leaders over, at, and beside the unit of one


@pytest.fixture
def one(report_world: Any) -> Any:
    """ST1-T2 is one officer, X (PHQ-9 7 = mild, GAD-7 7 = mild); ST1-T1 holds twelve people
    in minimal and moderate only (so ST1's mild and moderately-severe columns are X's or 0);
    ST2-T1 twenty people. Nobody is attached to BUR, ST1 or ST2 themselves."""
    team = report_world.add_officers("ST1-T1", 12)
    [x] = report_world.add_officers("ST1-T2", 1)  # X
    other = report_world.add_officers("ST2-T1", 20)
    totals: dict[str, tuple[int, int] | None] = {x: (7, 7)}
    totals |= {name: (2 if i < 7 else 12, 2 if i < 7 else 12) for i, name in enumerate(team)}
    totals |= {name: (3 + i % 5 * 3, i % 15) for i, name in enumerate(other)}
    report_world.wave = report_world.run_wave(totals, release=None)
    report_world.released = report_world.release(report_world.wave, K)
    return report_world


@pytest.fixture
def get(make_app: Any, api_headers: Callable[[str], dict[str, str]], login: Any) -> Any:
    """GET as a user through the API (bearer token) or the web (session), on an app with k=10."""
    app = make_app(report_min_cell=K)

    def fetch(path: str, username: str, *, web: bool = False) -> Any:
        client = app.test_client()
        if web:
            login(client, username)
            return client.get(path)
        return client.get(path, headers=api_headers(username))

    return fetch


def _band_ranges(report_world: Any, instrument: str) -> dict[str, tuple[float, float]]:
    definition = report_world.policy.catalogue.get(instrument)
    return {band.id: (float(band.range[0]), float(band.range[1])) for band in definition.bands}


def _table_from_api(body: dict[str, Any], instrument: str) -> ProtectedTable:
    bands = next(i["bands"] for i in body["instruments"] if i["id"] == instrument)
    rows = tuple(
        ReportRow(
            unit=row["unit"],
            parent=row["parent"],
            n=Cell(row["instruments"][instrument]["n"]),
            bands={band: Cell(row["instruments"][instrument]["bands"][band]) for band in bands},
            mean=Mean(row["instruments"][instrument]["mean"]),
        )
        for row in body["rows"]
    )
    return ProtectedTable(k=body["k"], band_ids=tuple(bands), rows=rows, rounds=0)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _published_everywhere(one: Any, get: Any, make_user: Any) -> dict[str, Any]:
    """Every leader's and the supervisor's API report of the wave, each checked against the
    same user's CSV; the union, keyed by unit (overlapping scopes must agree exactly)."""
    wave = one.wave.id
    union: dict[str, Any] = {}
    users = [make_user("leader", unit=scope, scope=scope) for scope in SCOPES]
    users.append(make_user("supervisor", unit="BUR", scope="BUR"))
    for user in users:
        scope = user.unit.code
        response = get(f"/api/v1/reports/units/{scope}?wave={wave}", user.username)
        assert response.status_code == 200
        body = response.get_json()
        assert body["pending"] is False
        csv_text = get(f"/reports/units/{scope}.csv?wave={wave}", user.username, web=True)
        lines = _csv_rows(csv_text.get_data(as_text=True))
        assert [line["unit"] for line in lines] == [row["unit"] for row in body["rows"]]
        assert "hidden" not in lines[0]
        for row in body["rows"]:
            assert union.setdefault(row["unit"], row) == row  # one release, sliced
    return union


def test_the_unit_of_one_is_hidden_without_reasons_in_every_output(
    one: Any, get: Any, make_user: Any
) -> None:
    union = _published_everywhere(one, get, make_user)
    x_row = union["ST1-T2"]
    assert (x_row["invited"], x_row["responded"]) == (None, None)  # no participation count
    for result in x_row["instruments"].values():
        assert result == {"n": None, "bands": dict.fromkeys(result["bands"]), "mean": None}
    leader = make_user("leader", unit="ST1", scope="ST1", locale="en")
    page = get(f"/reports/units/ST1?wave={one.wave.id}", leader.username, web=True)
    text = page.get_data(as_text=True)
    assert "data-reason" not in text
    assert "too few" not in text.lower()
    assert "same band" not in text.lower()
    trend = get("/api/v1/reports/units/ST1-T2/trend?instrument=phq9", leader.username).get_json()
    [point] = trend["points"]
    assert (point["invited"], point["responded"], point["n"], point["mean"]) == (None,) * 4


@pytest.mark.parametrize("instrument", ["phq9", "gad7"])
def test_the_officers_band_stays_undecidable_under_the_exact_audit(
    one: Any, get: Any, make_user: Any, instrument: str
) -> None:
    union = _published_everywhere(one, get, make_user)
    rows = [union[unit] for unit in ("BUR", "ST1", "ST1-T1", "ST1-T2", "ST2", "ST2-T1")]
    bands = list(rows[0]["instruments"][instrument]["bands"])
    body = {"k": K, "instruments": [{"id": instrument, "bands": bands}], "rows": rows}
    table = _table_from_api(body, instrument)
    sizes = {("row", "BUR"): 33, ("row", "ST1"): 13, ("row", "ST1-T1"): 12, ("row", "ST1-T2"): 1}
    sizes |= {("row", "ST2"): 20, ("row", "ST2-T1"): 20}
    sizes |= {("own", "BUR"): 0, ("own", "ST1"): 0, ("own", "ST2"): 0}
    published = Published(
        table,
        _band_ranges(one, instrument),
        mean_decimals=1,
        group_sizes=sizes,  # the attacker's best case: every group's size known
        empty_own=frozenset({"BUR", "ST1", "ST2"}),
    )
    possible = [
        band for band in table.band_ids if feasible(published, {("row", "ST1-T2", band): 1})
    ]
    assert "mild" in possible  # the truth is consistent with what is published …
    assert len(possible) >= 2  # … and so is another band: X's band cannot be told

    # The reasons the audit trail keeps, had they been shown (as they were before the exact
    # audit): "1 to k-1" of a too_few band in a row whose n is shown. Against the heuristic
    # alone that gave X's band away; the audit-driven suppression hides enough that even they
    # leave it open.
    [release] = [r for r in one.released if r.instrument_id == instrument]
    shown_n = {row.unit for row in table.rows if not row.n.hidden}
    told = [
        ("row", unit, column)
        for unit, column, why in release_reasons(one.session, release.id)
        if why == Reason.TOO_FEW and unit in shown_n and column in table.band_ids
    ]
    with_reasons = [
        band
        for band in table.band_ids
        if feasible(
            published,
            {("row", "ST1-T2", band): 1},
            at_least=dict.fromkeys(told, 1),
            at_most=dict.fromkeys(told, K - 1),
        )
    ]
    assert "mild" in with_reasons
    assert len(with_reasons) >= 2
    # The control (so this test can fail): told ST1's and ST1-T1's true rows, as a colleague
    # might leak them, the same audit does decide X's band.
    ones = {"minimal": 7, "moderate": 5}  # ST1-T1: seven totals of 2, five of 12
    leaked = {("row", "ST1-T1", band): ones.get(band, 0) for band in table.band_ids}
    leaked |= {("row", "ST1", b): ones.get(b, 0) + (b == "mild") for b in table.band_ids}
    decided = [
        band
        for band in table.band_ids
        if feasible(published, {**leaked, ("row", "ST1-T2", band): 1})
    ]
    assert decided == ["mild"]


def test_no_other_role_reaches_the_report(one: Any, get: Any, make_user: Any) -> None:
    path = f"/api/v1/reports/units/ST1?wave={one.wave.id}"
    for role, scope, status in (
        ("officer", None, 403),
        ("counsellor", "BUR", 403),
        ("admin", None, 403),
        ("leader", "ST2", 404),
    ):
        user = make_user(role, unit=scope or "ST1-T2", scope=scope)
        assert get(path, user.username).status_code == status, role
