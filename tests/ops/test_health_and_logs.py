"""Health probes, request ids, JSON log lines without clinical data, and 503 when the database
cannot be reached."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from wellbeing.app import create_app
from wellbeing.audit import service as audit
from wellbeing.audit.sequencer import link_all
from wellbeing.core.clock import held_at, utcnow
from wellbeing.core.db import make_engine
from wellbeing.core.logs import JsonFormatter
from wellbeing.sealing.columns import set_active_keyring

PASSWORD = "insecure-test-password"


def test_healthz_and_readyz_answer_json(client: FlaskClient) -> None:
    alive = client.get("/healthz")
    assert alive.status_code == 200
    assert alive.get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "keyring": "ok", "audit_log": "ok"},
    }


def test_readyz_fails_without_a_keyring(client: FlaskClient) -> None:
    set_active_keyring(None)  # the autouse fixture puts it back
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"]["keyring"] == "missing"


def test_readyz_reports_pending_migrations(app_config: dict[str, Any], tmp_path: Path) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    app = create_app({**app_config, "engine": empty})
    body = app.test_client().get("/readyz").get_json()
    assert body["checks"] == {
        "database": "ok",
        "migrations": "pending",
        "keyring": "ok",
        "audit_log": "unknown",
    }
    empty.dispose()


def test_readyz_is_degraded_while_an_audit_entry_waits_too_long(
    client: FlaskClient, db_session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    with held_at(utcnow() - timedelta(minutes=9)):
        audit.record(db_session, actor=None, action="test.waiting", target_type="t", target_id=1)
    db_session.flush()
    assert client.get("/readyz").get_json()["checks"]["audit_log"] == "ok"  # not late yet
    with held_at(utcnow() + timedelta(minutes=2)):
        late = client.get("/readyz")
    assert late.status_code == 200  # the worker keeps serving: the operator is alarmed
    assert late.get_json()["status"] == "degraded"
    assert late.get_json()["reasons"] == {"audit_log": "unlinked_backlog"}
    assert "is the scheduler running?" in caplog.text
    link_all(db_session)
    with held_at(utcnow() + timedelta(minutes=2)):
        assert client.get("/readyz").get_json()["status"] == "ready"


def test_a_request_id_is_made_and_echoed_and_incoming_ones_need_a_proxy(
    client: FlaskClient, make_app: Any
) -> None:
    made = client.get("/healthz", headers={"X-Request-ID": "from-the-client"})
    assert made.headers["X-Request-ID"] != "from-the-client"
    assert len(made.headers["X-Request-ID"]) == 32
    proxied = make_app(proxy_count=1).test_client()
    kept = proxied.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["X-Request-ID"] == "abc-123"
    refused = proxied.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert refused.headers["X-Request-ID"] != "bad id <script>"


def _submit(client: FlaskClient, token: str) -> Any:
    answers = {f"q{i}": 2 for i in range(1, 10)} | {"difficulty": 1}
    return client.post(
        "/api/v1/submissions?secret=query-value",
        json={"instrument": "phq9", "answers": answers, "idempotency_key": "log-test-0001"},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_request_log_lines_are_json_without_clinical_data(
    client: FlaskClient, make_user: Any, caplog: pytest.LogCaptureFixture, db_session: Any
) -> None:
    from wellbeing.screening.consent import give_consent

    officer = make_user("officer", username="loggedofficer")
    give_consent(db_session, officer)
    token = client.post(
        "/api/v1/auth/token", json={"username": "loggedofficer", "password": PASSWORD}
    ).get_json()["token"]
    with caplog.at_level(logging.INFO, logger="wellbeing.request"):
        response = _submit(client, token)
    assert response.status_code == 201, response.get_json()
    records = [r for r in caplog.records if r.name == "wellbeing.request"]
    assert len(records) == 1
    line = JsonFormatter().format(records[0])
    entry = json.loads(line)
    assert entry["method"] == "POST"
    assert entry["path"] == "/api/v1/submissions"
    assert entry["status"] == 201
    assert entry["request_id"] == response.headers["X-Request-ID"]
    assert isinstance(entry["duration_ms"], float)
    assert len(entry["user"]) == 16
    for secret in ("query-value", "loggedofficer", token, "q9", "moderate", '"total"'):
        assert secret not in line
    assert str(officer.id) != entry["user"]


def test_exceptions_are_logged_by_type_without_their_message() -> None:
    try:
        raise ValueError("answers: phq9_9=3")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
        import sys

        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["exc_type"] == "ValueError"
    assert "phq9_9" not in json.dumps(entry)


@pytest.fixture
def unreachable_app(app_config: dict[str, Any], tmp_path: Path) -> Any:
    """An app whose database cannot be opened (its folder does not exist)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    yield create_app({**app_config, "engine": engine})
    engine.dispose()


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "The service is briefly unavailable"), ("zh_CN", "服务暂时不可用")],
)
def test_database_outage_is_a_localised_503_on_the_api(
    unreachable_app: Any, lang: str, text: str
) -> None:
    response = unreachable_app.test_client().get(
        f"/api/v1/me/assignments?lang={lang}", headers={"Authorization": "Bearer x" * 3}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    error = response.get_json()["error"]
    assert error["code"] == "unavailable"
    assert text in error["message"]


def test_database_outage_is_a_friendly_page_on_the_web(unreachable_app: Any) -> None:
    client = unreachable_app.test_client()
    page = client.get("/login?lang=en")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login?lang=en", data={"username": "u", "password": "p", "csrf_token": token}
    )
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "The service is briefly unavailable" in html
    assert "Traceback" not in html
    assert unreachable_app.test_client().get("/readyz").status_code == 503
    assert unreachable_app.test_client().get("/healthz").status_code == 200
