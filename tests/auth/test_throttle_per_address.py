"""Throttling per (account, address) with a growing delay (issue 21.6, ASVS V6.3.1).

An attacker failing a counsellor's password from one address is slowed down and then blocked
for that account, while the counsellor signs in from their own address; a high ceiling per
account bounds a guesser spread over many addresses.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import csrf_from

ATTACKER = "10.0.0.66"
COUNSELLOR_DESK = "10.0.0.5"
PASSWORD = "insecure-test-password"


def _token(client: FlaskClient, username: str, password: str, address: str) -> Any:
    return client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _web_login(client: FlaskClient, username: str, address: str) -> Any:
    token = csrf_from(client)
    return client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_an_attacker_cannot_lock_a_counsellor_out(
    client: FlaskClient, app: Any, make_user: Any, frozen_clock: Any
) -> None:
    counsellor = make_user("counsellor")
    refused = 0
    for _ in range(40):  # a night of guessing from one address, a minute apart
        answer = _token(client, counsellor.username, "guess", ATTACKER)
        assert answer.status_code in {401, 429}
        refused += answer.status_code == 429
        frozen_clock.advance(minutes=1)
    assert refused > 25  # most guesses never reach the password check
    desk = app.test_client()
    assert _web_login(desk, counsellor.username, COUNSELLOR_DESK).status_code == 302
    assert desk.get("/").status_code == 200
    assert _token(client, counsellor.username, PASSWORD, COUNSELLOR_DESK).status_code == 201
    # the counsellor's success does not reset the attacker's delay
    assert _token(client, counsellor.username, PASSWORD, ATTACKER).status_code == 429


def test_the_attackers_delay_grows_with_each_failure(
    client: FlaskClient, make_user: Any, frozen_clock: Any
) -> None:
    counsellor = make_user("counsellor")
    for _ in range(5):  # free: a person mistyping
        assert _token(client, counsellor.username, "guess", ATTACKER).status_code == 401
    waits = []
    for _ in range(5):
        refused = _token(client, counsellor.username, PASSWORD, ATTACKER)  # even the right one
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "too_many_attempts"
        wait = int(refused.headers["Retry-After"])
        waits.append(wait)
        frozen_clock.advance(seconds=wait - 1)
        assert _token(client, counsellor.username, "guess", ATTACKER).status_code == 429
        frozen_clock.advance(seconds=1)
        assert _token(client, counsellor.username, "guess", ATTACKER).status_code == 401
    assert waits == [30, 60, 120, 240, 480]
    blocked = _token(client, counsellor.username, "guess", ATTACKER)
    assert int(blocked.headers["Retry-After"]) == 900  # then one guess per 15 minutes at most


def test_the_web_form_says_how_long_to_wait(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    for _ in range(5):
        assert login(client, user.username, "wrong").status_code == 401
    refused = login(client, user.username)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "30"


def test_a_distributed_guesser_meets_the_account_ceiling(
    make_app: Any, make_user: Any, frozen_clock: Any
) -> None:
    client = make_app(throttle_account_failures=12).test_client()
    counsellor = make_user("counsellor")
    for number in range(12):  # a few guesses each from many addresses
        address = f"198.51.100.{number}"
        assert _token(client, counsellor.username, "guess", address).status_code == 401
    everywhere = _token(client, counsellor.username, PASSWORD, COUNSELLOR_DESK)
    assert everywhere.status_code == 429
    assert int(everywhere.headers["Retry-After"]) == 3600
    frozen_clock.advance(hours=1, seconds=1)
    assert _token(client, counsellor.username, PASSWORD, COUNSELLOR_DESK).status_code == 201


def test_the_default_ceiling_is_a_hundred_failures_an_hour(
    client: FlaskClient, make_user: Any, frozen_clock: Any
) -> None:
    counsellor = make_user("counsellor")
    for number in range(99):
        address = f"198.51.{number // 4}.{number}"
        assert _token(client, counsellor.username, "guess", address).status_code == 401
    assert _token(client, counsellor.username, PASSWORD, COUNSELLOR_DESK).status_code == 201
    _token(client, counsellor.username, "guess", "203.0.113.1")
    _token(client, counsellor.username, "guess", "203.0.113.2")
    assert _token(client, counsellor.username, PASSWORD, COUNSELLOR_DESK).status_code == 429
