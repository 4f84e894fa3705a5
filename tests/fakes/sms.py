"""A fake HTTP SMS gateway (and webhook receiver) on 127.0.0.1 that checks the signature.

A request must carry `X-Wellbeing-Timestamp` (within five minutes of now) and
`X-Wellbeing-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>` when the fake
has a secret; otherwise it answers 401 and keeps nothing. It records what it accepted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

from tests.fakes.http import LoopbackFake

GATEWAY_SECRET = "gateway-shared-secret"
MAX_SKEW_SECONDS = 300


@dataclass(frozen=True)
class Accepted:
    """One accepted POST: its parsed JSON body and headers."""

    body: Any
    raw: bytes
    headers: dict[str, str]


@dataclass
class FakeGateway(LoopbackFake):
    """State of the fake gateway; change it from a test while it serves."""

    secret: str = GATEWAY_SECRET
    accepted: list[Accepted] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)  # statuses answered to refused requests
    _failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, **kwargs: Any) -> FakeGateway:
        """A gateway serving on a free loopback port."""
        fake = cls(**kwargs)
        fake.serve()
        return fake

    @property
    def url(self) -> str:
        """The URL to POST to."""
        return self.base_url + "/send"

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        """Answer the next `times` requests with this status."""
        self._failures.extend([status] * times)

    def signature_ok(self, request: Request, raw: bytes) -> bool:
        """Whether the request is signed with our secret, recently."""
        timestamp = request.headers.get("X-Wellbeing-Timestamp", "")
        given = request.headers.get("X-Wellbeing-Signature", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            return False
        mac = hmac.new(self.secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256)
        return hmac.compare_digest(given, "sha256=" + mac.hexdigest())

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The WSGI entry point."""
        request = Request(environ)
        raw = request.get_data()
        with self._lock:
            status = self._answer(request, raw)
        return Response(json.dumps({"status": status}), status=status)(environ, start_response)

    def _answer(self, request: Request, raw: bytes) -> int:
        if request.method != "POST" or request.path != "/send":
            status = 404
        elif self._failures:
            status = self._failures.pop(0)
        elif self.secret and not self.signature_ok(request, raw):
            status = 401
        else:
            try:
                body = json.loads(raw)
            except ValueError:
                status = 400
            else:
                self.accepted.append(Accepted(body, raw, dict(request.headers)))
                return 200
        self.refused.append(status)
        return status


@pytest.fixture
def fake_sms() -> Iterator[FakeGateway]:
    """A running fake SMS gateway (stopped after the test)."""
    fake = FakeGateway.start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_webhook() -> Iterator[FakeGateway]:
    """A running fake webhook receiver (stopped after the test)."""
    fake = FakeGateway.start(secret="webhook-shared-secret")
    yield fake
    fake.stop()
