"""A tiny SMTP server on 127.0.0.1 (just enough of RFC 5321) that keeps what it receives."""

from __future__ import annotations

import email
import re
import socketserver
import threading
from collections.abc import Iterator
from email.message import Message
from email.policy import default

import pytest


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
