"""The SMTP adapter against a tiny in-test SMTP server (just enough of RFC 5321)."""

from __future__ import annotations

import email
import re
import socketserver
import threading
from collections.abc import Callable, Iterator
from email.message import Message
from email.policy import default
from typing import Any

import pytest
from sqlalchemy.orm import Session

from wellbeing.core.config import ConfigError, load_settings
from wellbeing.core.db import Database
from wellbeing.notify.adapters import LogAdapter, make_adapter
from wellbeing.notify.errors import PermanentDeliveryError, TransientDeliveryError
from wellbeing.notify.models import OutboxMessage, OutboxStatus
from wellbeing.notify.render import RenderedMessage
from wellbeing.notify.service import deliver_pending, enqueue
from wellbeing.notify.smtp import SmtpAdapter


class TinySmtpServer(socketserver.ThreadingTCPServer):
    """Accepts mail for anyone except the addresses in `refuse` (code per address)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.received: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: dict[str, int] = {}


def _address(command: str) -> str:
    """The <address> of a MAIL FROM or RCPT TO command."""
    match = re.search(r"<([^>]*)>", command)
    assert match, command
    return match.group(1)


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: TinySmtpServer

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 tiny ESMTP")
        sender, recipients = "", []
        while line := self.rfile.readline().decode().rstrip("\r\n"):
            verb = line.split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self.reply("250-tiny")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                sender, recipients = _address(line), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = _address(line)
                code = self.server.refuse.get(address)
                if code:
                    self.reply(f"{code} no such mailbox")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with .")
                self._read_data(sender, recipients)
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")

    def _read_data(self, sender: str, recipients: list[str]) -> None:
        lines = []
        while (line := self.rfile.readline()) not in {b".\r\n", b""}:
            lines.append(line[1:] if line.startswith(b"..") else line)
        self.server.received.append(email.message_from_bytes(b"".join(lines), policy=default))
        self.server.envelopes.append((sender, recipients))
        self.reply("250 queued")


@pytest.fixture
def smtp_server() -> Iterator[TinySmtpServer]:
    server = TinySmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


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
    with pytest.raises(ConfigError, match="log' or 'smtp"):
        make_adapter(load_settings({"notify_adapter": "pigeon"}, environ={}))
