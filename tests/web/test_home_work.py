"""Issue 22.1: every role's home card leads to its work with the figures of what waits, and the
navigation carries the same links per role."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.reports.conftest import ReportWorld
from wellbeing.org.models import User
from wellbeing.referrals import service
from wellbeing.referrals.escalation import escalate_due


@pytest.fixture
def world(app: Flask, db_session: Any, make_user: Any, frozen_clock: Any, org: Any) -> ReportWorld:
    """A BUR campaign of PHQ-9 and GAD-7 answered through the real pipeline (tests/reports)."""
    return ReportWorld(app, db_session, make_user, frozen_clock)


ROWS = re.compile(r'<tr data-referral="([^"]+)"')


def _count(page: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}" data-count="(\d+)"', page)
    assert match, element_id
    return int(match.group(1))


def _signed_in(app: Flask, login: Any, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


@pytest.fixture
def station(make_user: Any, refer: Any, db_session: Any, frozen_clock: Any) -> dict[str, Any]:
    """At 17:00 in Shanghai (09:00 UTC; the day ends at 16:00 UTC): for counsellor c1 of ST1,
    three waiting (one urgent, due at 13:00 UTC), two held by c1 (one urgent whose contact is due
    in an hour), one held by c2, one out of scope and c1's own referral."""
    c1 = make_user("counsellor", unit="ST1", scope="ST1", username="c1")
    c2 = make_user("counsellor", unit="ST1", scope="ST1", username="c2")
    sup = make_user("supervisor", unit="ST1", scope="ST1", username="sup")

    def officer(unit: str = "ST1-T1") -> User:
        return make_user("officer", unit=unit)

    waiting = [refer(officer(), "urgent"), refer(officer(), "routine"), refer(officer(), "high")]
    mine = [refer(officer(), "urgent"), refer(officer(), "routine")]
    for referral in mine:
        service.claim(db_session, referral, c1)
    service.claim(db_session, refer(officer("ST1-T2"), "urgent"), c2)
    refer(officer("ST2-T1"), "urgent")  # out of c1's and sup's scope
    refer(c1, "urgent")  # nobody works their own referral
    db_session.flush()
    return {"c1": c1, "c2": c2, "sup": sup, "waiting": waiting, "mine": mine}


def test_counsellor_home_shows_waiting_mine_and_due_today_and_leads_to_the_queue(
    app: Flask, login: Any, station: Any
) -> None:
    client = _signed_in(app, login, "c1")
    page = client.get("/").get_data(as_text=True)
    assert _count(page, "queue-waiting") == 3
    assert _count(page, "queue-mine") == 2
    assert _count(page, "queue-due-today") == 2  # the urgent waiting one and the urgent held one
    assert "3 条待认领" in page
    assert "2 条由我负责" in page
    assert "2 条今天到期" in page
    assert 'id="link-queue" ' in page or 'id="link-queue"' in page
    # the figures are the queue's own lists
    waiting = ROWS.findall(client.get("/referrals?show=open").get_data(as_text=True))
    assert sorted(waiting) == sorted(r.id for r in station["waiting"])
    mine = ROWS.findall(client.get("/referrals?show=mine").get_data(as_text=True))
    assert sorted(mine) == sorted(r.id for r in station["mine"])


def test_counsellor_home_in_english(app: Flask, login: Any, make_user: Any, station: Any) -> None:
    make_user("counsellor", unit="ST1", scope="ST1", username="c3", locale="en")
    page = _signed_in(app, login, "c3").get("/").get_data(as_text=True)
    # c1's own referral waits for c3 too; held ones are due for their holder, not for c3
    assert "4 waiting" in page
    assert "0 mine" in page
    assert "2 due today" in page
    assert "Open the referral queue" in page


def test_due_today_follows_the_clock_past_midnight(
    app: Flask, login: Any, station: Any, frozen_clock: Any
) -> None:
    frozen_clock.advance(hours=7, minutes=30)  # 00:30 the next day in Shanghai
    page = _signed_in(app, login, "c1").get("/").get_data(as_text=True)
    # the two urgent ones are late (still due); the high one (3 days) is not due yet
    assert _count(page, "queue-due-today") == 2
    frozen_clock.advance(days=2, hours=12)  # the high one falls due before that day's end
    page = _signed_in(app, login, "c1").get("/").get_data(as_text=True)
    assert _count(page, "queue-due-today") == 3


