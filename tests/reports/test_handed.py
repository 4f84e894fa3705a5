"""What reports are handed by screening (screening.reporting): waves as plain records and
participation per wave and unit — reports themselves never import screening."""

from __future__ import annotations

from typing import Any

from wellbeing.reports.aggregate import load_units, subtree_participation
from wellbeing.screening.reporting import (
    closed_waves,
    find_closed_wave,
    visible_waves,
    wave_participation,
)


def test_participation_is_counted_per_wave_and_own_unit(report_world: Any, db_session: Any) -> None:
    team = report_world.add_officers("ST1-T1", 3)
    station = report_world.add_officers("ST1", 2)
    first = report_world.run_wave({team[0]: (3, 3), team[1]: (4, 4), station[0]: (5, 5)})
    second = report_world.run_wave({team[0]: (3, 3)}, close=False)
    units = load_units(db_session)
    ids = {unit.code: unit.id for unit in units}
    found = wave_participation(db_session, [first.id, second.id, second.id + 1000])
    assert found[first.id] == {ids["ST1-T1"]: (3, 2), ids["ST1"]: (2, 1)}
    assert found[second.id] == {ids["ST1-T1"]: (3, 1), ids["ST1"]: (2, 0)}
    assert found[second.id + 1000] == {}  # asked for, nobody assigned
    subtrees = subtree_participation(units, found[first.id])
    assert (subtrees["BUR"], subtrees["ST1"], subtrees["ST2"]) == ((5, 3), (5, 3), (0, 0))


def test_waves_are_described_as_reports_need_them(
    report_world: Any, db_session: Any, org: Any
) -> None:
    names = report_world.add_officers("ST1-T1", 2)
    first = report_world.run_wave({names[0]: (3, 3)})
    second = report_world.run_wave({}, close=False)
    assert [wave.id for wave in closed_waves(db_session)] == [first.id]
    described = find_closed_wave(db_session, first.id)
    assert described is not None
    assert described.closed
    assert (described.campaign_id, described.seq) == (report_world.campaign.id, 1)
    assert described.instruments == ("phq9", "gad7")
    assert find_closed_wave(db_session, second.id) is None  # still open
    seen = visible_waves(db_session, [org["ST2"]])  # the campaign is on BUR: it overlaps
    assert [(wave.id, wave.closed) for wave in seen] == [(second.id, False), (first.id, True)]
