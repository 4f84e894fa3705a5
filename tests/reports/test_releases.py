"""Sealed facts, the release job, stored releases (what leaders see, nothing more), the sealed
reasons and the DP budget."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select, update

from wellbeing.app.jobs import JobContext, find_job
from wellbeing.audit.models import AuditEntry
from wellbeing.crypto import CryptoError
from wellbeing.facts.models import Fact, ReleaseReasons
from wellbeing.facts.service import count_facts
from wellbeing.releases.publish import release_reasons, waves_to_release
from wellbeing.reports.aggregate import load_units
from wellbeing.reports.disclosure import ExactAudit, Reason, explain_table
from wellbeing.reports.models import Release
from wellbeing.reports.release import MEAN_DECIMALS, band_ranges, wave_budget


def test_facts_carry_no_result_in_plaintext_no_officer_id_and_no_fine_timestamp(
    engine: Engine,
) -> None:
    columns = {column["name"]: column for column in inspect(engine).get_columns("report_facts")}
    assert set(columns) == {"id", "unit_id", "wave_id", "instrument_id", "result_sealed"}
    for column in columns.values():
        assert "date" not in str(column["type"]).lower()
        assert "time" not in str(column["type"]).lower()
    foreign = {fk["referred_table"] for fk in inspect(engine).get_foreign_keys("report_facts")}
    assert foreign == {"units", "waves"}  # never users, submissions or assignments


@pytest.fixture
def closed_wave(report_world: Any) -> Any:
    """Seven officers in ST1-T1 and six in ST2-T1 answered a wave that then closed (the job
    has not released it yet)."""
    names = report_world.add_officers("ST1-T1", 7) + report_world.add_officers("ST2-T1", 6)
    totals = {name: (i % 15, i % 12) for i, name in enumerate(names)}
    return report_world.run_wave(totals, release=None)


def _context(app: Any) -> JobContext:
    return JobContext(
        database=app.extensions["wellbeing.db"], settings=app.extensions["wellbeing.settings"]
    )


def test_a_fact_opens_only_in_its_own_row(closed_wave: Any, db_session: Any) -> None:
    facts = db_session.scalars(select(Fact).where(Fact.wave_id == closed_wave.id)).all()
    assert len(facts) == 26  # 13 officers x 2 instruments
    assert {fact.instrument_id for fact in facts} == {"phq9", "gad7"}
    assert all(set(fact.result) == {"band", "total"} for fact in facts)
    first, second = facts[0], facts[1]
    stolen = first.result_sealed  # a result moved to another row does not open there
    db_session.execute(update(Fact).where(Fact.id == second.id).values(result_sealed=stolen))
    db_session.expire_all()
    moved = db_session.get(Fact, second.id)
    with pytest.raises(CryptoError):
        _ = moved.result


def test_counting_the_sealed_facts_gives_the_bands_and_totals(
    closed_wave: Any, report_world: Any, db_session: Any
) -> None:
    counts = count_facts(db_session, closed_wave.id, "phq9")
    units = load_units(db_session)
    bands = [band.id for band in report_world.policy.catalogue.get("phq9").bands]
    results = {unit.code: unit for unit in counts.unit_results(units, bands)}
    st1, st2 = results["ST1-T1"], results["ST2-T1"]
    assert sum(st1.bands.values()) == 7
    assert sum(st2.bands.values()) == 6
    # totals i % 15 for i = 0..12: ST1-T1 has i = 0..6, ST2-T1 has i = 7..12
    assert st1.total_sum == sum(range(7))
    assert st2.total_sum == sum(range(7, 13))


def test_the_release_job_stores_each_instrument_once_with_sealed_reasons(
    closed_wave: Any, app: Any, db_session: Any
) -> None:
    settings = app.extensions["wellbeing.settings"]
    catalogue = app.extensions["wellbeing.policy"].catalogue
    k = settings.report_min_cell
    assert waves_to_release(db_session, catalogue, k, None) == [closed_wave.id]
    job = find_job("reports.release_waves")
    job.func(_context(app))
    job.func(_context(app))  # idempotent
    releases = db_session.scalars(select(Release).where(Release.wave_id == closed_wave.id)).all()
    assert sorted(r.instrument_id for r in releases) == ["gad7", "phq9"]
    assert waves_to_release(db_session, catalogue, k, None) == []
    for release in releases:
        stored = release.cells
        for row in stored["rows"]:  # values only: a hidden value is null, and nothing says why
            for value in [row["n"], *row["bands"].values(), row["mean"]]:
                assert value is None or isinstance(value, int | float)
        reasons = release_reasons(db_session, release.id)
        hidden = sum(
            value is None
            for row in stored["rows"]
            for value in [row["n"], *row["bands"].values(), row["mean"]]
        )
        assert hidden > 0  # 7 and 6 people with k = 10: there is something to protect
        assert len(reasons) == hidden
        assert {reason for _unit, _column, reason in reasons} <= {r.value for r in Reason}
        audited = db_session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "report.released", AuditEntry.target_id == str(release.id)
            )
        ).one()
        assert audited.detail["hidden"] == hidden
        assert "reasons" not in audited.detail
    sealed = db_session.scalars(select(ReleaseReasons)).all()
    assert len(sealed) == 2
    assert all(b"too_few" not in row.reasons_sealed for row in sealed)


def test_the_stored_reasons_are_those_disclosure_control_gave(
    closed_wave: Any, report_world: Any, db_session: Any
) -> None:
    phq9 = {r.instrument_id: r for r in report_world.release(closed_wave, 5)}["phq9"]
    bands = [band.id for band in report_world.policy.catalogue.get("phq9").bands]
    units = load_units(db_session)
    results = count_facts(db_session, closed_wave.id, "phq9").unit_results(units, bands)
    definition = report_world.policy.catalogue.get("phq9")
    audit = ExactAudit(band_ranges=band_ranges(definition))
    expected = explain_table(
        results, bands, 5, public_n=True, mean_decimals=MEAN_DECIMALS, exact=audit
    )
    stored = {
        (unit, column): Reason(why) for unit, column, why in release_reasons(db_session, phq9.id)
    }
    assert stored == dict(expected.reasons)


def test_open_waves_are_not_released(report_world: Any, app: Any, db_session: Any) -> None:
    names = report_world.add_officers("ST1-T1", 3)
    wave = report_world.run_wave({name: (1, 1) for name in names}, close=False)
    catalogue = app.extensions["wellbeing.policy"].catalogue
    assert waves_to_release(db_session, catalogue, 5, None) == []
    assert report_world.release(wave, 5) == []


def test_requests_only_read_stored_releases(
    closed_wave: Any,
    report_world: Any,
    make_app: Any,
    make_user: Any,
    api_headers: Any,
    db_session: Any,
) -> None:
    app = make_app(report_min_cell=5)
    client = app.test_client()
    bureau = api_headers(make_user("leader", unit="BUR", scope="BUR").username)
    station = api_headers(make_user("leader", unit="ST1", scope="ST1").username)
    path = "/api/v1/reports/units/{}?wave=" + str(closed_wave.id)
    releases = select(func.count()).select_from(Release).where(Release.wave_id == closed_wave.id)

    before = client.get(path.format("BUR"), headers=bureau).get_json()
    assert before["pending"] is True  # closed, not released yet: participation only
    assert before["instruments"] == []
    assert all(row["instruments"] == {} for row in before["rows"])
    assert db_session.scalar(releases) == 0  # a request never computes or writes one

    find_job("reports.release_waves").func(_context(app))
    assert db_session.scalar(releases) == 2  # one per instrument
    whole = client.get(path.format("BUR"), headers=bureau).get_json()
    part = client.get(path.format("ST1"), headers=station).get_json()
    assert whole["pending"] is False
    assert [i["id"] for i in whole["instruments"]] == ["phq9", "gad7"]
    assert part["rows"] == [row for row in whole["rows"] if row["unit"].startswith("ST1")]

    # requests read the stored release: a (test-only) edit of it shows through
    phq9 = db_session.scalars(
        select(Release).where(Release.wave_id == closed_wave.id, Release.instrument_id == "phq9")
    ).one()
    cells = copy.deepcopy(phq9.cells)
    cells["rows"][0]["n"] = 999
    phq9.cells = cells
    db_session.commit()
    served = client.get(path.format("BUR"), headers=bureau).get_json()["rows"][0]
    assert served["instruments"]["phq9"]["n"] == 999


def test_dp_mode_records_the_budget_once(
    closed_wave: Any,
    report_world: Any,
    make_app: Any,
    make_user: Any,
    api_headers: Any,
    db_session: Any,
) -> None:
    app = make_app(report_min_cell=5, report_dp_epsilon=1.0)
    client = app.test_client()
    headers = api_headers(make_user("leader", unit="BUR", scope="BUR").username)
    path = f"/api/v1/reports/units/BUR?wave={closed_wave.id}"
    find_job("reports.release_waves").func(_context(app))
    first = client.get(path, headers=headers).get_json()
    find_job("reports.release_waves").func(_context(app))
    second = client.get(path, headers=headers).get_json()
    assert first["rows"] == second["rows"]  # the stored noisy release, not fresh noise
    releases = db_session.scalars(select(Release).where(Release.wave_id == closed_wave.id)).all()
    assert sorted(r.instrument_id for r in releases) == ["gad7", "phq9"]
    assert all(r.kind == "dp" and r.epsilon is not None and r.epsilon <= 1.0 for r in releases)
    assert wave_budget(db_session, closed_wave.id) == pytest.approx(
        sum(r.epsilon for r in releases)
    )
    assert first["privacy"]["epsilon_spent"] == pytest.approx(
        wave_budget(db_session, closed_wave.id)
    )
    for row in first["rows"]:
        for result in row["instruments"].values():
            assert result["mean"] is None
            assert "hidden" not in result
    # a later change of the setting does not re-release (and re-spend) the wave
    report_world.release(closed_wave, 5, 0.5)
    other = make_app(report_min_cell=5, report_dp_epsilon=0.5).test_client()
    assert other.get(path, headers=headers).get_json()["rows"] == first["rows"]
    assert len(db_session.scalars(select(Release)).all()) == 2


def test_reports_never_open_a_sealed_value(repo_root: Any) -> None:
    """Only the release job (facts/) opens facts: the reports package imports no crypto, no
    sealed column, no facts and no referrals (DESIGN.md: reports never decrypt)."""
    import ast

    forbidden = (
        "wellbeing.crypto",
        "wellbeing.sealing",
        "wellbeing.facts",
        "wellbeing.referrals",
    )
    found = []
    for path in sorted((repo_root / "wellbeing" / "reports").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [f"{path.name}: {name}" for name in names if name.startswith(forbidden)]
    assert found == []
