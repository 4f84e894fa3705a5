"""A name that is no account is never stored (issue 21.5): people type passwords there.

Failures and audit entries keep `?` and an HMAC-SHA256 of it (key derived from the app's secret
key); a real account's name is kept as is, and throttling by the hashed name still works.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.auth.test_sso_oidc import provider, sso_app  # noqa: F401 - fixtures
from tests.fakes.oidc import FakeOidcProvider, sign_in
from wellbeing.audit.models import AuditEntry
from wellbeing.auth.models import LoginFailure
from wellbeing.auth.throttle import ThrottlePolicy, name_key_from, unknown_name

TYPED_PASSWORD = "insecure-test-Secret-Passw0rd"


def _stored_text(session: Session) -> str:
    """Every value of every row of the audit and login-failure tables, as one text."""
    rows = [
        *session.execute(select(AuditEntry.__table__)).all(),
        *session.execute(select(LoginFailure.__table__)).all(),
    ]
    return "\n".join(repr(tuple(row)) for row in rows)


def test_a_password_typed_as_the_username_is_stored_nowhere(
    client: FlaskClient, db_session: Session, login: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert login(client, TYPED_PASSWORD, "wrong").status_code == 401
    api = client.post("/api/v1/auth/token", json={"username": TYPED_PASSWORD, "password": "x"})
    assert api.status_code == 401
    stored = _stored_text(db_session)
    assert "auth.login_failed" in stored
    assert TYPED_PASSWORD not in stored
    assert TYPED_PASSWORD.lower() not in stored.lower()
    assert TYPED_PASSWORD not in caplog.text
    names = set(db_session.scalars(select(LoginFailure.username)))
    assert len(names) == 1  # the same name is the same hash, from the web and the API
    [name] = names
    assert name.startswith("?")
    assert len(name) <= 64


def test_the_hash_is_keyed_by_the_secret_key() -> None:
    one = ThrottlePolicy(name_key=name_key_from("first secret"))
    other = ThrottlePolicy(name_key=name_key_from("second secret"))
    assert unknown_name(TYPED_PASSWORD, one) == unknown_name(TYPED_PASSWORD, one)
    assert unknown_name(TYPED_PASSWORD, one) != unknown_name(TYPED_PASSWORD, other)
    assert unknown_name("a", one) != unknown_name("b", one)


def test_a_real_account_name_is_kept(
    client: FlaskClient, db_session: Session, make_user: Any, login: Any
) -> None:
    user = make_user("officer")
    assert login(client, user.username, "wrong").status_code == 401
    assert list(db_session.scalars(select(LoginFailure.username))) == [user.username]
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.login_failed")
    ).one()
    assert entry.target_id == user.username


def test_an_unknown_name_is_still_throttled(
    client: FlaskClient, db_session: Session, login: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        assert login(client, TYPED_PASSWORD, "wrong").status_code == 401
    refused = login(client, TYPED_PASSWORD, "wrong")
    assert refused.status_code == 429
    throttled = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth.login_throttled")
    ).one()
    assert throttled.target_id.startswith("?")
    assert TYPED_PASSWORD not in _stored_text(db_session)
    assert TYPED_PASSWORD not in caplog.text


def test_single_sign_on_keeps_an_unknown_name_as_a_hash(
    sso_app: Callable[..., Flask],  # noqa: F811
    provider: FakeOidcProvider,  # noqa: F811
    db_session: Session,
    org: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    provider.identity = {"sub": "x", "preferred_username": TYPED_PASSWORD}
    client = sso_app().test_client()
    assert sign_in(client).status_code == 403
    stored = _stored_text(db_session)
    assert "auth.login_failed" in stored
    assert TYPED_PASSWORD not in stored
    assert TYPED_PASSWORD not in caplog.text
