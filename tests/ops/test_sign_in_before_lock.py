"""A request that writes reads who is calling before it takes SQLite's write lock.

On SQLite the write lock (BEGIN IMMEDIATE, behind the writer gate) is held from a transaction's
first statement to its commit, and every writer of every process waits for it. Finding the
caller — the token or browser session, the user and their grants — only reads, so a writing
request does it in a deferred transaction of its own and takes the lock at its first write
(`wellbeing.core.db.read_then_write`). On PostgreSQL, where reads take no lock, the request
stays one transaction. These run against a database whose rows really commit.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from wellbeing.app import create_app
from wellbeing.auth import service as auth_service
from wellbeing.org import service as org_service
from wellbeing.screening.consent import give_consent
from wellbeing.screening.models import Consent


def _officer_with_consent(engine: Engine) -> str:
    with Session(engine) as session, session.begin():
        org_service.add_unit(session, "S", "所", "Station")
        officer = org_service.add_user(
            session, "o1", unit_code="S", grants=[org_service.parse_grant("officer")]
        )
        session.flush()
        give_consent(session, officer)
        return auth_service.issue_token(session, officer, timedelta(hours=1))[0]


def _served(app_config: dict[str, Any], engine: Engine) -> tuple[FlaskClient, list[str]]:
    """A client of an app on `engine`, and every statement the engine sends from now on."""
    app = create_app({**app_config, "engine": engine})
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    return app.test_client(), sent


def test_a_writing_api_request_finds_its_caller_outside_the_write_lock(
    app_config: dict[str, Any], scratch_engine: Engine
) -> None:
    token = _officer_with_consent(scratch_engine)
    client, sent = _served(app_config, scratch_engine)
    begins: list[object] = []
    event.listen(scratch_engine, "begin", begins.append)
    reply = client.delete("/api/v1/me/consent", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 204
    transactions = len(begins)
    with Session(scratch_engine) as session:  # the withdrawal was written
        assert session.scalars(select(Consent.withdrawn_at)).one() is not None
    token_read = next(i for i, s in enumerate(sent) if "FROM api_tokens" in s)
    if scratch_engine.dialect.name == "sqlite":
        assert sent[0] == "BEGIN"  # deferred: no write lock while the caller is found
        locked = sent.index("BEGIN IMMEDIATE")
        assert token_read < locked
        assert all("FROM role_grants" not in s for s in sent[locked:])  # grants read before
        assert transactions == 2
    else:
        assert transactions == 1  # reads take no lock here: one transaction, no extra commit


def test_a_refused_writing_request_never_takes_the_write_lock(
    app_config: dict[str, Any], scratch_engine: Engine
) -> None:
    token = _officer_with_consent(scratch_engine)
    client, sent = _served(app_config, scratch_engine)
    reply = client.post(  # a counsellor's route: the officer is refused
        "/api/v1/slots", json={}, headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.status_code == 403
    assert any("FROM api_tokens" in s for s in sent)
    assert "BEGIN IMMEDIATE" not in sent
