"""The activity report's page, PDF and CSV: what a leader sees of a released period, one neutral
mark for hidden values, the period picker, the refusals, and every download audited."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.activity.conftest import at
from wellbeing.activity.periods import Kind, Period
from wellbeing.activity.publish import publish_period
from wellbeing.audit.models import AuditEntry
from wellbeing.org import service as org_service
from wellbeing.referrals.models import Outcome

K = 5
FEBRUARY = Period(date(2026, 2, 1), Kind.MONTH)
MARCH = Period(date(2026, 3, 1), Kind.MONTH)
MARCH_ARGS = "from=2026-03-01&to=2026-03-31"


@pytest.fixture
def app5(make_app: Any) -> Any:
    """The app with k=5."""
    return make_app(report_min_cell=K)


@pytest.fixture
def world(db_session: Any, activity: Any, officers: Any, org: Any) -> dict[str, Any]:
    """February and March released: ST1-T1 busy (shown figures), ST1-T2 a little (hidden)."""
    team = officers("ST1-T1", 6)
    few = officers("ST1-T2", 2)
    for month in (2, 3):
        for officer in team:
            activity.counselled(officer, at(2026, month, 5))
        activity.counselled(team[0], at(2026, month, 20))
        activity.counselled(few[0], at(2026, month, 6))
        activity.group(org["ST1-T1"].id, at(2026, month, 12), present=team)
        for number, officer in enumerate(team):
            activity.referral(
                officer,
                at(2026, month, 2),
                closed=at(2026, month, 25),
                outcome=Outcome.SUPPORT_PROVIDED if number % 2 else Outcome.DECLINED,
                contact_after=timedelta(hours=2 * (number + 1)),
            )
        activity.read(org["ST1-T1"].id, f"2026-0{month}", 9)
    for period in (FEBRUARY, MARCH):
        assert publish_period(db_session, period, K) is not None
    return {"team": team, "few": few, "counsellor": activity.counsellor}


def _client(app: Any, login: Any, make_user: Any, role: str, scope: str, **kw: Any) -> Any:
    user = make_user(role, unit=scope, scope=scope, **kw)
    client = app.test_client()
    login(client, user.username)
    return client


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _downloads(db_session: Any) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == "activity.downloaded")
    return list(db_session.scalars(query.order_by(AuditEntry.id)))


def test_page_shows_the_units_figures_and_hidden_marks(
    world: Any, app5: Any, login: Any, make_user: Any
) -> None:
    client = _client(app5, login, make_user, "leader", "BUR", locale="en")
    response = client.get(f"/reports/units/ST1/activity?{MARCH_ARGS}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-period="2026-03"' in page
    assert "March 2026" in page
    assert "Counselling sessions" in page
    assert 'data-unit="ST1-T1"' in page
    assert 'data-unit="ST1-T2"' in page
    assert 'data-unit="ST2"' not in page  # only the unit's own subtree
    assert 'class="hidden-cell"' in page
    assert "Hidden to protect individuals" in page
    for reason in ("data-reason", "too_few", "one_band", "protects_other", "too few"):
        assert reason not in page  # one neutral mark: nothing says why a value is hidden
    assert "style=" not in page
    assert "<script" not in page
    assert 'id="download-activity-pdf"' in page
    assert f"/reports/units/ST1/activity.csv?{MARCH_ARGS}" in page.replace("&amp;", "&")
    assert 'id="parent-unit"' in page  # BUR is in the leader's scope
    for officer in world["team"]:
        assert officer.username not in page


def test_page_in_chinese_by_default(world: Any, app5: Any, login: Any, make_user: Any) -> None:
    client = _client(app5, login, make_user, "leader", "BUR")
    page = client.get(f"/reports/units/ST1/activity?{MARCH_ARGS}").get_data(as_text=True)
    assert "2026年3月" in page
    assert "心理咨询次数" in page
    assert "首次联系中位时长(小时)" in page
    assert "已隐藏：为保护个人隐私" in page
    english = client.get(f"/reports/units/ST1/activity?{MARCH_ARGS}&lang=en")
    assert "Median hours to first contact" in english.get_data(as_text=True)


def test_default_period_is_the_newest_released_and_the_picker_lists_them(
    world: Any, app5: Any, login: Any, make_user: Any
) -> None:
    client = _client(app5, login, make_user, "supervisor", "BUR", locale="en")
    page = client.get("/reports/units/BUR/activity").get_data(as_text=True)
    assert 'id="activity-figures" data-period="2026-03"' in page
    assert '<li data-period="2026-03"><strong aria-current="true">March 2026' in page
    picker = page.replace("&amp;", "&")
    assert "/reports/units/BUR/activity?from=2026-02-01&to=2026-02-28" in picker


@pytest.mark.parametrize(
    ("role", "scope", "status"),
    [("officer", None, 403), ("counsellor", "BUR", 403), ("admin", None, 403)],
)
def test_other_roles_are_refused_like_the_screening_reports(
    world: Any,
    app5: Any,
    login: Any,
    make_user: Any,
    db_session: Any,
    role: str,
    scope: str | None,
    status: int,
) -> None:
    user = make_user(role, unit=scope or "ST1", scope=scope)
    client = app5.test_client()
    login(client, user.username)
    for suffix in ("", ".pdf", ".csv"):
        response = client.get(f"/reports/units/ST1/activity{suffix}?{MARCH_ARGS}")
        assert response.status_code == status, (role, suffix)
    assert _downloads(db_session) == []


def test_anonymous_is_sent_to_sign_in(world: Any, app5: Any) -> None:
    response = app5.test_client().get("/reports/units/ST1/activity")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_outside_the_leaders_scope_is_not_found(
    world: Any, app5: Any, login: Any, make_user: Any, db_session: Any
) -> None:
    client = _client(app5, login, make_user, "leader", "ST2")
    for suffix in ("", ".pdf", ".csv"):
        assert client.get(f"/reports/units/ST1/activity{suffix}").status_code == 404
        assert client.get(f"/reports/units/NOPE/activity{suffix}").status_code == 404
    assert _downloads(db_session) == []


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-03-02&to=2026-03-31",  # not a calendar period
        "from=2026-03-31&to=2026-03-01",  # backwards
        "from=2026-03-01",  # half a period
        "from=March&to=2026-03-31",
        "from=2026-3-1&to=2026-03-31",
    ],
)
def test_bad_period_parameters_are_not_found_on_the_page(
    world: Any, app5: Any, login: Any, make_user: Any, query: str
) -> None:
    client = _client(app5, login, make_user, "leader", "BUR")
    for suffix in ("", ".pdf", ".csv"):
        assert client.get(f"/reports/units/ST1/activity{suffix}?{query}").status_code == 404


def test_a_period_not_released_says_so(
    world: Any, app5: Any, login: Any, make_user: Any, db_session: Any
) -> None:
    client = _client(app5, login, make_user, "leader", "BUR", locale="en")
    response = client.get("/reports/units/ST1/activity?from=2026-04-01&to=2026-04-30")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="not-released"' in page
    assert "not released yet" in page
    assert "April 2026" in page
    assert 'id="activity-figures"' not in page
    assert '<li data-period="2026-03">' in page  # the picker still offers what is released
    pdf = client.get("/reports/units/ST1/activity.pdf?from=2026-04-01&to=2026-04-30")
    assert pdf.status_code == 409
    assert "not released yet" in pdf.get_data(as_text=True)
    assert _downloads(db_session) == []


def test_nothing_released_yet(
    db_session: Any, app5: Any, login: Any, make_user: Any, org: Any
) -> None:
    client = _client(app5, login, make_user, "leader", "BUR", locale="en")
    response = client.get("/reports/units/BUR/activity")
    assert response.status_code == 200
    assert 'id="nothing-released"' in response.get_data(as_text=True)
    assert client.get("/reports/units/BUR/activity.csv").status_code == 404


def test_a_quarter_over_a_changed_tree_is_withheld(
    db_session: Any, activity: Any, officers: Any, org: Any, app5: Any, login: Any, make_user: Any
) -> None:
    team = officers("ST1-T1", 6)
    for month in (1, 2, 3):
        for officer in team:
            activity.counselled(officer, at(2026, month, 5))
    january = Period(date(2026, 1, 1), Kind.MONTH)
    assert publish_period(db_session, january, K) is not None
    org_service.add_unit(db_session, "ST1-T3", "单位ST1-T3", "Unit ST1-T3", "ST1")
    assert publish_period(db_session, FEBRUARY, K) is not None
    assert publish_period(db_session, MARCH, K) is not None
    quarter = Period(date(2026, 1, 1), Kind.QUARTER)
    assert publish_period(db_session, quarter, K) is not None
    client = _client(app5, login, make_user, "leader", "BUR", locale="en")
    page = client.get("/reports/units/ST1/activity?from=2026-01-01&to=2026-03-31")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="withheld"' in text
    assert "The unit tree changed during this period" in text
    assert "Q1 2026" in text
    assert 'class="hidden-cell"' in text


def test_csv_download(world: Any, app5: Any, login: Any, make_user: Any, db_session: Any) -> None:
    client = _client(app5, login, make_user, "leader", "BUR")
    response = client.get(f"/reports/units/ST1/activity.csv?{MARCH_ARGS}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition == "attachment; filename=activity-ST1-2026-03.csv"
    assert response.data.startswith("\ufeff".encode())
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "unit,unit_name,period,measure,label,value,suppressed"
    rows = [line.split(",") for line in lines[1:]]
    assert {row[0] for row in rows} == {"ST1", "ST1-T1", "ST1-T2"}
    assert len(rows) == 3 * 14
    by_key = {(row[0], row[3]): row for row in rows}
    reads = by_key[("ST1-T1", "articles_read")]
    assert reads[1:3] == ["单位ST1-T1", "2026-03"]
    assert reads[4] == "科普阅读次数"
    assert reads[5:] == ["9", "false"]
    assert by_key[("ST1-T2", "articles_read")][5:] == ["0", "false"]
    hidden = by_key[("ST1-T1", "referrals_closed_declined")]  # 3 and 3 by outcome: below k
    assert hidden[5:] == ["", "true"]
    assert all(row[6] == ("true" if row[5] == "" else "false") for row in rows)
    text = response.data.decode("utf-8-sig")
    for user in [*world["team"], *world["few"], world["counsellor"]]:
        assert user.username not in text
    [entry] = _downloads(db_session)
    assert entry.target_id == "ST1"
    assert json.loads(entry.detail_json) == {"period": "2026-03", "format": "csv"}


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_pdf_download(
    world: Any, app5: Any, login: Any, make_user: Any, db_session: Any, locale: str
) -> None:
    client = _client(app5, login, make_user, "leader", "BUR", locale=locale)
    response = client.get("/reports/units/BUR/activity.pdf")  # the newest released period
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition == "attachment; filename=activity-BUR-2026-03.pdf"
    text = _pdf_text(response.data)
    reader = PdfReader(io.BytesIO(response.data))
    for page in reader.pages:  # A4 portrait
        assert round(float(page.mediabox.width)) == 595
        assert round(float(page.mediabox.height)) == 842
    if locale == "zh_CN":
        for label in ("心理咨询次数", "团体辅导场次", "科普阅读次数", "2026年3月", "已隐藏"):
            assert label in text.replace("\n", ""), label
    else:
        for label in ("Counselling sessions", "Articles read", "March 2026", "Hidden to protect"):
            assert label in text.replace("\n", " "), label
    for unit in ("ST1-T1", "ST2-T1"):  # every sub-unit, by name
        assert (f"单位{unit}" if locale == "zh_CN" else f"Unit {unit}") in text
    [entry] = _downloads(db_session)
    assert entry.target_id == "BUR"
    assert json.loads(entry.detail_json) == {"period": "2026-03", "format": "pdf"}


def test_the_reports_index_links_each_scope_to_its_activity(
    world: Any, app5: Any, login: Any, make_user: Any
) -> None:
    client = _client(app5, login, make_user, "leader", "ST1", extra_roles=("supervisor:ST2",))
    index = client.get("/reports/").get_data(as_text=True)
    assert 'href="/reports/units/ST1/activity"' in index
    assert 'href="/reports/units/ST2/activity"' in index
