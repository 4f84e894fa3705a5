"""The delivery log: one row per channel tried, shown to admins without any text; it goes with
its message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.fakes.sms import FakeGateway
from wellbeing.core.config import Settings
from wellbeing.core.db import Database
from wellbeing.notify.adapters import MemoryAdapter, make_adapter
from wellbeing.notify.deliveries import list_deliveries
from wellbeing.notify.errors import TransientDeliveryError
from wellbeing.notify.models import NotificationAttempt, OutboxMessage
from wellbeing.notify.service import deliver_pending, enqueue, purge_sent
from wellbeing.org.models import User

DUE = {"closes_on": "2026-12-31"}


def _queue(session: Session, user: User, kind: str = "screening.opened") -> OutboxMessage:
    message = enqueue(session, kind=kind, recipient=user, params=DUE)
    assert message is not None
    session.flush()
    return message


def _attempt_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(NotificationAttempt)) or 0)


def test_every_attempt_is_logged_with_channel_and_outcome(
    database: Database,
    db_session: Session,
    make_user: Callable[..., User],
    fake_sms: FakeGateway,
    channel_settings: Callable[..., Settings],
    frozen_clock: Any,
) -> None:
    officer = make_user(locale="en")
    officer.phone, officer.email = "13800000003", None
    message = _queue(db_session, officer)
    adapter = make_adapter(channel_settings("wecom,sms,smtp"))
    fake_sms.fail_next(503)
    deliver_pending(database.session_factory, adapter, frozen_clock.now)
    frozen_clock.advance(minutes=1)
    deliver_pending(database.session_factory, adapter, frozen_clock.now)

    db_session.expire_all()  # as a new request would see it
    (row,) = [r for r in list_deliveries(db_session) if r.message_id == message.id]
    assert (row.kind, row.recipient, row.status, row.attempts) == (
        "screening.opened",
        officer.username,
        "sent",
        2,
    )
    assert row.delivered_by == "sms"
    assert [(t.attempt, t.channel, t.outcome, t.error_code) for t in row.tried] == [
        (1, "wecom", "skipped", "no_address"),
        (1, "sms", "retry", "http_503"),
        (1, "smtp", "skipped", "no_address"),
        (2, "wecom", "skipped", "no_address"),
        (2, "sms", "sent", None),
    ]


def test_the_admin_page_shows_attempts_but_no_text(
    client: FlaskClient,
    login: Any,
    database: Database,
    db_session: Session,
    make_user: Callable[..., User],
    frozen_clock: Any,
) -> None:
    counsellor = make_user("counsellor", unit="ST1", scope="ST1")
    enqueue(db_session, kind="referral.on_call", recipient=counsellor)
    db_session.flush()
    adapter = MemoryAdapter()
    adapter.fail_next(TransientDeliveryError("SMTP unavailable", code="smtp_unavailable"))
    deliver_pending(database.session_factory, adapter, frozen_clock.now)
    login(client, make_user("admin", unit="BUR").username)

    page = client.get("/admin/deliveries").get_data(as_text=True)

    assert "referral.on_call" in page
    assert counsellor.username in page
    assert "smtp_unavailable" in page
    assert 'data-outcome="retry"' in page
    assert "紧急转介" not in page  # the text is never shown (nor stored)
    assert "通知投递记录" in page  # zh-CN by default
    pending = client.get("/admin/deliveries?status=pending").get_data(as_text=True)
    assert 'data-status="pending"' in pending
    sent = client.get("/admin/deliveries?status=sent").get_data(as_text=True)
    assert 'id="no-deliveries"' in sent
    assert client.get("/admin/deliveries?status=lost").status_code == 400
    assert 'href="/admin/deliveries"' in client.get("/").get_data(as_text=True)


def test_attempts_go_with_their_message(
    database: Database, db_session: Session, make_user: Callable[..., User], frozen_clock: Any
) -> None:
    message = _queue(db_session, make_user())
    deliver_pending(database.session_factory, MemoryAdapter(), frozen_clock.now)
    assert _attempt_count(db_session) == 1
    assert purge_sent(db_session, frozen_clock.now + timedelta(days=1)) == 1
    db_session.flush()
    assert db_session.get(OutboxMessage, message.id, populate_existing=True) is None
    assert _attempt_count(db_session) == 0


def test_a_message_for_someone_gone_is_logged_as_refused(
    database: Database, db_session: Session, make_user: Callable[..., User], frozen_clock: Any
) -> None:
    officer = make_user()
    message = _queue(db_session, officer)
    officer.active = False
    db_session.flush()
    deliver_pending(database.session_factory, MemoryAdapter(), frozen_clock.now)
    (row,) = db_session.scalars(
        select(NotificationAttempt).where(NotificationAttempt.message_id == message.id)
    )
    assert (row.channel, row.outcome, row.error_code) == ("-", "failed", "inactive")


def test_the_api_lists_attempts_for_admins_only(
    client: FlaskClient,
    bearer: Callable[[str], dict[str, str]],
    database: Database,
    db_session: Session,
    make_user: Callable[..., User],
    frozen_clock: Any,
) -> None:
    counsellor = make_user("counsellor", unit="ST1", scope="ST1")
    message = _queue(db_session, counsellor)
    deliver_pending(database.session_factory, MemoryAdapter(), frozen_clock.now)
    admin = make_user("admin", unit="BUR")

    answer = client.get("/api/v1/deliveries?status=sent", headers=bearer(admin.username))

    assert answer.status_code == 200
    (found,) = [d for d in answer.get_json()["deliveries"] if d["id"] == message.id]
    assert (found["recipient"], found["status"], found["delivered_by"]) == (
        counsellor.username,
        "sent",
        "memory",
    )
    assert [(t["attempt"], t["outcome"]) for t in found["tried"]] == [(1, "sent")]
    assert set(found) == {
        "id", "kind", "recipient", "status", "attempts", "created_at", "sent_at",
        "next_attempt_at", "delivered_by", "tried",
    }  # fmt: skip
    refused = client.get("/api/v1/deliveries?status=lost", headers=bearer(admin.username))
    assert (refused.status_code, refused.get_json()["error"]["field"]) == (422, "status")
    other = client.get("/api/v1/deliveries", headers=bearer(counsellor.username))
    assert other.status_code == 403
