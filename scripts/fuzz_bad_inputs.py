"""Hand-made bad inputs the fuzzer would not think of (issue 21.4), sent to a live server.

- a JSON body of 100,000 `[` and one just over the 1 MiB limit, to every operation that takes a
  body, as each role and anonymously: each must answer 4xx (400 `bad_request`, 413 `too_large`,
  or the 401/403 of a caller who may not call it);
- a `next` with CR/LF, a backslash or a scheme at the login form: GET /login?next=… before and
  after sign-in, and POST /login with it: each must answer without a 5xx and never leave the site.

`probe_all` returns one line per failure (empty: all passed).
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Iterable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

DEEP = b"[" * 100_000
OVERSIZED = b'{"x": "' + b"a" * (1024 * 1024) + b'"}'
BAD_NEXT = [
    "/\r\nSet-Cookie: stolen=1",
    "/\\evil.example/",
    "//evil.example/",
    "https://evil.example/",
]
BODY_METHODS = ("post", "put", "patch")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A tiny cookie-keeping HTTP client that never follows redirects."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def send(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        """Status, headers and text of one request (a dropped connection is status 0)."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (ConnectionError, http.client.HTTPException):
            return 0, {}, ""
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, dict(response.headers.items()), text

    def login_form(self, username: str, password: str, next_url: str) -> tuple[int, str]:
        """POST /login with a fresh CSRF token; the status and the Location header."""
        _status, _headers, page = self.send("GET", "/login")
        match = _CSRF.search(page)
        form = {"username": username, "password": password, "next": next_url}
        form["csrf_token"] = match.group(1) if match else ""
        content = {"Content-Type": "application/x-www-form-urlencoded"}
        status, headers, _text = self.send("POST", "/login", urlencode(form).encode(), content)
        return status, headers.get("Location", "")


def body_paths(document: dict[str, Any], operations: Iterable[str]) -> list[tuple[str, str]]:
    """(method, path) of the chosen operations that take a body; path parameters filled in."""
    chosen, found = set(operations), []
    for path, item in document["paths"].items():
        for method in BODY_METHODS:
            operation = item.get(method)
            if operation is not None and operation["operationId"] in chosen:
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return found


def probe_bodies(
    base_url: str, role: str, token: str | None, paths: list[tuple[str, str]]
) -> list[str]:
    """The deep and the oversized body to every path; a line per answer that is not a 4xx."""
    failures = []
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    for method, path in paths:
        for label, body in (("100,000 [", DEEP), ("over 1 MiB", OVERSIZED)):
            status, _headers, _text = Browser(base_url).send(method, path, body, headers)
            if not 400 <= status < 500:
                failures.append(f"{role}: {method} {path} with {label} answered {status}")
    return failures


def probe_login_next(base_url: str, username: str, password: str) -> list[str]:
    """Bad `next` values at the login form, signed out and signed in."""
    failures = []
    for target in BAD_NEXT:
        query = "/login?" + urlencode({"next": target})
        browser = Browser(base_url)
        status, _headers, _text = browser.send("GET", query)
        if status != 200:
            failures.append(f"GET /login?next={target!r} signed out answered {status}")
        status, location = browser.login_form(username, password, target)
        if status != 302 or location != "/":
            failures.append(f"POST /login next={target!r} answered {status} to {location!r}")
        status, headers, _text = browser.send("GET", query)
        if status != 302 or headers.get("Location") != "/":
            failures.append(f"GET /login?next={target!r} signed in answered {status}")
    return failures
