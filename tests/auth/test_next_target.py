"""Where a sign-in goes next (issue 21.4): only a same-site relative path, anything else home.

A `next` with CR/LF once reached a `Location` header and answered 500; a backslash
(`/\\evil.example`, which browsers read as `//evil.example`) left the site.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from tests.auth.test_sso_oidc import provider, sso_app  # noqa: F401 - fixtures
from tests.conftest import csrf_from
from tests.fakes.oidc import FakeOidcProvider, sign_in
from wellbeing.web.next_target import relative_target

BAD_TARGETS = [
    "/\r\nSet-Cookie: stolen=1",
    "/history\nX-Injected: 1",
    "/\\evil.example/phish",
    "/\\/evil.example",
    "//evil.example/phish",
    "https://evil.example/",
    "javascript:alert(1)",
    "history",
    "/tab\there",
    "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", BAD_TARGETS)
def test_a_bad_target_is_not_followed(target: str) -> None:
    assert relative_target(target) is None


@pytest.mark.parametrize("target", ["/", "/history", "/referrals/12?tab=notes", "/页面"])
def test_a_relative_path_is_followed(target: str) -> None:
    assert relative_target(target) == target


@pytest.mark.parametrize("target", BAD_TARGETS[:4])
def test_signing_in_with_a_bad_next_lands_on_the_home_page(
    client: FlaskClient, make_user: Any, target: str
) -> None:
    user = make_user("officer")
    response = client.post(
        "/login",
        data={
            "username": user.username,
            "password": "insecure-test-password",
            "next": target,
            "csrf_token": csrf_from(client),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", BAD_TARGETS[:4])
def test_the_login_page_with_a_bad_next_answers_and_drops_it(
    client: FlaskClient, make_user: Any, login: Any, target: str
) -> None:
    page = client.get("/login", query_string={"next": target})
    assert page.status_code == 200
    assert f'value="{escape(target)}"' not in page.get_data(as_text=True)  # not carried on
    login(client, make_user("officer").username)
    signed_in = client.get("/login", query_string={"next": target})
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/"


@pytest.fixture
def oidc_client(sso_app: Callable[..., Flask]) -> FlaskClient:  # noqa: F811
    return sso_app().test_client()


@pytest.mark.parametrize("target", ["/\r\nX-Injected: 1", "/\\evil.example"])
def test_single_sign_on_with_a_bad_next_lands_on_the_home_page(
    oidc_client: FlaskClient,
    provider: FakeOidcProvider,  # noqa: F811
    make_user: Any,
    target: str,
) -> None:
    officer = make_user("officer")
    provider.identity = {"sub": "abc", "preferred_username": officer.username}
    response = sign_in(oidc_client, "/login/sso?" + _query(target))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    again = oidc_client.get("/login/sso", query_string={"next": target})
    assert again.status_code == 302
    assert again.headers["Location"] == "/"


def _query(target: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"next": target})
