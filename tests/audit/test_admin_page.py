"""GET /admin/audit: admins only, newest first, filters, pages of 50, both languages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit import service as audit
from wellbeing.audit.models import AuditEntry
from wellbeing.audit.sequencer import link_all

SEQ = re.compile(r'data-id="(\d+)"')


def _seqs(page: str) -> list[int]:
    return [int(seq) for seq in SEQ.findall(page)]


@pytest.fixture
def admin_client(client: FlaskClient, make_user: Any, login: Any) -> FlaskClient:
    admin = make_user("admin", unit="BUR", username="audit-admin", locale="en")
    assert login(client, admin.username).status_code == 302
    return client


NOT_ADMINS = [("officer", None), ("leader", "ST1"), ("counsellor", "ST1"), ("supervisor", "ST1")]


@pytest.mark.parametrize(("role", "scope"), NOT_ADMINS)
def test_only_admins_may_see_the_audit_log(
    client: FlaskClient, make_user: Any, login: Any, role: str, scope: str | None
) -> None:
    user = make_user(role, unit="ST1", scope=scope)
    login(client, user.username)
    assert client.get("/admin/audit").status_code == 403


def test_anonymous_is_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/admin/audit")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_lists_newest_first_in_english(admin_client: FlaskClient) -> None:
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Audit log" in page
    seqs = _seqs(page)
    assert seqs == sorted(seqs, reverse=True)
    assert "audit-admin" in page
    assert "auth.login_succeeded" in page


def test_chinese_labels(client: FlaskClient, make_user: Any, login: Any) -> None:
    admin = make_user("admin", unit="BUR", locale="zh_CN")
    login(client, admin.username)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "审计日志" in page
    assert "登录成功" in page


def test_filters(admin_client: FlaskClient, db_session: Session, make_user: Any) -> None:
    make_user("officer", username="filtered-officer")
    page = admin_client.get("/admin/audit?action=org.role").get_data(as_text=True)
    assert "org.role_granted" in page
    assert "auth.login_succeeded" not in page
    page = admin_client.get("/admin/audit?actor=audit-admin").get_data(as_text=True)
    assert "auth.login_succeeded" in page
    assert "filtered-officer" not in page
    page = admin_client.get("/admin/audit?target_type=nothing-like-this").get_data(as_text=True)
    assert _seqs(page) == []
    assert "No entries match." in page


def test_date_range(admin_client: FlaskClient, db_session: Session) -> None:
    entry = audit.record(
        db_session, actor=None, action="test.dated", target_type="t", target_id="1"
    )
    assert entry is not None
    db_session.flush()
    entry_id = db_session.scalar(select(AuditEntry.id).where(AuditEntry.action == "test.dated"))
    day = entry.time.date()
    inside = admin_client.get(f"/admin/audit?action=test.dated&from={day}&to={day}")
    assert _seqs(inside.get_data(as_text=True)) == [entry_id]
    earlier = day - timedelta(days=1)
    before = admin_client.get(f"/admin/audit?action=test.dated&to={earlier}")
    assert _seqs(before.get_data(as_text=True)) == []
    later = admin_client.get(f"/admin/audit?action=test.dated&from={day + timedelta(days=1)}")
    assert _seqs(later.get_data(as_text=True)) == []
    bad = admin_client.get("/admin/audit?from=yesterday").get_data(as_text=True)
    assert "Dates must look like 2026-11-27." in bad


def test_an_entry_shows_its_seq_once_linked(admin_client: FlaskClient, db_session: Session) -> None:
    audit.record(db_session, actor=None, action="test.linked", target_type="t", target_id="1")
    db_session.flush()
    staged = admin_client.get("/admin/audit?action=test.linked").get_data(as_text=True)
    assert "not yet chained" in staged
    link_all(db_session)
    seq = db_session.scalar(select(AuditEntry.seq).where(AuditEntry.action == "test.linked"))
    linked = admin_client.get("/admin/audit?action=test.linked").get_data(as_text=True)
    assert f"#{seq}<" in linked
    assert "not yet chained" not in linked


def test_pages_of_fifty(admin_client: FlaskClient, db_session: Session) -> None:
    for index in range(60):
        audit.record(db_session, actor=None, action="test.paged", target_type="t", target_id=index)
    db_session.flush()
    first = admin_client.get("/admin/audit?action=test.paged").get_data(as_text=True)
    assert len(_seqs(first)) == 50
    [older] = re.findall(r'href="([^"]*page=2[^"]*)"', first)
    assert "action=test.paged" in older  # the filters are kept across pages
    second = admin_client.get("/admin/audit?action=test.paged&page=2").get_data(as_text=True)
    assert len(_seqs(second)) == 10
    assert set(_seqs(first)).isdisjoint(_seqs(second))
    assert max(_seqs(second)) < min(_seqs(first))
