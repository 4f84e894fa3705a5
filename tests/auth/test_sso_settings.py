"""Password sign-in switched off (WELLBEING_PASSWORD_LOGIN=off), the settings single sign-on
needs, and the lockout that password and single sign-on share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD, csrf_from
from tests.fakes.oidc import FakeOidcProvider, sign_in
from wellbeing.auth import sso
from wellbeing.auth.models import WebSession
from wellbeing.core.config import ConfigError, load_settings


@pytest.fixture
def provider() -> Iterator[FakeOidcProvider]:
    sso.forget_providers()
    fake = FakeOidcProvider.start()
    yield fake
    fake.stop()
    sso.forget_providers()


def sso_only(make_app: Any, provider: FakeOidcProvider, **overrides: Any) -> Flask:
    built: Flask = make_app(
        oidc_issuer=provider.issuer,
        oidc_client_id=provider.client_id,
        oidc_client_secret=provider.client_secret,
        password_login=False,
        **overrides,
    )
    return built


def test_with_passwords_off_the_page_offers_only_single_sign_on(
    make_app: Any, provider: FakeOidcProvider
) -> None:
    page = sso_only(make_app, provider).test_client().get("/login").get_data(as_text=True)
    assert "使用统一身份认证登录" in page
    assert 'href="/login/sso"' in page
    assert 'name="password"' not in page


def test_with_passwords_off_a_correct_password_is_refused(
    make_app: Any, provider: FakeOidcProvider, make_user: Any, db_session: Session
) -> None:
    officer = make_user("officer")
    client = sso_only(make_app, provider).test_client()
    response = client.post(
        "/login",
        data={
            "username": officer.username,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_from(client),
        },
    )
    assert response.status_code == 403
    assert "已关闭密码登录" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    count = select(func.count()).select_from(WebSession)
    assert db_session.scalar(count) == 0
    api = client.post(
        "/api/v1/auth/token", json={"username": officer.username, "password": TEST_PASSWORD}
    )
    assert api.status_code == 403
    assert api.get_json()["error"]["code"] == "password_login_off"


def test_with_passwords_off_single_sign_on_still_works(
    make_app: Any, provider: FakeOidcProvider, make_user: Any
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "o", "preferred_username": officer.username}
    client = sso_only(make_app, provider).test_client()
    assert sign_in(client).status_code == 302
    assert client.get("/").status_code == 200


def test_an_account_locked_by_wrong_passwords_is_locked_for_single_sign_on_too(
    make_app: Any, provider: FakeOidcProvider, make_user: Any, login: Any, db_session: Session
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "o", "preferred_username": officer.username}
    client = make_app(
        oidc_issuer=provider.issuer,
        oidc_client_id=provider.client_id,
        oidc_client_secret=provider.client_secret,
    ).test_client()
    for _ in range(5):
        assert login(client, officer.username, "wrong-password").status_code == 401
    response = sign_in(client)
    assert response.status_code == 429
    assert db_session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_passwords_can_be_switched_off_only_with_single_sign_on() -> None:
    with pytest.raises(ConfigError, match="WELLBEING_PASSWORD_LOGIN"):
        load_settings(environ={"WELLBEING_PASSWORD_LOGIN": "off"})
    settings = load_settings(
        environ={
            "WELLBEING_PASSWORD_LOGIN": "off",
            "WELLBEING_OIDC_ISSUER": "https://sso.example.gov.cn/realms/police",
            "WELLBEING_OIDC_CLIENT_ID": "wellbeing",
            "WELLBEING_OIDC_MFA_AMR": "mfa,otp,hwk",
        }
    )
    assert settings.password_login is False
    assert settings.oidc_username_claim == "preferred_username"
    assert "oidc_client_secret=" not in repr(settings)
    with pytest.raises(ConfigError, match="WELLBEING_OIDC_CLIENT_ID"):
        load_settings(environ={"WELLBEING_OIDC_ISSUER": "https://sso.example.gov.cn"})
