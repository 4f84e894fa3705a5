"""The second factor in the browser and on the API, with WELLBEING_REQUIRE_MFA on."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.auth.mfa_helpers import code_now, enrol, secret_from_page
from wellbeing.auth import mfa
from wellbeing.core.config import load_settings

CODES = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


@pytest.fixture
def mfa_app(make_app: Any) -> Flask:
    return make_app(require_mfa=True)


def _post_code(client: FlaskClient, csrf: Any, path: str, code: str, next_url: str = "/") -> Any:
    token = csrf(client, f"{path}?next={next_url}")
    return client.post(path, data={"code": code, "csrf_token": token, "next": next_url})


def test_settings_require_mfa_by_default_but_not_in_the_demo() -> None:
    assert load_settings({}, environ={}).require_mfa is True
    assert load_settings({}, environ={"WELLBEING_DEMO": "1"}).require_mfa is False
    demo_on = {"WELLBEING_DEMO": "1", "WELLBEING_REQUIRE_MFA": "1"}
    assert load_settings({}, environ=demo_on).require_mfa is True
    assert load_settings({}, environ={"WELLBEING_REQUIRE_MFA": "off"}).require_mfa is False


def test_first_sign_in_enrols_then_shows_recovery_codes_then_lets_in(
    mfa_app: Flask, make_user: Any, login: Any, csrf: Any, frozen_clock: Any
) -> None:
    client = mfa_app.test_client()
    user = make_user("counsellor")
    assert login(client, user.username).headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 302
    assert home.headers["Location"].startswith("/mfa?next=/")
    assert client.get("/mfa?next=/").headers["Location"].startswith("/mfa/enrol")
    page = client.get("/mfa/enrol?next=/").get_data(as_text=True)
    assert "otpauth://totp/" in page
    secret = secret_from_page(page)

    wrong = _post_code(client, csrf, "/mfa/enrol", "000000")
    assert wrong.status_code == 401
    assert client.get("/").status_code == 302

    done = _post_code(client, csrf, "/mfa/enrol", code_now(secret))
    assert done.status_code == 200
    assert len(CODES.findall(done.get_data(as_text=True))) == 10
    assert client.get("/").status_code == 200


def test_each_sign_in_asks_for_a_fresh_code(
    mfa_app: Flask, make_user: Any, login: Any, csrf: Any, db_session: Session, frozen_clock: Any
) -> None:
    user = make_user("supervisor", unit="ST1")
    secret, _codes = enrol(db_session, user)
    client = mfa_app.test_client()
    login(client, user.username)
    assert client.get("/").headers["Location"].startswith("/mfa")
    replay = _post_code(client, csrf, "/mfa", code_now(secret))  # the enrolment code again
    assert replay.status_code == 401
    assert "auth.mfa_failed" in _audit_actions(db_session)
    frozen_clock.advance(seconds=30)
    good = _post_code(client, csrf, "/mfa", code_now(secret), next_url="/?tab=x")
    assert good.status_code == 302
    assert good.headers["Location"] == "/?tab=x"
    assert client.get("/").status_code == 200

    other_browser = mfa_app.test_client()  # a new sign-in is a new session: asked again
    login(other_browser, user.username)
    assert other_browser.get("/").status_code == 302


def test_a_recovery_code_signs_in_once(
    mfa_app: Flask, make_user: Any, login: Any, csrf: Any, db_session: Session, frozen_clock: Any
) -> None:
    user = make_user("leader", unit="ST1")
    _secret, codes = enrol(db_session, user)
    first, second = mfa_app.test_client(), mfa_app.test_client()
    login(first, user.username)
    assert _post_code(first, csrf, "/mfa", codes[0]).status_code == 302
    assert first.get("/").status_code == 200
    login(second, user.username)
    assert _post_code(second, csrf, "/mfa", codes[0]).status_code == 401
    assert "auth.recovery_code_used" in _audit_actions(db_session)


def test_wrong_codes_are_throttled(
    mfa_app: Flask, make_user: Any, login: Any, csrf: Any, db_session: Session, frozen_clock: Any
) -> None:
    user = make_user("admin")
    secret, _codes = enrol(db_session, user)
    client = mfa_app.test_client()
    login(client, user.username)
    for _ in range(5):
        assert _post_code(client, csrf, "/mfa", "123456").status_code == 401
    frozen_clock.advance(seconds=30)
    throttled = _post_code(client, csrf, "/mfa", code_now(secret))
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1


def test_pending_second_factor_allows_sign_out_and_officer_pages_only(
    mfa_app: Flask, make_user: Any, login: Any, csrf: Any, db_session: Session
) -> None:
    user = make_user("counsellor", extra_roles=("officer",))
    client = mfa_app.test_client()
    login(client, user.username)
    assert client.get("/consent").status_code == 200  # an officer's own page: password only
    assert client.get("/admin/audit").status_code in {302, 403}
    assert client.get("/api/v1/me").status_code == 401  # no cookie auth on the API at all
    response = client.post("/logout", data={"csrf_token": csrf(client, "/consent")})
    assert response.status_code == 302
    assert client.get("/mfa").status_code == 302


def test_officers_are_never_asked(mfa_app: Flask, make_user: Any, login: Any) -> None:
    client = mfa_app.test_client()
    login(client, make_user("officer").username)
    assert client.get("/").status_code == 200
    assert client.get("/mfa").headers["Location"] == "/"


def test_admin_pages_wait_for_the_second_factor(
    mfa_app: Flask, make_user: Any, login: Any, db_session: Session, frozen_clock: Any
) -> None:
    admin = make_user("admin")
    enrol(db_session, admin)
    client = mfa_app.test_client()
    login(client, admin.username)
    response = client.get("/admin/audit")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mfa?next=/admin/audit"


def _token(client: FlaskClient, username: str, **extra: str) -> Any:
    body = {"username": username, "password": "insecure-test-password", **extra}
    return client.post("/api/v1/auth/token", json=body)


def test_api_token_needs_a_code_for_privileged_roles(
    mfa_app: Flask, make_user: Any, db_session: Session, frozen_clock: Any
) -> None:
    user = make_user("counsellor")
    client = mfa_app.test_client()
    assert _token(client, user.username).get_json()["error"]["code"] == "mfa_enrolment_required"
    secret, _codes = enrol(db_session, user)
    missing = _token(client, user.username)
    assert missing.status_code == 401
    assert missing.get_json()["error"]["code"] == "otp_required"
    wrong = _token(client, user.username, otp="000000")
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["code"] == "bad_otp"
    frozen_clock.advance(seconds=30)
    issued = _token(client, user.username, otp=code_now(secret))
    assert issued.status_code == 201
    bearer = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200


def test_a_token_issued_without_a_code_is_refused_once_mfa_is_required(
    app: Flask, mfa_app: Flask, make_user: Any, db_session: Session
) -> None:
    user = make_user("supervisor", unit="ST1")
    issued = _token(app.test_client(), user.username)  # the shared app: MFA off
    assert issued.status_code == 201
    bearer = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    refused = mfa_app.test_client().get("/api/v1/me", headers=bearer)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "otp_required"


def test_officer_tokens_need_no_code(mfa_app: Flask, make_user: Any) -> None:
    client = mfa_app.test_client()
    issued = _token(client, make_user("officer").username)
    assert issued.status_code == 201
    bearer = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200


def test_after_a_reset_the_next_sign_in_enrols_again(
    mfa_app: Flask, make_user: Any, login: Any, db_session: Session, frozen_clock: Any
) -> None:
    user, admin = make_user("counsellor"), make_user("admin")
    enrol(db_session, user)
    mfa.reset(db_session, user, admin)
    client = mfa_app.test_client()
    login(client, user.username)
    assert client.get("/mfa").headers["Location"].startswith("/mfa/enrol")


def _audit_actions(session: Session) -> list[str]:
    from sqlalchemy import select

    from wellbeing.audit.models import AuditEntry

    return list(session.scalars(select(AuditEntry.action)))


def test_the_pages_speak_chinese_by_default(
    mfa_app: Flask, make_user: Any, login: Any, db_session: Session
) -> None:
    client = mfa_app.test_client()
    login(client, make_user("counsellor").username)
    page = client.get("/mfa/enrol").get_data(as_text=True)
    assert "设置登录第二步验证" in page
    assert "otpauth://" in page


def test_wrong_enrolment_codes_are_throttled_with_a_wait_and_say_so(
    mfa_app: Flask, make_user: Any, login: Any, csrf: Any, frozen_clock: Any
) -> None:
    client = mfa_app.test_client()
    login(client, make_user("counsellor").username)
    statuses = [_post_code(client, csrf, "/mfa/enrol", "000000").status_code for _ in range(5)]
    assert statuses == [401] * 5
    throttled = _post_code(client, csrf, "/mfa/enrol", "000000")
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert "尝试次数过多" in throttled.get_data(as_text=True)  # zh-CN, the default
