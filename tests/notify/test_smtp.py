"""The SMTP adapter against a tiny in-test SMTP server (just enough of RFC 5321)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.fakes.smtp import TinySmtpServer
from wellbeing.core.config import ConfigError, load_settings
from wellbeing.core.db import Database
from wellbeing.notify.adapters import LogAdapter, make_adapter
from wellbeing.notify.errors import PermanentDeliveryError, TransientDeliveryError
from wellbeing.notify.models import OutboxMessage, OutboxStatus
from wellbeing.notify.render import RenderedMessage
from wellbeing.notify.service import deliver_pending, enqueue
from wellbeing.notify.smtp import SmtpAdapter


def _adapter(server: TinySmtpServer) -> SmtpAdapter:
    port = server.server_address[1]
    return SmtpAdapter("127.0.0.1", int(port), "station@example.org", starttls=False)


def _rendered(address: str | None) -> RenderedMessage:
    return RenderedMessage(
        1, "screening.opened", "user:1", address, "zh_CN", "您有一项心理健康检查待完成", "请登录。"
    )


def test_a_message_is_sent_as_one_plain_text_email(smtp_server: TinySmtpServer) -> None:
    _adapter(smtp_server).deliver(_rendered("officer@example.org"))
    (received,) = smtp_server.received
    assert received["To"] == "officer@example.org"
    assert received["From"] == "station@example.org"
    assert received["Subject"] == "您有一项心理健康检查待完成"
    assert received.get_content().strip() == "请登录。"
    assert smtp_server.envelopes == [("station@example.org", ["officer@example.org"])]


def test_a_refused_address_is_a_permanent_failure(smtp_server: TinySmtpServer) -> None:
    smtp_server.refuse["gone@example.org"] = 550
    with pytest.raises(PermanentDeliveryError, match="550"):
        _adapter(smtp_server).deliver(_rendered("gone@example.org"))


def test_a_temporarily_refused_address_is_retried(smtp_server: TinySmtpServer) -> None:
    smtp_server.refuse["full@example.org"] = 452
    with pytest.raises(TransientDeliveryError, match="452"):
        _adapter(smtp_server).deliver(_rendered("full@example.org"))


def test_an_unreachable_server_is_a_transient_failure(smtp_server: TinySmtpServer) -> None:
    adapter = _adapter(smtp_server)
    smtp_server.shutdown()
    smtp_server.server_close()
    with pytest.raises(TransientDeliveryError, match="SMTP unavailable"):
        adapter.deliver(_rendered("officer@example.org"))


def test_a_user_without_email_fails_permanently_and_it_is_recorded(
    smtp_server: TinySmtpServer,
    database: Database,
    db_session: Session,
    make_user: Callable[..., Any],
    frozen_clock: Any,
) -> None:
    with_mail, without_mail = make_user(locale="en"), make_user()
    with_mail.email = "officer@example.org"
    params = {"closes_on": "2026-12-31"}
    sent = enqueue(db_session, kind="screening.opened", recipient=with_mail, params=params)
    failed = enqueue(db_session, kind="screening.opened", recipient=without_mail, params=params)
    db_session.flush()
    assert sent is not None
    assert failed is not None

    outcome = deliver_pending(database.session_factory, _adapter(smtp_server), frozen_clock.now)

    assert outcome == {"sent": 1, "failed": 1}
    (received,) = smtp_server.received
    assert received["Subject"] == "A wellbeing check is waiting for you"
    stored = db_session.get(OutboxMessage, failed.id, populate_existing=True)
    assert stored is not None
    assert stored.status == OutboxStatus.FAILED_PERMANENTLY
    assert stored.last_error == "recipient has no e-mail address"


def test_the_adapter_is_chosen_by_settings() -> None:
    assert isinstance(make_adapter(load_settings({}, environ={})), LogAdapter)
    smtp = make_adapter(
        load_settings(
            {},
            environ={
                "WELLBEING_NOTIFY_ADAPTER": "smtp",
                "WELLBEING_SMTP_HOST": "mail.example.org",
                "WELLBEING_SMTP_PORT": "2525",
                "WELLBEING_SMTP_FROM": "station@example.org",
                "WELLBEING_SMTP_STARTTLS": "no",
            },
        )
    )
    assert smtp == SmtpAdapter("mail.example.org", 2525, "station@example.org", starttls=False)
    with pytest.raises(ConfigError, match="WELLBEING_SMTP_HOST"):
        make_adapter(load_settings({"notify_adapter": "smtp"}, environ={}))
    with pytest.raises(ConfigError, match="'pigeon' is not a channel"):
        make_adapter(load_settings({"notify_adapter": "pigeon"}, environ={}))
