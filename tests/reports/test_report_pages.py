"""Report pages, downloads and the role matrix of every report route."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from wellbeing.audit.models import AuditEntry

K = 5
WEB_ROUTES = [
    "/reports/",
    "/reports/units/BUR?wave={w}",
    "/reports/units/BUR.pdf?wave={w}",
    "/reports/units/BUR.csv?wave={w}",
]
API_ROUTES = [
    "/api/v1/reports/waves",
    "/api/v1/reports/units/BUR?wave={w}",
    "/api/v1/reports/units/BUR/trend?instrument=phq9",
    "/api/v1/reports/units/BUR.pdf?wave={w}",
    "/api/v1/reports/units/BUR.csv?wave={w}",
]


@pytest.fixture
def world(report_world: Any) -> Any:
    """Teams of 6 and 7 and two officers attached to ST1; one closed wave."""
    everyone = []
    for unit, size in (("ST1-T1", 6), ("ST1-T2", 7), ("ST2-T1", 7), ("ST1", 2)):
        everyone += report_world.add_officers(unit, size)
    report_world.wave = report_world.run_wave(
        {name: ((i * 4) % 24, (i * 5) % 21) for i, name in enumerate(everyone)}
    )
    return report_world


@pytest.fixture
def app5(make_app: Any) -> Any:
    """The app with k=5."""
    return make_app(report_min_cell=K)


def _web_client(app: Any, login: Any, username: str | None) -> Any:
    client = app.test_client()
    if username:
        login(client, username)
    return client


@pytest.mark.parametrize(
    ("role", "scope", "expected"),
    [
        (None, None, "anonymous"),
        ("officer", None, 403),
        ("counsellor", "BUR", 403),
        ("admin", None, 403),
        ("leader", "ST2", 404),  # outside scope (the index page lists the scope: 200/302)
        ("leader", "BUR", 200),
        ("supervisor", "BUR", 200),
    ],
)
def test_role_matrix_of_every_report_route(
    world: Any,
    app5: Any,
    login: Any,
    make_user: Any,
    api_headers: Any,
    role: str | None,
    scope: str | None,
    expected: Any,
) -> None:
    username = None
    if role:
        unit = scope or "ST1-T1"
        username = make_user(role, unit=unit, scope=scope).username
    web = _web_client(app5, login, username)
    headers = api_headers(username) if username else {}
    api = app5.test_client()
    for route in WEB_ROUTES:
        status = web.get(route.format(w=world.wave.id)).status_code
        want = {"anonymous": 302}.get(expected, expected)
        if route == "/reports/" and expected == 404:
            want = 302  # the index sends a one-scope leader to their own unit
        elif route == "/reports/" and expected == 200:
            want = 302
        assert status == want, (route, role, status)
    for route in API_ROUTES:
        status = api.get(route.format(w=world.wave.id), headers=headers).status_code
        want = {"anonymous": 401}.get(expected, expected)
        if route.endswith("/waves") and expected == 404:
            want = 200  # the list is simply the caller's own
        assert status == want, (route, role, status)


def test_dashboard_shows_charts_hidden_markers_and_drill_down(
    world: Any, app5: Any, login: Any, make_user: Any
) -> None:
    leader = make_user("leader", unit="BUR", scope="BUR", locale="en")
    client = _web_client(app5, login, leader.username)
    page = client.get(f"/reports/units/BUR?wave={world.wave.id}").get_data(as_text=True)
    assert 'data-instrument="phq9"' in page
    assert 'data-instrument="gad7"' in page
    assert page.count('class="bars"') == 2
    assert 'class="hidden-cell"' in page
    assert "Hidden to protect individuals" in page  # one explanation, in the user's language
    for reason in ("data-reason", "too_few", "one_band", "too few", "same band", "†", "‡"):
        assert reason not in page  # one neutral mark: nothing says why a value is hidden
    assert 'href="/reports/units/ST1?wave=' in page  # drill down
    assert "style=" not in page
    assert "<script" not in page
    station = client.get(f"/reports/units/ST1?wave={world.wave.id}").get_data(as_text=True)
    assert 'id="parent-unit"' in station
    assert 'data-unit="ST1-T2"' in station
    assert 'data-unit="ST2"' not in station


def test_dashboard_in_chinese(world: Any, app5: Any, login: Any, make_user: Any) -> None:
    leader = make_user("leader", unit="BUR", scope="BUR", locale="zh_CN")
    client = _web_client(app5, login, leader.username)
    page = client.get(f"/reports/units/BUR?wave={world.wave.id}").get_data(as_text=True)
    assert "已隐藏：为保护个人隐私" in page
    assert "人数过少" not in page
    assert "参与情况" in page


def test_open_wave_page_shows_participation_only(
    report_world: Any, app5: Any, login: Any, make_user: Any
) -> None:
    names = report_world.add_officers("ST1-T1", 6)
    wave = report_world.run_wave({name: (5, 5) for name in names}, close=False)
    leader = make_user("leader", unit="BUR", scope="BUR", locale="en")
    client = _web_client(app5, login, leader.username)
    page = client.get(f"/reports/units/BUR?wave={wave.id}").get_data(as_text=True)
    assert 'id="open-wave"' in page
    assert 'id="participation"' in page
    assert "data-instrument=" not in page
    assert 'class="bars"' not in page
    pdf = client.get(f"/reports/units/BUR.pdf?wave={wave.id}")
    text = _pdf_text(pdf.data)
    assert "Results appear once the wave has closed." in text


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


PHQ9_COLUMNS = ["n", "minimal", "mild", "moderate", "moderately_severe", "severe", "mean"]
GAD7_COLUMNS = ["n", "minimal", "mild", "moderate", "severe", "mean"]


def _page_rows(page: str, instrument: str) -> list[list[str]]:
    """Each row of an instrument's table on the page: unit name, then its cell texts."""
    start = page.index(f'data-instrument="{instrument}"')
    section = page[start : page.index("</table>", start)]
    rows = []
    for row in re.findall(r"<tr data-unit=[^>]*>(.*?)</tr>", section, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_pdf_has_chinese_text_and_the_page_numbers(
    world: Any, app5: Any, login: Any, make_user: Any, db_session: Any, locale: str
) -> None:
    leader = make_user("leader", unit="BUR", scope="BUR", locale=locale)
    client = _web_client(app5, login, leader.username)
    page = client.get(f"/reports/units/BUR?wave={world.wave.id}").get_data(as_text=True)
    response = client.get(f"/reports/units/BUR.pdf?wave={world.wave.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    if locale == "zh_CN":  # Chinese text through the built-in CID font, extracted back
        assert "单位报表：单位BUR" in text
        assert "参与情况" in text
        assert "已隐藏：为保护个人隐私" in text
        assert "人数过少" not in text
    else:
        assert "Unit report: Unit BUR" in text
        assert "Hidden to protect individuals" in text
        assert "too few" not in text
    lines = [" ".join(line.split()) for line in text.splitlines()]  # indentation dropped
    runs = {tuple(lines[i : i + 1 + len(PHQ9_COLUMNS)]) for i in range(len(lines))}
    runs |= {tuple(lines[i : i + 1 + len(GAD7_COLUMNS)]) for i in range(len(lines))}
    for instrument in ("phq9", "gad7"):
        rows = _page_rows(page, instrument)
        assert len(rows) == 6
        for row in rows:
            assert tuple(row) in runs, row  # the unit's name, then the same cells in order
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "report.downloaded")
    ).all()[-1]
    assert entry.target_id == "BUR"


def test_csv_download_is_audited(
    world: Any, app5: Any, login: Any, make_user: Any, db_session: Any
) -> None:
    leader = make_user("leader", unit="BUR", scope="BUR")
    client = _web_client(app5, login, leader.username)
    response = client.get(f"/reports/units/ST1.csv?wave={world.wave.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(".csv")
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "report.downloaded")
    ).all()
    assert [e.target_id for e in entries][-1:] == ["ST1"]


def test_index_lists_several_scopes(
    world: Any, app5: Any, login: Any, make_user: Callable[..., Any]
) -> None:
    leader = make_user("leader", unit="ST1", scope="ST1", extra_roles=("supervisor:ST2",))
    client = _web_client(app5, login, leader.username)
    page = client.get("/reports/").get_data(as_text=True)
    assert "/reports/units/ST1" in page
    assert "/reports/units/ST2" in page
