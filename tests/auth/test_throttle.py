"""Sign-in throttling per account and per address, stored in the database."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient


def _fail(client: FlaskClient, login: Any, username: str, times: int, **headers: str) -> None:
    for _ in range(times):
        response = login_with_headers(client, username, "wrong-password", headers)
        assert response.status_code == 401


def login_with_headers(
    client: FlaskClient, username: str, password: str, headers: dict[str, str]
) -> Any:
    return client.post(
        "/api/v1/auth/token", json={"username": username, "password": password}, headers=headers
    )


def test_account_is_throttled_after_five_failures_even_with_the_right_password(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    _fail(client, login, user.username, 5)
    right = login_with_headers(client, user.username, "insecure-test-password", {})
    assert right.status_code == 429
    assert right.get_json()["error"]["code"] == "too_many_attempts"
    web = login(client, user.username)
    assert web.status_code == 429


def test_spoofed_forwarded_for_does_not_reset_throttling(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    _fail(client, login, user.username, 5)
    spoofed = login_with_headers(
        client, user.username, "insecure-test-password", {"X-Forwarded-For": "203.0.113.9"}
    )
    assert spoofed.status_code == 429


def test_address_is_throttled_across_accounts(make_app: Any, make_user: Any, login: Any) -> None:
    app = make_app(throttle_address_failures=3)
    client = app.test_client()
    users = [make_user("officer") for _ in range(3)]
    for user in users:
        _fail(client, login, user.username, 1, **{"X-Forwarded-For": f"198.51.100.{user.id}"})
    fresh = make_user("officer")
    blocked = login_with_headers(client, fresh.username, "insecure-test-password", {})
    assert blocked.status_code == 429


def test_forwarded_for_is_honoured_only_behind_a_configured_proxy(
    make_app: Any, make_user: Any, login: Any
) -> None:
    app = make_app(throttle_address_failures=2, proxy_count=1)
    client = app.test_client()
    attacker = {"X-Forwarded-For": "198.51.100.7"}
    _fail(client, login, make_user("officer").username, 1, **attacker)
    _fail(client, login, make_user("officer").username, 1, **attacker)
    other_client = {"X-Forwarded-For": "198.51.100.8"}
    fresh = make_user("officer")
    assert (
        login_with_headers(
            client, fresh.username, "insecure-test-password", other_client
        ).status_code
        == 201
    )
    assert (
        login_with_headers(client, fresh.username, "insecure-test-password", attacker).status_code
        == 429
    )


def test_success_clears_the_account_counter(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    _fail(client, login, user.username, 4)
    assert (
        login_with_headers(client, user.username, "insecure-test-password", {}).status_code == 201
    )
    _fail(client, login, user.username, 4)
    assert (
        login_with_headers(client, user.username, "insecure-test-password", {}).status_code == 201
    )
