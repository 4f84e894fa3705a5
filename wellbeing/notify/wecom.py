"""A small 企业微信 (WeChat Work) API client: the access token, cached, and calls that use it.

Shared by the notice adapter (`message/send`) and 企业微信 sign-in (`auth/getuserinfo`). The
token is fetched with `GET {base}/cgi-bin/gettoken?corpid=…&corpsecret=…`, kept until its
`expires_in` (less a margin), and fetched again when an API answers errcode 40014 (invalid) or
42001 (expired); the call is then repeated once with the new token. No SDK, plain httpx.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

DEFAULT_BASE_URL = "https://qyapi.weixin.qq.com"
TOKEN_REFRESH_CODES = frozenset({40014, 42001})
# Errcodes that retrying the same request later can fix: busy, rate limits, credentials or
# setup the operator can correct. Anything else non-zero is the request's own fault.
RETRYABLE_CODES = frozenset({-1, 40001, 40013, 40014, 42001, 45009, 45033, 48002, 60020})
EXPIRY_MARGIN_SECONDS = 60
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class WecomError(Exception):
    """A 企业微信 call failed; `code` is short ("http_503", "errcode_60111", "timeout")."""

    def __init__(self, code: str, *, retryable: bool) -> None:
        super().__init__(f"企业微信 call failed ({code})")
        self.code = code
        self.retryable = retryable


@dataclass
class _Token:
    value: str
    expires_at: float


class TokenCache:
    """Access tokens by (base URL, corp id, secret), shared by every client of a process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str, str], _Token] = {}

    def get(self, key: tuple[str, str, str]) -> str | None:
        """The cached token, or None when missing or (nearly) expired."""
        with self._lock:
            token = self._tokens.get(key)
        if token is None or token.expires_at <= self._clock():
            return None
        return token.value

    def put(self, key: tuple[str, str, str], value: str, expires_in: int) -> None:
        """Keep a token until shortly before it expires."""
        margin = min(EXPIRY_MARGIN_SECONDS, expires_in // 2)
        with self._lock:
            self._tokens[key] = _Token(value, self._clock() + expires_in - margin)

    def drop(self, key: tuple[str, str, str], value: str) -> None:
        """Forget a token the server refused (unless another thread already replaced it)."""
        with self._lock:
            if (token := self._tokens.get(key)) is not None and token.value == value:
                del self._tokens[key]


SHARED_TOKENS = TokenCache()


class WecomClient:
    """Calls the 企业微信 API of one corp (application secret) through an httpx.Client."""

    def __init__(
        self,
        base_url: str,
        corp_id: str,
        secret: str,
        http: httpx.Client | None = None,
        tokens: TokenCache | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = (self.base_url, corp_id, secret)
        self._http = http if http is not None else httpx.Client(timeout=TIMEOUT)
        self._tokens = tokens if tokens is not None else SHARED_TOKENS

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def access_token(self, *, fresh: bool = False) -> str:
        """A valid access token, from the cache unless `fresh` or expired."""
        if not fresh and (cached := self._tokens.get(self._key)) is not None:
            return cached
        _base, corp_id, secret = self._key
        reply = self._send("GET", "/cgi-bin/gettoken", {"corpid": corp_id, "corpsecret": secret})
        _check(reply)
        token, expires_in = reply.get("access_token"), reply.get("expires_in", 7200)
        if not isinstance(token, str) or not token or not isinstance(expires_in, int):
            raise WecomError("bad_token_reply", retryable=True)
        self._tokens.put(self._key, token, expires_in)
        return token

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> dict[str, Any]:
        """Call an API with the access token; the reply when errcode is 0, else WecomError.

        An invalid or expired token (40014/42001) is refreshed and the call repeated once.
        """
        token = self.access_token()
        reply = self._send(method, path, {**(params or {}), "access_token": token}, json)
        if reply.get("errcode") in TOKEN_REFRESH_CODES:
            self._tokens.drop(self._key, token)
            token = self.access_token(fresh=True)
            reply = self._send(method, path, {**(params or {}), "access_token": token}, json)
        _check(reply)
        return reply

    def _send(
        self, method: str, path: str, params: Mapping[str, str], json: Any = None
    ) -> dict[str, Any]:
        try:
            response = self._http.request(
                method, self.base_url + path, params=dict(params), json=json
            )
        except httpx.TimeoutException:
            raise WecomError("timeout", retryable=True) from None
        except httpx.HTTPError as exc:
            raise WecomError(f"unreachable_{type(exc).__name__}", retryable=True) from None
        if response.status_code != httpx.codes.OK:
            status = response.status_code
            raise WecomError(f"http_{status}", retryable=status >= 500 or status in {408, 429})
        try:
            reply = response.json()
        except ValueError:
            raise WecomError("bad_reply", retryable=True) from None
        if not isinstance(reply, dict):
            raise WecomError("bad_reply", retryable=True)
        return reply


def _check(reply: Mapping[str, Any]) -> None:
    code = reply.get("errcode", 0)
    if code != 0:
        raise WecomError(f"errcode_{code}", retryable=code in RETRYABLE_CODES)
