"""企业微信 web OAuth sign-in against the fakes on 127.0.0.1: the authorize page
(tests/fakes/wecom_oauth.py) and the API with `auth/getuserinfo` (tests/fakes/wecom.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakes.wecom import FakeWecom
from tests.fakes.wecom_oauth import FakeWecomOAuth
from wellbeing.audit.models import AuditEntry
from wellbeing.auth.models import WebSession
from wellbeing.org.models import User

WXWORK_UA = (
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/107.0 Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh"
)


@pytest.fixture
def wecom() -> Iterator[tuple[FakeWecom, FakeWecomOAuth]]:
    """The 企业微信 API and its authorize page, running."""
    api = FakeWecom.start()
    page = FakeWecomOAuth.start(api)
    yield api, page
    page.stop()
    api.stop()


@pytest.fixture
def wecom_app(
    make_app: Callable[..., Flask], wecom: tuple[FakeWecom, FakeWecomOAuth]
) -> Callable[..., Flask]:
    """An app whose 企业微信 is the fake."""
    api, page = wecom

    def build(**overrides: Any) -> Flask:
        return make_app(
            wecom_base_url=api.url,
            wecom_corp_id=api.corp_id,
            wecom_agent_id=api.agent_id,
            wecom_secret=api.secret,
            wecom_oauth_url=page.url,
            **overrides,
        )

    return build


def with_userid(user: User, userid: str, session: Session) -> User:
    user.wecom_userid = userid
    session.flush()
    return user


def round_trip(client: FlaskClient, start: str = "/login/wecom") -> Any:
    """Our start, 企业微信's authorize page, our callback."""
    leaving = client.get(start)
    assert leaving.status_code == 302
    answer = httpx.get(leaving.headers["Location"], follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/login/wecom/callback"
    return client.get(f"{back.path}?{back.query}")


def test_the_login_page_offers_wecom_and_the_redirect_is_wecom_s(
    wecom_app: Any, wecom: tuple[FakeWecom, FakeWecomOAuth]
) -> None:
    api, page = wecom
    client = wecom_app().test_client()
    login_page = client.get("/login").get_data(as_text=True)
    assert "使用企业微信登录" in login_page
    assert "使用统一身份认证登录" not in login_page
    target = client.get("/login/wecom").headers["Location"]
    parts = urlsplit(target)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == page.url
    assert parts.fragment == "wechat_redirect"
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query["appid"] == api.corp_id
    assert query["agentid"] == str(api.agent_id)
    assert (query["response_type"], query["scope"]) == ("code", "snsapi_base")
    assert query["redirect_uri"] == "http://localhost/login/wecom/callback"
    assert len(query["state"]) >= 32


def test_a_member_is_signed_in_by_userid(
    wecom_app: Any,
    wecom: tuple[FakeWecom, FakeWecomOAuth],
    make_user: Any,
    db_session: Session,
) -> None:
    api, page = wecom
    officer = with_userid(make_user("officer"), "ZhangSan", db_session)
    page.member = "ZhangSan"
    client = wecom_app().test_client()
    response = round_trip(client, "/login/wecom?next=/history")
    assert response.status_code == 302
    assert response.headers["Location"] == "/history"
    assert client.get("/").status_code == 200
    [asked] = api.requests_to("/cgi-bin/auth/getuserinfo")
    assert set(asked.args) == {"access_token", "code"}
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.login_succeeded")
    ).one()
    assert entry.actor_id == officer.id
    assert entry.detail["method"] == "wecom"


def test_an_unknown_userid_is_refused(
    wecom_app: Any, wecom: tuple[FakeWecom, FakeWecomOAuth], db_session: Session, org: Any
) -> None:
    _api, page = wecom
    page.member = "LiSi"
    client = wecom_app().test_client()
    response = round_trip(client)
    assert response.status_code == 403
    assert "这里没有您的账户" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
    ).one()
    assert entry.detail == {"channel": "wecom", "address": "127.0.0.1"}


def test_wecom_never_counts_as_the_second_factor(
    wecom_app: Any, wecom: tuple[FakeWecom, FakeWecomOAuth], make_user: Any, db_session: Session
) -> None:
    _api, page = wecom
    counsellor = with_userid(make_user("counsellor"), "WangWu", db_session)
    page.member = "WangWu"
    client = wecom_app(require_mfa=True).test_client()
    assert round_trip(client).status_code == 302
    home = client.get("/")
    assert home.status_code == 302
    assert home.headers["Location"].startswith("/mfa")
    held = db_session.scalars(select(WebSession).where(WebSession.user_id == counsellor.id)).one()
    assert held.mfa_at is None


def test_a_replayed_state_and_a_spent_code_are_refused(
    wecom_app: Any, wecom: tuple[FakeWecom, FakeWecomOAuth], make_user: Any, db_session: Session
) -> None:
    _api, page = wecom
    with_userid(make_user("officer"), "ZhaoLiu", db_session)
    page.member = "ZhaoLiu"
    client = wecom_app().test_client()
    leaving = client.get("/login/wecom")
    copied = client.get_cookie("wellbeing_session")
    assert copied is not None
    answer = httpx.get(leaving.headers["Location"], follow_redirects=False)
    back = urlsplit(answer.headers["Location"])
    callback = f"{back.path}?{back.query}"
    assert client.get(callback).status_code == 302
    assert client.get(callback).status_code == 400
    other = client.application.test_client()
    other.set_cookie("wellbeing_session", copied.value)
    assert other.get(callback).status_code == 401  # 企业微信 answers the spent code 40029


def test_inside_the_wecom_app_the_login_page_starts_wecom_sign_in(wecom_app: Any) -> None:
    client = wecom_app().test_client()
    inside = client.get("/login?next=/history", headers={"User-Agent": WXWORK_UA})
    assert inside.status_code == 302
    assert inside.headers["Location"] == "/login/wecom?next=/history"
    outside = client.get("/login?next=/history")
    assert outside.status_code == 200


def test_the_routes_are_not_there_without_wecom(client: FlaskClient) -> None:
    assert client.get("/login/wecom").status_code == 404
    assert client.get("/login/wecom/callback?code=x&state=y").status_code == 404
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    page = client.get("/login").get_data(as_text=True)
    assert "使用企业微信登录" not in page
    assert 'name="password"' in page


def test_an_expired_access_token_is_refreshed_during_sign_in(
    wecom_app: Any, wecom: tuple[FakeWecom, FakeWecomOAuth], make_user: Any, db_session: Session
) -> None:
    api, page = wecom
    with_userid(make_user("officer"), "SunQi", db_session)
    page.member = "SunQi"
    built = wecom_app()
    assert round_trip(built.test_client()).status_code == 302
    api.expire_tokens()
    issued, asked = api.tokens_issued, len(api.requests_to("/cgi-bin/auth/getuserinfo"))
    assert round_trip(built.test_client()).status_code == 302
    assert api.tokens_issued == issued + 1
    # asked with the expired token (42001), then again with the fresh one
    assert len(api.requests_to("/cgi-bin/auth/getuserinfo")) == asked + 2
