"""A fake 企业微信 API on 127.0.0.1: tokens, application messages and web OAuth's getuserinfo.

It speaks the real protocol (JSON replies with `errcode`, HTTP 200 even for refusals) and can be
told to expire every issued token (the next call with one answers 42001), to fail the next sends
with an errcode, or to answer an HTTP error. It records every request it receives.

    wecom = FakeWecom.start(); ...; wecom.stop()   # or the `fake_wecom` fixture
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

from tests.fakes.http import LoopbackFake

CORP_ID = "ww-test-corp"
SECRET = "test-app-secret"
AGENT_ID = 1000002


@dataclass(frozen=True)
class Received:
    """One request as the fake saw it."""

    method: str
    path: str
    args: dict[str, str]
    body: Any  # parsed JSON, or None


@dataclass
class FakeWecom(LoopbackFake):
    """State of the fake; change it from a test while the server runs."""

    corp_id: str = CORP_ID
    secret: str = SECRET
    agent_id: int = AGENT_ID
    expires_in: int = 7200
    # userids that exist in the corp (message/send to anyone else is refused: 81013)
    users: set[str] = field(default_factory=set)
    # web OAuth: one-use code -> userid (fill it from a test)
    codes: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # accepted message/send bodies
    tokens_issued: int = 0
    _valid: set[str] = field(default_factory=set)
    _expired: set[str] = field(default_factory=set)
    _send_failures: list[int] = field(default_factory=list)
    _http_failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, **kwargs: Any) -> FakeWecom:
        """A fake serving on a free loopback port."""
        fake = cls(**kwargs)
        fake.serve()
        return fake

    @property
    def url(self) -> str:
        """The base URL to configure (WELLBEING_WECOM_BASE_URL)."""
        return self.base_url

    def expire_tokens(self) -> None:
        """Every token issued so far is expired: the next call with one answers 42001."""
        with self._lock:
            self._expired |= self._valid
            self._valid.clear()

    def fail_next_sends(self, errcode: int = -1, times: int = 1) -> None:
        """The next `times` message/send calls answer this errcode (-1: system busy)."""
        self._send_failures.extend([errcode] * times)

    def fail_next_requests(self, status: int = 503, times: int = 1) -> None:
        """The next `times` requests of any kind answer this HTTP status."""
        self._http_failures.extend([status] * times)

    def requests_to(self, path: str) -> list[Received]:
        """The requests received for one path."""
        return [r for r in self.received if r.path == path]

    # -- the protocol ---------------------------------------------------------------------

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        """The WSGI entry point."""
        request = Request(environ)
        body = request.get_json(silent=True) if request.data else None
        with self._lock:
            self.received.append(Received(request.method, request.path, dict(request.args), body))
            status = self._http_failures.pop(0) if self._http_failures else None
            reply = None if status else self._answer(request, body)
        if status:
            return Response("unavailable", status=status)(environ, start_response)
        payload = json.dumps(reply, ensure_ascii=False)
        return Response(payload, mimetype="application/json")(environ, start_response)

    def _answer(self, request: Request, body: Any) -> dict[str, Any]:
        route = (request.method, request.path)
        if route == ("GET", "/cgi-bin/gettoken"):
            return self._gettoken(request.args)
        if route not in {("POST", "/cgi-bin/message/send"), ("GET", "/cgi-bin/auth/getuserinfo")}:
            return {"errcode": 404, "errmsg": "unknown api"}  # pragma: no cover - misuse
        token = request.args.get("access_token", "")
        if token in self._expired:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if token not in self._valid:
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        if request.path == "/cgi-bin/auth/getuserinfo":
            return self._getuserinfo(request.args.get("code", ""))
        return self._send(body)

    def _gettoken(self, args: Any) -> dict[str, Any]:
        if args.get("corpid") != self.corp_id or args.get("corpsecret") != self.secret:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        token = secrets.token_hex(16)
        self._valid.add(token)
        self.tokens_issued += 1
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.expires_in}

    def _getuserinfo(self, code: str) -> dict[str, Any]:
        userid = self.codes.pop(code, None)
        if userid is None:
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {"errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": "t"}

    def _send(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or body.get("msgtype") != "textcard":
            return {"errcode": 40008, "errmsg": "invalid message type"}
        card = body.get("textcard")
        if not isinstance(card, dict) or not all(card.get(k) for k in ("title", "url")):
            return {"errcode": 41001, "errmsg": "missing textcard field"}
        if body.get("agentid") != self.agent_id:
            return {"errcode": 40056, "errmsg": "invalid agentid"}
        if self._send_failures:
            return {"errcode": self._send_failures.pop(0), "errmsg": "system busy"}
        if body.get("touser") not in self.users:
            return {"errcode": 81013, "errmsg": "user & party & tag all invalid"}
        self.sent.append(body)
        return {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": secrets.token_hex(8)}


@pytest.fixture
def fake_wecom() -> Iterator[FakeWecom]:
    """A running fake 企业微信 API (stopped after the test)."""
    fake = FakeWecom.start()
    yield fake
    fake.stop()
