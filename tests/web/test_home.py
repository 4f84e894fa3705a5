"""Each role's home page shows that role's next steps; security headers on every page."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

CARDS = {
    "officer": "我的心理健康检查",
    "counsellor": "转介队列",
    "supervisor": "督导",
    "leader": "单位报告",
    "admin": "系统管理",
}


@pytest.mark.parametrize("role", sorted(CARDS))
def test_home_shows_the_roles_card_only(
    role: str, client: FlaskClient, make_user: Any, login: Any
) -> None:
    unit = "ST1" if role in {"leader", "counsellor", "supervisor"} else "ST1-T1"
    user = make_user(role, unit=unit)
    login(client, user.username)
    page = client.get("/").get_data(as_text=True)
    assert f'data-role="{role}"' in page
    assert CARDS[role] in page
    others = [r for r in CARDS if r != role]
    assert not any(f'data-role="{other}"' in page for other in others)


def test_security_headers(client: FlaskClient, make_user: Any, login: Any) -> None:
    login(client, make_user("officer").username)
    response = client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_use_no_external_assets(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "http://" not in page
    assert "https://" not in page
    stylesheet = client.get("/static/app.css")
    assert stylesheet.status_code == 200
    stylesheet.close()
