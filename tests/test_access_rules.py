"""Deny by default: every route declares who may call it, and undeclared routes are refused."""

from __future__ import annotations

from typing import Any

from flask import Flask

from wellbeing.auth.access import rule_of


def test_every_route_declares_an_access_rule(app: Flask) -> None:
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule_of(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == []


def test_a_route_without_a_rule_is_refused(make_app: Any, make_user: Any, login: Any) -> None:
    app = make_app()

    @app.get("/undeclared")
    def undeclared() -> str:
        return "secret"

    client = app.test_client()
    login(client, make_user("admin").username)
    response = client.get("/undeclared")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


def test_role_rule_refuses_other_roles(make_app: Any, make_user: Any, login: Any) -> None:
    from wellbeing.auth.access import roles
    from wellbeing.org.models import Role

    app = make_app()

    @app.get("/leaders-only")
    @roles(Role.LEADER)
    def leaders_only() -> str:
        return "aggregate"

    officer_client, leader_client = app.test_client(), app.test_client()
    login(officer_client, make_user("officer").username)
    login(leader_client, make_user("leader", unit="ST1", scope="ST1").username)
    assert officer_client.get("/leaders-only").status_code == 403
    assert leader_client.get("/leaders-only").status_code == 200
    assert app.test_client().get("/leaders-only").status_code == 302
