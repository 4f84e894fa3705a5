"""The staff-category split (民警/辅警) through the real pipeline: officers with a category answer a
wave, the release job opens the sealed facts and stores a split protected with the unit rows,
and the leader's page, API, CSV and PDF show it — hidden cells with the same neutral mark as any,
no reason. Facts at rest carry no plain category."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import inspect, select

from tests.reports.category_attacker import expose_split
from wellbeing.facts.models import Fact
from wellbeing.reports.models import Release
from wellbeing.reports.release import decode_table

K = 5


@pytest.fixture
def world(report_world: Any) -> Any:
    """ST1-T1: 7 police officers and 3 auxiliaries; ST1-T2: 6 police and 6 auxiliaries; one
    officer in ST2-T1 with no category. One closed wave, released at k=5."""
    people: dict[str, list[str]] = {"police": [], "auxiliary": [], "none": []}
    for unit, police, auxiliary in (("ST1-T1", 7, 3), ("ST1-T2", 6, 6)):
        for category, count in (("police", police), ("auxiliary", auxiliary)):
            for name in report_world.add_officers(unit, count):
                report_world.officers[name].staff_category = category
                people[category].append(name)
    people["none"] = report_world.add_officers("ST2-T1", 1)
    everyone = [name for names in people.values() for name in names]
    report_world.wave = report_world.run_wave(
        {name: ((i * 4) % 24, (i * 5) % 21) for i, name in enumerate(everyone)}, release=None
    )
    report_world.people = people
    return report_world


def _publish(world: Any, k: int, *, split: bool) -> list[Any]:
    """What the release job does with WELLBEING_REPORT_STAFF_SPLIT on (or off)."""
    from wellbeing.releases.publish import publish_closed_wave

    catalogue = world.policy.catalogue
    return publish_closed_wave(world.session, catalogue, world.wave.id, k, None, staff_split=split)


@pytest.fixture
def split_world(world: Any) -> Any:
    """The world with its wave released at k=5, split by staff category."""
    assert len(_publish(world, K, split=True)) == 2
    return world


def _release(world: Any, instrument: str) -> Any:
    found = world.session.scalars(
        select(Release).where(Release.wave_id == world.wave.id, Release.instrument_id == instrument)
    ).one()
    return decode_table(found.cells)


def test_the_release_is_split_by_category_and_safe(split_world: Any, db_session: Any) -> None:
    world = split_world
    from wellbeing.facts.service import count_facts

    assert [c["name"] for c in inspect(db_session.bind).get_columns("report_facts")] == [
        column.name for column in Fact.__table__.columns
    ]
    assert not any("categor" in column.name for column in Fact.__table__.columns)
    for instrument in ("phq9", "gad7"):
        table = _release(world, instrument)
        assert set(table.categories) == {"police", "auxiliary"}
        t1 = table.category_rows("ST1-T1")
        assert t1["auxiliary"].n.hidden  # 3 auxiliaries: below k
        assert all(cell.hidden for cell in t1["auxiliary"].bands.values())
        assert t1["police"].n.value == 7
        assert table.category_rows("ST2-T1")["police"].n.value == 0
        counts = count_facts(db_session, world.wave.id, instrument)
        units = {u.code: u.id for u in world.session.scalars(select(_unit_model()))}
        own: dict[tuple[str, str], dict[str, int]] = {}
        for code, unit_id in units.items():
            for category in ("police", "auxiliary"):
                own[(code, category)] = dict(
                    (b, c)
                    for b, (c, _) in counts.by_category.get(category, {}).get(unit_id, {}).items()
                )
            rest = {
                b: c - sum(own[(code, cat)].get(b, 0) for cat in ("police", "auxiliary"))
                for b, (c, _) in counts.cells.get(unit_id, {}).items()
            }
            own[(code, "none")] = rest
        links = [(row.unit, row.parent) for row in table.rows]
        assert expose_split(links, own, [table], list(table.band_ids), K) == []


def _unit_model() -> Any:
    from wellbeing.org.models import Unit

    return Unit


def _leader_client(app: Any, login: Any, make_user: Any, locale: str) -> Any:
    leader = make_user("leader", unit="ST1", scope="ST1", locale=locale)
    client = app.test_client()
    login(client, leader.username)
    return client


@pytest.fixture
def app5(make_app: Any) -> Any:
    return make_app(report_min_cell=K)


def test_the_page_shows_the_split_with_neutral_marks(
    split_world: Any, app5: Any, login: Any, make_user: Any
) -> None:
    world = split_world
    client = _leader_client(app5, login, make_user, "zh_CN")
    page = client.get(f"/reports/units/ST1-T1?wave={world.wave.id}").get_data(as_text=True)
    assert page.count('class="results report category-table"') == 2  # one per instrument
    for words in ("按人员类别", "民警", "辅警"):
        assert words in page
    table = page[page.index("category-table") :]
    table = table[: table.index("</table>")]
    assert 'class="hidden-cell"' in table  # the auxiliaries' cells: the one neutral mark
    for reason in ("too_few", "one_band", "protects_other", "data-reason"):
        assert reason not in page


def test_the_api_csv_and_pdf_carry_the_split(
    split_world: Any, app5: Any, login: Any, make_user: Any, api_headers: Any
) -> None:
    world = split_world
    leader = make_user("leader", unit="ST1", scope="ST1", locale="en")
    body = (
        app5.test_client()
        .get(
            f"/api/v1/reports/units/ST1?wave={world.wave.id}",
            headers=api_headers(leader.username),
        )
        .get_json()
    )
    t1 = next(row for row in body["rows"] if row["unit"] == "ST1-T1")
    assert t1["staff_categories"]["police"]["phq9"]["n"] == 7
    assert t1["staff_categories"]["auxiliary"]["phq9"]["n"] is None
    client = app5.test_client()
    login(client, leader.username)
    text = client.get(f"/reports/units/ST1.csv?wave={world.wave.id}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    split = [row for row in rows if row["unit"] == "ST1-T1"]
    assert [row["staff_category"] for row in split] == ["", "police", "auxiliary"]
    assert (split[1]["phq9.n"], split[2]["phq9.n"]) == ("7", "")
    assert split[1]["invited"] == ""  # participation is not published per category
    pdf = client.get(f"/reports/units/ST1-T1.pdf?wave={world.wave.id}").data
    words = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("By staff category", "Police officers", "Auxiliary officers"):
        assert expected in words


def test_a_wave_without_categories_has_no_split(
    report_world: Any, app5: Any, login: Any, make_user: Any
) -> None:
    names = report_world.add_officers("ST1-T1", 6)
    wave = report_world.run_wave({name: (5, 5) for name in names})
    table = decode_table(
        report_world.session.scalars(
            select(Release.cells).where(Release.wave_id == wave.id, Release.instrument_id == "phq9")
        ).one()
    )
    assert table.categories == {}
    client = _leader_client(app5, login, make_user, "en")
    page = client.get(f"/reports/units/ST1-T1?wave={wave.id}").get_data(as_text=True)
    assert "category-table" not in page
    text = client.get(f"/reports/units/ST1.csv?wave={wave.id}").get_data(as_text=True)
    assert "staff_category" not in text.splitlines()[0]


def test_without_the_setting_a_release_has_no_split(world: Any) -> None:
    _publish(world, K, split=False)
    assert _release(world, "phq9").categories == {}
    _publish(world, 6, split=True)  # another threshold, split: audited with the first
    [six] = world.session.scalars(
        select(Release.cells).where(
            Release.wave_id == world.wave.id, Release.instrument_id == "phq9", Release.k == 6
        )
    ).all()
    assert set(decode_table(six).categories) == {"police", "auxiliary"}


@pytest.mark.parametrize(("raw", "expected"), [(None, False), ("on", True), ("off", False)])
def test_the_split_is_a_setting_off_by_default(raw: str | None, expected: bool) -> None:
    from wellbeing.core.config import load_settings

    environ = {} if raw is None else {"WELLBEING_REPORT_STAFF_SPLIT": raw}
    assert load_settings(environ=environ).report_staff_split is expected


def test_the_release_job_splits_when_the_setting_is_on(world: Any, make_app: Any) -> None:
    from wellbeing.app.jobs import JobContext, find_job

    app = make_app(report_min_cell=K, report_staff_split=True)
    context = JobContext(
        database=app.extensions["wellbeing.db"], settings=app.extensions["wellbeing.settings"]
    )
    find_job("reports.release_waves").func(context)
    table = _release(world, "gad7")
    assert set(table.categories) == {"police", "auxiliary"}
    assert table.category_rows("ST1-T1")["auxiliary"].n.hidden