def test_supervisor_home_counts_overdue_and_escalated_as_the_supervision_page_lists(
    app: Flask, login: Any, station: Any, db_session: Any, frozen_clock: Any
) -> None:
    client = _signed_in(app, login, "sup")
    page = client.get("/").get_data(as_text=True)
    assert _count(page, "supervision-overdue") == 0
    assert _count(page, "supervision-escalated") == 0
    frozen_clock.advance(hours=5)  # the two urgent waiting ones (one is c1's) are past 4 h
    escalate_due(db_session, frozen_clock.now)
    db_session.flush()
    client = _signed_in(app, login, "sup")  # the earlier session timed out meanwhile
    page = client.get("/").get_data(as_text=True)
    response = client.get("/referrals/supervision")
    lists = response.get_data(as_text=True)
    assert response.status_code == 200, lists[-3000:]
    overdue = ROWS.findall(lists.split('id="escalated"')[0])
    escalated = ROWS.findall(lists.split('id="escalated"')[1].split('id="held-late"')[0])
    assert _count(page, "supervision-overdue") == len(overdue) == 2
    assert _count(page, "supervision-escalated") == len(escalated) >= 1
    assert "2 条逾期未认领" in page
    for link in ("link-supervision", "link-reassign", "link-reviews", "link-caseload"):
        assert f'id="{link}"' in page
    assert '/referrals/supervision#overdue"' in page
    assert '/referrals/supervision#escalated"' in page


NAV = {
    "officer": ["talk-link", "appointments-nav-link"],
    "counsellor": ["queue-link", "calendar-nav-link"],
    "supervisor": ["queue-link", "calendar-nav-link", "supervision-nav-link", "reports-nav-link"],
    "leader": ["reports-nav-link"],
    "admin": ["campaigns-nav-link", "audit-nav-link"],
}


@pytest.mark.parametrize("role", sorted(NAV))
def test_the_navigation_carries_each_roles_links(
    role: str, app: Flask, login: Any, make_user: Any
) -> None:
    unit = "ST1-T1" if role in {"officer", "admin"} else "ST1"
    user = make_user(role, unit=unit)
    page = _signed_in(app, login, user.username).get("/").get_data(as_text=True)
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    for link in NAV[role]:
        assert f'id="{link}"' in nav, link
    others = {link for links in NAV.values() for link in links} - set(NAV[role])
    assert not any(f'id="{link}"' in nav for link in others)
    assert 'class="brand" href="/"' in page  # the way back home from every page


def test_leader_home_links_to_the_newest_released_waves_report_and_pdf(
    make_app: Any, login: Any, make_user: Any, world: ReportWorld
) -> None:
    everyone = []
    for unit, size in (("ST1-T1", 6), ("ST1-T2", 7)):
        everyone += world.add_officers(unit, size)
    totals = {name: ((i * 4) % 24, (i * 5) % 21) for i, name in enumerate(everyone)}
    first = world.run_wave(totals)  # closed and released at k=5
    second = world.run_wave(totals, release=None)  # closed, not released yet
    leader = make_user("leader", unit="ST1", scope="ST1")
    app = make_app(report_min_cell=5)
    client = _signed_in(app, login, leader.username)
    page = client.get("/").get_data(as_text=True)
    report = f'/reports/units/ST1?wave={first.id}"'
    pdf = f'/reports/units/ST1.pdf?wave={first.id}"'
    assert report in page
    assert pdf in page
    assert f"wave={second.id}" not in page
    assert client.get(report.rstrip('"')).status_code == 200
    download = client.get(pdf.rstrip('"'))
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    world.release(second, 5)
    page = client.get("/").get_data(as_text=True)
    assert f'/reports/units/ST1?wave={second.id}"' in page
    assert f'/reports/units/ST1.pdf?wave={second.id}"' in page


def test_leader_home_says_when_nothing_is_published(app: Flask, login: Any, make_user: Any) -> None:
    leader = make_user("leader", unit="ST1", scope="ST1", locale="en")
    page = _signed_in(app, login, leader.username).get("/").get_data(as_text=True)
    assert "Unit ST1: no wave's results are published yet." in page
    assert 'id="link-reports"' in page


def test_a_leader_without_any_wave_is_not_sent_to_a_404(
    app: Flask, login: Any, make_user: Any
) -> None:
    leader = make_user("leader", unit="ST1", scope="ST1")
    client = _signed_in(app, login, leader.username)
    home = client.get("/").get_data(as_text=True)
    assert 'id="reports-nav-link"' in home
    response = client.get("/reports/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="no-waves"' in page
    assert "尚无已开启的筛查批次" in page
    assert 'id="back-home" href="/"' in page or 'href="/" id="back-home"' in page
    assert "/reports/units/ST1/activity" in page  # the way on: the station's activity
