"""API tokens: issue, use, expiry, revocation; JSON errors in the caller's language."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from wellbeing.auth.models import ApiToken
from wellbeing.auth.service import hash_token


def _token(client: FlaskClient, username: str) -> dict[str, Any]:
    response = client.post(
        "/api/v1/auth/token", json={"username": username, "password": "insecure-test-password"}
    )
    assert response.status_code == 201
    body: dict[str, Any] = response.get_json()
    return body


def _me(client: FlaskClient, token: str) -> Any:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_token_gives_access_to_me(client: FlaskClient, make_user: Any) -> None:
    user = make_user("leader", unit="ST1", scope="ST1", extra_roles=("officer",))
    body = _token(client, user.username)
    assert len(body["token"]) >= 40  # 256 random bits, url-safe base64
    assert "expires_at" in body
    me = _me(client, body["token"])
    assert me.status_code == 200
    assert me.get_json() == {
        "username": user.username,
        "display_name": user.display_name,
        "roles": [{"role": "leader", "scope": "ST1"}, {"role": "officer", "scope": None}],
        "unit": "ST1",
        "locale": "zh_CN",
    }


def test_token_is_stored_only_as_a_hash(
    client: FlaskClient, make_user: Any, db_session: Any
) -> None:
    user = make_user("officer")
    raw = _token(client, user.username)["token"]
    stored = db_session.scalars(select(ApiToken.token_hash)).all()
    assert raw not in stored
    assert hash_token(raw) in stored


def test_expired_token_is_refused(client: FlaskClient, make_user: Any, frozen_clock: Any) -> None:
    user = make_user("officer")
    raw = _token(client, user.username)["token"]
    frozen_clock.advance(hours=11, minutes=59)
    assert _me(client, raw).status_code == 200
    frozen_clock.advance(minutes=2)
    response = _me(client, raw)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_revoked_token_is_refused(client: FlaskClient, make_user: Any) -> None:
    user = make_user("officer")
    raw = _token(client, user.username)["token"]
    assert (
        client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 204
    )
    assert _me(client, raw).status_code == 401


def test_deactivated_users_token_is_refused(
    client: FlaskClient, make_user: Any, db_session: Any
) -> None:
    from wellbeing.org.service import deactivate_user

    user = make_user("officer")
    raw = _token(client, user.username)["token"]
    deactivate_user(db_session, user.username)
    db_session.flush()
    assert _me(client, raw).status_code == 401


def test_bad_credentials_are_401_json_in_the_requested_language(
    client: FlaskClient, make_user: Any
) -> None:
    user = make_user("officer")
    payload = {"username": user.username, "password": "wrong-password"}
    zh = client.post("/api/v1/auth/token", json=payload)
    en = client.post("/api/v1/auth/token?lang=en", json=payload)
    assert zh.status_code == en.status_code == 401
    assert zh.get_json()["error"]["code"] == "bad_credentials"
    assert zh.get_json()["error"]["message"] == "用户名或密码不正确。"
    assert en.get_json()["error"]["message"] == "The username or password is not correct."


def test_session_cookie_does_not_authenticate_the_api(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    login(client, user.username)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_malformed_bodies_get_clear_errors(client: FlaskClient) -> None:
    not_json = client.post("/api/v1/auth/token", data="username=x")
    assert not_json.status_code == 415
    missing = client.post("/api/v1/auth/token?lang=en", json={"username": "x"})
    assert missing.status_code == 422
    assert missing.get_json()["error"]["field"] == "password"
    array = client.post("/api/v1/auth/token", json=["x"])
    assert array.status_code == 400


def test_unknown_api_route_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
