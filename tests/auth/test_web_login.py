"""Web sign-in: sessions, logout, replayed cookies, deactivation, timeouts, CSRF."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from wellbeing.org import service as org_service


def test_login_lands_on_home_page(client: FlaskClient, make_user: Any, login: Any) -> None:
    user = make_user("officer")
    response = login(client, user.username)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert user.display_name in page.get_data(as_text=True)


def test_wrong_password_is_401_and_says_nothing_about_the_account(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    wrong = login(client, user.username, "not-the-password")
    unknown = login(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不正确" in wrong.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_anonymous_home_redirects_to_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_issues_a_new_session_cookie(client: FlaskClient, make_user: Any, login: Any) -> None:
    user = make_user("officer")
    client.get("/login")
    before = client.get_cookie("wellbeing_session")
    login(client, user.username)
    after = client.get_cookie("wellbeing_session")
    assert before is not None
    assert after is not None
    assert before.value != after.value


def test_replayed_cookie_after_logout_is_refused(
    client: FlaskClient, app: Any, make_user: Any, login: Any, csrf: Any
) -> None:
    user = make_user("officer")
    login(client, user.username)
    stolen = client.get_cookie("wellbeing_session")
    assert stolen is not None
    other_browser = app.test_client()
    other_browser.set_cookie("wellbeing_session", stolen.value)
    assert other_browser.get("/").status_code == 200

    client.post("/logout", data={"csrf_token": csrf(client, "/")})

    replay = app.test_client()
    replay.set_cookie("wellbeing_session", stolen.value)
    assert replay.get("/").status_code == 302
    assert other_browser.get("/").status_code == 302  # every session of the user ended


def test_deactivation_ends_existing_sessions(
    client: FlaskClient, make_user: Any, login: Any, db_session: Any
) -> None:
    user = make_user("officer")
    login(client, user.username)
    assert client.get("/").status_code == 200
    org_service.deactivate_user(db_session, user.username)
    db_session.flush()
    assert client.get("/").status_code == 302
    assert login(client, user.username).status_code == 401


def test_idle_timeout_ends_the_session(
    client: FlaskClient, make_user: Any, login: Any, frozen_clock: Any
) -> None:
    user = make_user("officer")
    login(client, user.username)
    frozen_clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    frozen_clock.advance(minutes=31)
    assert client.get("/").status_code == 302


def test_absolute_timeout_ends_an_active_session(
    client: FlaskClient, make_user: Any, login: Any, frozen_clock: Any
) -> None:
    user = make_user("officer")
    login(client, user.username)
    for _ in range(24):  # active every 25 minutes for 10 hours
        frozen_clock.advance(minutes=25)
        assert client.get("/").status_code == 200
    frozen_clock.advance(hours=2, minutes=1)
    client.get("/")
    frozen_clock.advance(minutes=1)
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_rejected(client: FlaskClient, make_user: Any) -> None:
    user = make_user("officer")
    response = client.post(
        "/login", data={"username": user.username, "password": "insecure-test-password"}
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_without_csrf_token_is_rejected(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    login(client, user.username)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_open_redirect_after_login_is_refused(
    client: FlaskClient, make_user: Any, csrf: Any
) -> None:
    user = make_user("officer")
    response = client.post(
        "/login",
        data={
            "username": user.username,
            "password": "insecure-test-password",
            "csrf_token": csrf(client),
            "next": "//evil.example/phish",
        },
    )
    assert response.headers["Location"] == "/"


def test_session_cookie_flags_in_default_configuration(
    make_app: Any, make_user: Any, csrf: Any
) -> None:
    secure_app = make_app(cookie_secure=True)
    web = secure_app.test_client()
    user = make_user("officer")
    page = web.get("https://localhost/login")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = web.post(
        "https://localhost/login",
        data={"username": user.username, "password": "insecure-test-password", "csrf_token": token},
        headers={"Referer": "https://localhost/login"},
    )
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
