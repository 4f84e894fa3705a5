"""Facts schema, the shuffle of closed waves' facts, stored releases and the DP budget."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select

from wellbeing.jobs import JobContext, find_job
from wellbeing.reports.aggregate import fact_counts, load_units, own_participation
from wellbeing.reports.disclosure import protect_table
from wellbeing.reports.models import Fact, FactShuffle, Release
from wellbeing.reports.release import MEAN_DECIMALS, protected_tables_and, wave_budget
from wellbeing.reports.shuffle import shuffle_wave_facts, waves_to_shuffle
from wellbeing.reports.tree import DisclosureError


def test_facts_carry_no_officer_id_and_no_fine_timestamp(engine: Engine) -> None:
    columns = {column["name"]: column for column in inspect(engine).get_columns("report_facts")}
    assert set(columns) == {"id", "unit_id", "wave_id", "instrument_id", "band", "total", "flags"}
    for column in columns.values():
        assert "date" not in str(column["type"]).lower()
        assert "time" not in str(column["type"]).lower()
    foreign = {fk["referred_table"] for fk in inspect(engine).get_foreign_keys("report_facts")}
    assert foreign == {"units", "waves"}  # never users, submissions or assignments


@pytest.fixture
def closed_wave(report_world: Any) -> Any:
    """Seven officers in ST1-T1 and six in ST2-T1 answered a wave that then closed."""
    names = report_world.add_officers("ST1-T1", 7) + report_world.add_officers("ST2-T1", 6)
    return report_world.run_wave({name: (i % 15, i % 12) for i, name in enumerate(names)})


def _facts(session: Any, wave_id: int) -> list[tuple[Any, ...]]:
    rows = session.execute(
        select(Fact.id, Fact.unit_id, Fact.instrument_id, Fact.band, Fact.total).where(
            Fact.wave_id == wave_id
        )
    ).all()
    return [tuple(row) for row in rows]


def test_shuffle_gives_fresh_ids_and_keeps_the_figures(closed_wave: Any, db_session: Any) -> None:
    before = _facts(db_session, closed_wave.id)
    assert closed_wave.id in waves_to_shuffle(db_session)
    assert shuffle_wave_facts(db_session, closed_wave.id) == len(before) == 26
    after = _facts(db_session, closed_wave.id)
    assert {row[0] for row in before}.isdisjoint(row[0] for row in after)
    assert sorted(row[1:] for row in before) == sorted(row[1:] for row in after)
    assert closed_wave.id not in waves_to_shuffle(db_session)


def test_shuffle_job_is_registered_and_idempotent(
    closed_wave: Any, app: Any, db_session: Any
) -> None:
    job = find_job("reports.shuffle_facts")
    context = JobContext(
        database=app.extensions["wellbeing.db"], settings=app.extensions["wellbeing.settings"]
    )
    job.func(context)
    job.func(context)
    shuffles = db_session.scalars(select(FactShuffle)).all()
    assert [(s.wave_id, s.facts) for s in shuffles] == [(closed_wave.id, 26)]
    releases = db_session.scalars(select(Release).where(Release.wave_id == closed_wave.id))
    assert sorted(r.instrument_id for r in releases) == ["gad7", "phq9"]  # published ahead


def test_open_waves_are_not_shuffled(report_world: Any, db_session: Any) -> None:
    names = report_world.add_officers("ST1-T1", 3)
    wave = report_world.run_wave({name: (1, 1) for name in names}, close=False)
    assert wave.id not in waves_to_shuffle(db_session)


def test_an_exact_release_is_published_by_the_job_and_requests_never_write(
    closed_wave: Any, make_app: Any, make_user: Any, api_headers: Any, db_session: Any
) -> None:
    app = make_app(report_min_cell=5)
    client = app.test_client()
    bureau = api_headers(make_user("leader", unit="BUR", scope="BUR").username)
    station = api_headers(make_user("leader", unit="ST1", scope="ST1").username)
    path = "/api/v1/reports/units/{}?wave=" + str(closed_wave.id)
    whole = client.get(path.format("BUR"), headers=bureau).get_json()
    part = client.get(path.format("ST1"), headers=station).get_json()
    assert part["rows"] == [row for row in whole["rows"] if row["unit"].startswith("ST1")]
    releases = select(func.count()).select_from(Release).where(Release.wave_id == closed_wave.id)
    assert db_session.scalar(releases) == 0  # computed for the requests, not written by them

    context = JobContext(
        database=app.extensions["wellbeing.db"], settings=app.extensions["wellbeing.settings"]
    )
    find_job("reports.shuffle_facts").func(context)
    assert db_session.scalar(releases) == 2  # one per instrument
    assert client.get(path.format("BUR"), headers=bureau).get_json()["rows"] == whole["rows"]

    # requests now read the stored release: a (test-only) edit of it shows through
    phq9 = db_session.scalars(
        select(Release).where(Release.wave_id == closed_wave.id, Release.instrument_id == "phq9")
    ).one()
    cells = copy.deepcopy(phq9.cells)
    cells["rows"][0]["n"] = [999, None]
    phq9.cells = cells
    db_session.commit()
    served = client.get(path.format("BUR"), headers=bureau).get_json()["rows"][0]
    assert served["instruments"]["phq9"]["n"] == 999


def test_dp_mode_records_the_budget_once(
    closed_wave: Any, make_app: Any, make_user: Any, api_headers: Any, db_session: Any
) -> None:
    app = make_app(report_min_cell=5, report_dp_epsilon=1.0)
    client = app.test_client()
    headers = api_headers(make_user("leader", unit="BUR", scope="BUR").username)
    path = f"/api/v1/reports/units/BUR?wave={closed_wave.id}"
    first = client.get(path, headers=headers).get_json()
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
            assert result["hidden"]["mean"] in {
                "noise_mode",
                "too_few",
                "one_band",
                "protects_other",
            }
    # a later change of the setting does not re-release (and re-spend) the wave
    other = make_app(report_min_cell=5, report_dp_epsilon=0.5).test_client()
    assert other.get(path, headers=headers).get_json()["rows"] == first["rows"]
    assert len(db_session.scalars(select(Release)).all()) == 2


def test_disclosure_control_in_its_worker_thread_matches_and_the_session_work_runs_meanwhile(
    closed_wave: Any, report_world: Any, db_session: Any
) -> None:
    """`protected_tables_and` protects each instrument in a worker thread while this thread
    queries: the tables equal those protected here from one GROUP BY of the wave, and
    `meanwhile`'s result (a query on the same session) comes back unchanged."""
    catalogue = report_world.policy.catalogue
    definitions = [catalogue.get("phq9"), catalogue.get("gad7")]
    units = load_units(db_session)
    counts = fact_counts(db_session, closed_wave.id)
    expected = {}
    for definition in definitions:
        bands = [band.id for band in definition.bands]
        expected[definition.id] = protect_table(
            counts[definition.id].unit_results(units, bands),
            bands,
            5,
            public_n=True,
            mean_decimals=MEAN_DECIMALS,
        )

    def participation() -> dict[int, tuple[int, int]]:
        return own_participation(db_session, closed_wave.id)

    tables, own = protected_tables_and(
        db_session, closed_wave.id, definitions, units, 5, None, participation
    )
    assert tables == expected
    assert list(tables) == ["phq9", "gad7"]
    assert own == own_participation(db_session, closed_wave.id)
    assert sum(invited for invited, _responded in own.values()) == 13

    with pytest.raises(DisclosureError):  # an error in the worker reaches the caller
        protected_tables_and(db_session, closed_wave.id, definitions, units, 2, None, participation)
