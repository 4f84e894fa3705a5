"""How a page reads stored releases: a scope's rows only, and a trend's waves in one query —
with exactly the figures the whole stored table holds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from wellbeing.instruments import Definition
from wellbeing.reports.release import stored_tables, stored_tables_of_waves
from wellbeing.reports.report import build_trend, build_unit_report
from wellbeing.reports.waves import WaveInfo
from wellbeing.screening.reporting import find_closed_wave, wave_participation


def _two_waves(report_world: Any) -> list[Any]:
    names = report_world.add_officers("ST1-T1", 7) + report_world.add_officers("ST2-T1", 6)
    first = report_world.run_wave({n: (i % 15, i % 12) for i, n in enumerate(names)})
    second = report_world.run_wave({n: ((i + 4) % 15, i % 9) for i, n in enumerate(names)})
    return [first, second]


def _closed(session: Any, wave_id: int) -> WaveInfo:
    found = find_closed_wave(session, wave_id)
    assert found is not None
    return found


def _phq9(report_world: Any) -> Definition:
    definition: Definition = report_world.policy.catalogue.get("phq9")
    return definition


def test_a_scope_reads_its_own_rows_of_the_stored_table(report_world: Any, db_session: Any) -> None:
    wave, _second = _two_waves(report_world)
    definitions = [_phq9(report_world)]
    whole = stored_tables(db_session, wave.id, definitions, 5, None)["phq9"]
    part = stored_tables(db_session, wave.id, definitions, 5, None, {"ST1", "ST1-T1"})["phq9"]
    assert part.rows == tuple(row for row in whole.rows if row.unit in {"ST1", "ST1-T1"})
    info = _closed(db_session, wave.id)
    participation = wave_participation(db_session, [wave.id])[wave.id]
    report = build_unit_report(
        db_session, report_world.policy.catalogue, "ST1", info, participation, 5, None
    )
    by_unit = {row.unit: row for row in whole.rows}
    assert [line.unit.code for line in report.lines] == ["ST1", "ST1-T1", "ST1-T2"]
    for line in report.lines:
        expected = by_unit.get(line.unit.code)
        assert line.results.get("phq9") == expected


def test_a_trend_reads_every_wave_in_one_query_with_each_waves_own_row(
    report_world: Any, db_session: Any
) -> None:
    waves = [_closed(db_session, wave.id) for wave in _two_waves(report_world)]
    definition = _phq9(report_world)
    participation = wave_participation(db_session, [wave.id for wave in waves])
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    connection = db_session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        trend = build_trend(
            db_session,
            report_world.policy.catalogue,
            "ST1",
            waves,
            participation,
            definition,
            5,
            None,
        )
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert sum("report_releases" in sql for sql in statements) == 1
    assert [point.wave.id for point in trend.points] == [wave.id for wave in waves]
    tables = stored_tables_of_waves(db_session, [w.id for w in waves], [definition], 5, None)
    for point in trend.points:
        rows = {row.unit: row for row in tables[point.wave.id]["phq9"].rows}
        assert point.row == rows["ST1"]
