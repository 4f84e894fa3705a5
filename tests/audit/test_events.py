"""The events that exist today leave entries: sign-in, sign-out, tokens, organisation changes."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit.models import AuditEntry
from wellbeing.org import service as org_service

PASSWORD = "insecure-test-password"


def _entries(session: Session, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
    return list(session.scalars(query))


def test_web_sign_in_success_and_sign_out(
    client: FlaskClient, db_session: Session, make_user: Any, login: Any, csrf: Any
) -> None:
    user = make_user("officer")
    assert login(client, user.username).status_code == 302
    [entry] = _entries(db_session, "auth.login_succeeded")
    assert (entry.actor_id, entry.actor_name) == (user.id, user.username)
    assert (entry.target_type, entry.target_id) == ("user", user.username)
    assert entry.detail == {"channel": "web", "address": "127.0.0.1"}
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    [logout] = _entries(db_session, "auth.logout")
    assert logout.actor_id == user.id


def test_web_sign_in_failure_has_no_actor(
    client: FlaskClient, db_session: Session, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    assert login(client, user.username, "wrong-password").status_code == 401
    assert login(client, "no-such-user", "wrong-password").status_code == 401
    entries = _entries(db_session, "auth.login_failed")
    assert [(e.actor_id, e.actor_name, e.target_id[:1]) for e in entries] == [
        (None, None, user.username[:1]),
        (None, None, "?"),  # a name that is no account is kept as a keyed hash (issue 21.5)
    ]
    assert entries[0].target_id == user.username
    assert "no-such-user" not in entries[1].target_id
    assert entries[0].detail == {"channel": "web", "address": "127.0.0.1"}
    assert "wrong-password" not in entries[0].detail_json


def test_throttled_sign_in_is_recorded(
    client: FlaskClient, db_session: Session, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    for _ in range(5):
        login(client, user.username, "wrong-password")
    assert login(client, user.username).status_code == 429
    [entry] = _entries(db_session, "auth.login_throttled")
    assert (entry.actor_id, entry.target_id) == (None, user.username)


def test_api_token_issue_failure_and_revoke(
    client: FlaskClient, db_session: Session, make_user: Any
) -> None:
    user = make_user("officer")
    bad = client.post("/api/v1/auth/token", json={"username": user.username, "password": "x"})
    assert bad.status_code == 401
    good = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
    token = good.get_json()["token"]
    client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"})
    [failed] = _entries(db_session, "auth.login_failed")
    assert failed.detail["channel"] == "api"
    [issued] = _entries(db_session, "auth.token_issued")
    [revoked] = _entries(db_session, "auth.token_revoked")
    assert issued.actor_id == revoked.actor_id == user.id
    assert token not in issued.detail_json


def test_organisation_changes_are_recorded(db_session: Session, make_user: Any, org: Any) -> None:
    user = make_user("officer")
    org_service.grant_role(db_session, user, org_service.parse_grant("leader:ST1"))
    org_service.set_password(db_session, user.username, "another-insecure-password")
    org_service.deactivate_user(db_session, user.username)
    granted = [
        e.detail for e in _entries(db_session, "org.role_granted") if e.target_id == user.username
    ]
    assert granted == [{"role": "officer", "scope": None}, {"role": "leader", "scope": "ST1"}]
    for action in ("org.user_created", "org.password_set", "org.user_deactivated"):
        assert [e.target_id for e in _entries(db_session, action)][-1] == user.username
