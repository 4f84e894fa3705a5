"""Reports API on data built through real submissions: shape, open waves, scope, parameters,
CSV = API rows, trends, and the disclosure guarantees end to end."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest

from wellbeing.facts.service import count_facts
from wellbeing.reports.aggregate import load_units
from wellbeing.reports.disclosure import Cell, Mean, ProtectedTable, ReportRow

K = 5


@pytest.fixture
def world(report_world: Any) -> Any:
    """Teams of 6 and 7, two officers attached directly to ST1, one closed wave."""
    names = {
        unit: report_world.add_officers(unit, size)
        for unit, size in (("ST1-T1", 6), ("ST1-T2", 6), ("ST2-T1", 7), ("ST1", 2))
    }
    everyone = [name for group in names.values() for name in group]
    totals = {name: (i % 20, (i * 3) % 21) for i, name in enumerate(everyone)}
    totals[names["ST2-T1"][0]] = None  # one officer does not respond
    report_world.wave = report_world.run_wave(totals)
    report_world.names = names
    return report_world


@pytest.fixture
def api(make_app: Any, api_headers: Callable[[str], dict[str, str]]) -> Callable[..., Any]:
    """GET on an app with k=5 as a given user."""
    app = make_app(report_min_cell=K)
    client = app.test_client()

    def get(path: str, username: str | None = None) -> Any:
        headers = api_headers(username) if username else {}
        return client.get(path, headers=headers)

    return get


def test_unit_report_has_the_documented_shape(world: Any, api: Any, make_user: Any) -> None:
    leader = make_user("leader", unit="BUR", scope="BUR")
    body = api(f"/api/v1/reports/units/BUR?wave={world.wave.id}", leader.username).get_json()
    assert body["unit"] == "BUR"
    assert body["wave"]["id"] == world.wave.id
    assert body["wave"]["closed"] is True
    assert body["k"] == K
    units = [row["unit"] for row in body["rows"]]
    assert units == ["BUR", "ST1", "ST1-T1", "ST1-T2", "ST2", "ST2-T1"]
    bur = body["rows"][0]
    assert (bur["parent"], bur["invited"], bur["responded"]) == (None, 21, 20)
    assert set(bur["instruments"]) == {"phq9", "gad7"}
    assert bur["instruments"]["phq9"]["n"] == 20
    assert body["pending"] is False
    for row in body["rows"]:
        for result in row["instruments"].values():
            assert set(result) == {"n", "bands", "mean"}  # a null is one mark: nothing says why
            if result["n"] is None:  # nothing published of a group whose count is hidden
                assert result["mean"] is None
                assert (row["invited"], row["responded"]) == (None, None)


def test_open_wave_shows_participation_only(report_world: Any, api: Any, make_user: Any) -> None:
    names = report_world.add_officers("ST1-T1", 6)
    wave = report_world.run_wave({name: (3, 3) for name in names[:5]}, close=False)
    leader = make_user("leader", unit="BUR", scope="BUR")
    body = api(f"/api/v1/reports/units/ST1?wave={wave.id}", leader.username).get_json()
    assert body["wave"]["closed"] is False
    assert [(r["unit"], r["invited"], r["responded"]) for r in body["rows"]] == [
        ("ST1", 6, 5),
        ("ST1-T1", 6, 5),
        ("ST1-T2", 0, 0),
    ]
    assert all(row["instruments"] == {} for row in body["rows"])


def test_waves_lists_what_the_scope_sees(world: Any, api: Any, make_user: Any) -> None:
    leader = make_user("leader", unit="ST2", scope="ST2")
    waves = api("/api/v1/reports/waves", leader.username).get_json()
    assert [wave["id"] for wave in waves] == [world.wave.id]  # the campaign covers BUR
    assert waves[0]["instruments"] == ["phq9", "gad7"]


SCOPE_CASES = [
    ("/api/v1/reports/units/ST1?wave={wave}", 404),  # outside the ST2 leader's scope
    ("/api/v1/reports/units/BUR?wave={wave}", 404),  # the parent too
    ("/api/v1/reports/units/NOPE?wave={wave}", 404),
    ("/api/v1/reports/units/ST2?wave=999999", 404),  # unknown wave
    ("/api/v1/reports/units/ST2?wave=abc", 422),
    ("/api/v1/reports/units/ST2", 422),  # the wave is required
    ("/api/v1/reports/units/ST2/trend", 422),  # the instrument is required
    ("/api/v1/reports/units/ST2/trend?instrument=nope", 404),
    ("/api/v1/reports/units/ST2/trend?instrument=phq9&campaign=x", 422),
    ("/api/v1/reports/units/ST1/trend?instrument=phq9", 404),
    ("/api/v1/reports/units/ST1.pdf?wave={wave}", 404),
    ("/api/v1/reports/units/ST1.csv?wave={wave}", 404),
    ("/api/v1/reports/units/ST2.csv?wave=999999", 404),
    ("/api/v1/reports/units/ST2?wave={wave}", 200),
]


def test_scope_and_parameters(world: Any, api: Any, make_user: Any) -> None:
    leader = make_user("leader", unit="ST2", scope="ST2")
    for path, status in SCOPE_CASES:
        response = api(path.format(wave=world.wave.id), leader.username)
        assert response.status_code == status, (path, response.get_data(as_text=True)[:300])
        if status != 200:
            assert "error" in response.get_json()


def test_csv_equals_the_api_rows(world: Any, api: Any, make_user: Any) -> None:
    leader = make_user("leader", unit="BUR", scope="BUR")
    body = api(f"/api/v1/reports/units/BUR?wave={world.wave.id}", leader.username).get_json()
    response = api(f"/api/v1/reports/units/BUR.csv?wave={world.wave.id}", leader.username)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == len(body["rows"])
    for line, row in zip(rows, body["rows"], strict=True):
        assert line["unit"] == row["unit"]
        assert line["parent"] == (row["parent"] or "")
        assert _number(line["invited"]) == row["invited"]
        assert _number(line["responded"]) == row["responded"]
        for instrument, result in row["instruments"].items():
            assert _number(line[f"{instrument}.n"]) == result["n"]
            assert _number(line[f"{instrument}.mean"]) == result["mean"]
            for band, count in result["bands"].items():
                assert _number(line[f"{instrument}.{band}"]) == count
    assert "hidden" not in rows[0]  # no column of reasons


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def test_trend_across_two_closed_waves(world: Any, api: Any, make_user: Any) -> None:
    everyone = [name for group in world.names.values() for name in group]
    second = world.run_wave({name: (2, 2) for name in everyone})  # all minimal
    leader = make_user("leader", unit="BUR", scope="BUR")
    body = api("/api/v1/reports/units/BUR/trend?instrument=phq9", leader.username).get_json()
    assert body["unit"] == "BUR"
    assert body["instrument"] == "phq9"
    assert [point["wave"]["id"] for point in body["points"]] == [world.wave.id, second.id]
    first_report = api(
        f"/api/v1/reports/units/BUR?wave={world.wave.id}", leader.username
    ).get_json()
    phq9 = first_report["rows"][0]["instruments"]["phq9"]
    assert {k: body["points"][0][k] for k in ("n", "bands", "mean")} == {
        k: phq9[k] for k in ("n", "bands", "mean")
    }
    latest = body["points"][1]
    assert latest["n"] == 21
    assert latest["responded"] == 21
    # everyone in one band: the breakdown would reveal each person's band
    assert set(latest["bands"].values()) == {None}
    assert "hidden" not in latest  # and nothing says why they are hidden


def test_no_shown_count_below_k_and_the_attacker_learns_nothing(
    world: Any, api: Any, make_user: Any, db_session: Any, attack: Callable[..., Any]
) -> None:
    more = world.add_officers("ST2", 3) + world.add_officers("BUR", 1)
    everyone = [name for group in world.names.values() for name in group] + more
    wave = world.run_wave({name: ((i * 7) % 25, (i * 5) % 22) for i, name in enumerate(everyone)})
    supervisor = make_user("supervisor", unit="BUR", scope="BUR")
    body = api(f"/api/v1/reports/units/BUR?wave={wave.id}", supervisor.username).get_json()
    for row in body["rows"]:
        for result in row["instruments"].values():
            for value in [result["n"], *result["bands"].values()]:
                assert value is None or value == 0 or value >= K
    for instrument in ("phq9", "gad7"):
        truth = _truth(db_session, wave.id, instrument, body)
        table = _table_from_api(body, instrument)
        found = attack(truth, table, public_n=True)
        assert found.leaks(table.band_ids, K) == []


def _truth(session: Any, wave_id: int, instrument: str, body: dict[str, Any]) -> list[Any]:
    bands = next(i["bands"] for i in body["instruments"] if i["id"] == instrument)
    units = load_units(session)
    results = count_facts(session, wave_id, instrument).unit_results(units, bands)
    shown = {row["unit"] for row in body["rows"]}
    return [unit for unit in results if unit.code in shown]


def _table_from_api(body: dict[str, Any], instrument: str) -> ProtectedTable:
    bands = next(i["bands"] for i in body["instruments"] if i["id"] == instrument)
    rows = []
    for row in body["rows"]:
        result = row["instruments"][instrument]
        rows.append(
            ReportRow(
                unit=row["unit"],
                parent=row["parent"],
                n=Cell(result["n"]),
                bands={band: Cell(result["bands"][band]) for band in bands},
                mean=Mean(result["mean"]),
            )
        )
    return ProtectedTable(k=body["k"], band_ids=tuple(bands), rows=tuple(rows), rounds=0)
