"""OpenID Connect sign-in against a real provider on 127.0.0.1 (tests/fakes/oidc.py).

The Flask test client plays the browser: it follows our redirect to the provider with httpx
(the provider answers with a redirect back), then calls our callback with what came back.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.fakes.oidc import FakeOidcProvider, come_back, leave_for_provider, sign_in
from wellbeing.audit.models import AuditEntry
from wellbeing.auth import sso
from wellbeing.auth.models import LoginFailure, WebSession
from wellbeing.org import service as org_service
from wellbeing.org.models import User


@pytest.fixture
def provider() -> Iterator[FakeOidcProvider]:
    """A running OpenID provider; no provider metadata is kept from another test."""
    sso.forget_providers()
    fake = FakeOidcProvider.start()
    yield fake
    fake.stop()
    sso.forget_providers()


@pytest.fixture
def sso_app(make_app: Callable[..., Flask], provider: FakeOidcProvider) -> Callable[..., Flask]:
    """An app whose single sign-on is the fake provider (more settings as keywords)."""

    def build(**overrides: Any) -> Flask:
        return make_app(
            oidc_issuer=provider.issuer,
            oidc_client_id=provider.client_id,
            oidc_client_secret=provider.client_secret,
            **overrides,
        )

    return build


def entries(session: Session, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
    return list(session.scalars(query))


def session_count(session: Session, user: User) -> int:
    query = select(func.count()).select_from(WebSession).where(WebSession.user_id == user.id)
    return session.scalar(query) or 0


def test_a_known_officer_signs_in_through_the_provider(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any, db_session: Session
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    client = sso_app().test_client()
    client.get("/login")
    before = client.get_cookie("wellbeing_session")
    response = sign_in(client, "/login/sso?next=/history")
    assert response.status_code == 302
    assert response.headers["Location"] == "/history"
    after = client.get_cookie("wellbeing_session")
    assert before is not None
    assert after is not None
    assert before.value != after.value
    home = client.get("/")
    assert home.status_code == 200
    assert officer.display_name in home.get_data(as_text=True)
    [entry] = entries(db_session, "auth.login_succeeded")
    assert entry.actor_id == officer.id
    assert entry.detail == {
        "channel": "web",
        "address": "127.0.0.1",
        "method": "oidc",
        "second_factor": "no",
    }


def test_pkce_s256_and_a_nonce_are_sent(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    client = sso_app().test_client()
    assert sign_in(client).status_code == 302
    [asked] = provider.authorize_requests
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256"
    assert "openid" in asked["scope"].split()
    assert len(asked["nonce"]) >= 32
    assert len(asked["state"]) >= 32
    [redeemed] = provider.token_requests
    verifier = redeemed["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == asked["code_challenge"]
    assert (
        redeemed["redirect_uri"] == asked["redirect_uri"] == "http://localhost/login/sso/callback"
    )
    assert "client_secret" not in redeemed  # sent with HTTP Basic, not in the body


def test_the_provider_refuses_a_code_without_or_with_a_wrong_verifier(
    provider: FakeOidcProvider,
) -> None:
    def code_for(challenge: str) -> str:
        answer = httpx.get(
            f"{provider.issuer}/authorize",
            params={
                "client_id": provider.client_id,
                "response_type": "code",
                "scope": "openid",
                "redirect_uri": "http://localhost/cb",
                "state": "s",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        )
        return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]

    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    challenge_text = challenge.rstrip(b"=").decode()
    auth = (provider.client_id, provider.client_secret)
    for sent in ({}, {"code_verifier": "w" * 50}, {"code_verifier": verifier}):
        body = {
            "grant_type": "authorization_code",
            "code": code_for(challenge_text),
            "redirect_uri": "http://localhost/cb",
            **sent,
        }
        response = httpx.post(f"{provider.issuer}/token", data=body, auth=auth)
        assert response.status_code == (200 if sent.get("code_verifier") == verifier else 400)
    assert provider.token_refusals == ["invalid_grant", "invalid_grant"]


def test_a_wrong_verifier_in_the_browser_session_fails_the_sign_in(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    client = sso_app().test_client()
    back = leave_for_provider(client)
    with client.session_transaction() as held:
        held["sso_pending"] = {**held["sso_pending"], "code_verifier": "x" * 64}
    response = come_back(client, back)
    assert response.status_code == 401
    assert provider.token_refusals == ["invalid_grant"]
    assert client.get("/").status_code == 302


def test_an_unknown_user_is_refused_and_nothing_is_created(
    sso_app: Any, provider: FakeOidcProvider, db_session: Session, org: Any
) -> None:
    provider.identity = {"sub": "x", "preferred_username": "stranger", "email": "s@example.org"}
    client = sso_app().test_client()
    response = sign_in(client)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "这里没有您的账户" in page
    assert client.get("/").status_code == 302
    assert db_session.scalar(select(User).where(User.username == "stranger")) is None
    [entry] = entries(db_session, "auth.login_failed")
    assert entry.actor_id is None
    assert entry.target_id.startswith("?")  # a keyed hash of a name that is no account
    assert "stranger" not in entry.target_id
    assert entry.detail == {"channel": "oidc", "address": "127.0.0.1"}  # no other claim
    assert db_session.scalar(select(func.count()).select_from(LoginFailure)) == 1


def test_a_deactivated_user_is_refused(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any, db_session: Session
) -> None:
    officer = make_user("officer")
    org_service.deactivate_user(db_session, officer.username)
    db_session.flush()
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    client = sso_app(default_locale="en").test_client()
    response = sign_in(client)
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)
    assert session_count(db_session, officer) == 0


def test_a_replayed_state_is_refused(
    sso_app: Any, app: Flask, provider: FakeOidcProvider, make_user: Any, db_session: Session
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    client = sso_app().test_client()
    back = leave_for_provider(client)
    copied = client.get_cookie("wellbeing_session")
    assert copied is not None
    assert come_back(client, back).status_code == 302
    replayed = come_back(client, back)
    assert replayed.status_code == 400  # the same browser: the state is spent
    assert "此次登录已使用过" in replayed.get_data(as_text=True)
    other = client.application.test_client()  # a copy of the cookie from before the callback
    other.set_cookie("wellbeing_session", copied.value)
    assert come_back(other, back).status_code == 401  # the provider's code is spent too
    assert session_count(db_session, officer) == 1
    reasons = [entry.detail["reason"] for entry in entries(db_session, "auth.sso_failed")]
    assert reasons == ["sso_state", "sso_code_refused"]


def test_a_state_of_another_sign_in_is_refused(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    built = sso_app()
    mine, theirs = built.test_client(), built.test_client()
    leave_for_provider(mine)
    their_answer = leave_for_provider(theirs)  # login CSRF: another person's code and state
    assert come_back(mine, their_answer).status_code == 400
    assert mine.get("/").status_code == 302


@pytest.mark.parametrize(
    "knob",
    [{"sign_with_unpublished_key": True}, {"audience": "someone-else"}, {"omit_nonce": True}],
)
def test_an_id_token_that_does_not_verify_is_refused(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any, knob: dict[str, Any]
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    for name, value in knob.items():
        setattr(provider, name, value)
    client = sso_app().test_client()
    response = sign_in(client)
    assert response.status_code == 401
    assert "无法验证" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(("amr", "lands_on"), [(None, "/mfa"), (["pwd"], "/mfa"), (["mfa"], "/")])
def test_a_privileged_role_needs_the_second_factor_unless_the_provider_asserts_one(
    sso_app: Any,
    provider: FakeOidcProvider,
    make_user: Any,
    db_session: Session,
    amr: list[str] | None,
    lands_on: str,
) -> None:
    leader = make_user("leader", unit="ST1", scope="ST1")
    provider.identity = {"sub": "l", "preferred_username": leader.username}
    if amr is not None:
        provider.identity["amr"] = amr
    client = sso_app(require_mfa=True).test_client()
    assert sign_in(client).status_code == 302
    page = client.get("/")
    if lands_on == "/mfa":
        assert page.status_code == 302
        assert page.headers["Location"].startswith("/mfa")
    else:
        assert page.status_code == 200
    held = db_session.scalars(select(WebSession).where(WebSession.user_id == leader.id)).one()
    assert (held.mfa_at is not None) == (lands_on == "/")


def test_the_mfa_amr_values_are_configurable(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any
) -> None:
    admin = make_user("admin")
    provider.identity = {"sub": "a", "preferred_username": admin.username, "amr": ["hwk"]}
    client = sso_app(require_mfa=True, oidc_mfa_amr="hwk,otp").test_client()
    sign_in(client)
    assert client.get("/").status_code == 200


def test_the_username_claim_is_configurable(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": "x", "police_no": officer.username}
    client = sso_app(oidc_username_claim="police_no").test_client()
    assert sign_in(client).status_code == 302
    assert client.get("/").status_code == 200


def test_an_unreachable_provider_is_a_clear_page(sso_app: Any, provider: FakeOidcProvider) -> None:
    client = sso_app().test_client()
    provider.stop()
    response = client.get("/login/sso")
    assert response.status_code == 502
    assert "无法连接" in response.get_data(as_text=True)


def test_a_sign_in_that_comes_back_too_late_is_refused(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any, frozen_clock: Any
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    frozen_clock.now = datetime.now(UTC)
    client = sso_app().test_client()
    back = leave_for_provider(client)
    frozen_clock.advance(minutes=11)
    response = come_back(client, back)
    assert response.status_code == 400
    assert "登录超时" in response.get_data(as_text=True)
    assert provider.token_requests == []  # the code was never redeemed


def test_an_expired_id_token_is_refused(
    sso_app: Any, provider: FakeOidcProvider, make_user: Any, frozen_clock: Any
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    frozen_clock.now = datetime.now(UTC) + timedelta(minutes=7)  # the token lives 5 minutes
    client = sso_app().test_client()
    assert sign_in(client).status_code == 401
    assert client.get("/").status_code == 302
