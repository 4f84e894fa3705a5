"""Who may reach the admin screening pages: campaigns are for admins, incidents also for
supervisors; everyone else is refused, anonymous callers are sent to sign in."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

CAMPAIGN_PAGES = ["/admin/campaigns", "/admin/campaigns/new", "/admin/campaigns/1/close"]
INCIDENT_PAGES = ["/admin/incidents", "/admin/incidents/new"]
POSTS = ["/admin/campaigns", "/admin/campaigns/1/close", "/admin/incidents"]
OTHERS = [("officer", None), ("leader", "ST1"), ("counsellor", "ST1")]


@pytest.mark.parametrize(("role", "scope"), OTHERS)
def test_other_roles_are_refused_everywhere(
    client: FlaskClient, make_user: Any, login: Any, role: str, scope: str | None
) -> None:
    login(client, make_user(role, unit="ST1", scope=scope).username)
    for path in CAMPAIGN_PAGES + INCIDENT_PAGES:
        assert client.get(path).status_code == 403, path
    token = client.get("/").get_data(as_text=True).split('name="csrf_token" value="')[1]
    for path in POSTS:
        response = client.post(path, data={"csrf_token": token.split('"')[0]})
        assert response.status_code == 403, path


def test_anonymous_callers_are_sent_to_sign_in(client: FlaskClient) -> None:
    for path in CAMPAIGN_PAGES + INCIDENT_PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_admin_home_card_links_to_the_pages(admin_client: FlaskClient) -> None:
    home = admin_client.get("/").get_data(as_text=True)
    assert 'href="/admin/campaigns"' in home
    assert 'href="/admin/incidents"' in home
    assert 'href="/admin/audit"' in home


def test_supervisor_home_card_links_to_incidents(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    login(client, make_user("supervisor", unit="ST1", scope="ST1").username)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/incidents"' in home
    assert 'href="/admin/campaigns"' not in home


def test_admin_pages_in_chinese(client: FlaskClient, make_user: Any, login: Any) -> None:
    login(client, make_user("admin", unit="BUR", locale="zh_CN").username)
    assert "新建筛查活动" in client.get("/admin/campaigns").get_data(as_text=True)
    assert "记录事件" in client.get("/admin/incidents").get_data(as_text=True)
