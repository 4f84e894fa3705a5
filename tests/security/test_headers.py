"""HTTP hardening: every response carries the safety headers; proxies trusted only when configured.

The walk visits every GET route of the URL map — as a user holding every role on the web, and
with a bearer token on the API — so a page added later is covered without editing this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from wellbeing.auth.access import public
from wellbeing.core.config import ConfigError, load_settings
from wellbeing.faces.context import client_address

PLACEHOLDERS = {"code": "ST1", "filename": "app.css"}


def _paths(app: Flask, *, api: bool) -> Iterator[str]:
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.rule.startswith("/api/") != api:
            continue
        yield _fill(rule)


def _fill(rule: Rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = PLACEHOLDERS.get(name, "1" if "int:" in path else "no-such-record")
        path = re.sub(rf"<(?:[a-z]+:)?{name}>", value, path)
    return path


def _check_headers(path: str, response: Any, *, https: bool = False) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, path
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src, path
    assert "unsafe-inline" not in script_src.group(1), path
    assert "unsafe-eval" not in csp, path
    assert "unsafe-inline" not in csp, path
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("Referrer-Policy") in {"same-origin", "no-referrer"}, path
    assert headers.get("X-Frame-Options") == "DENY", path
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", path
    assert "camera=()" in headers.get("Permissions-Policy", ""), path
    if not path.startswith("/static/"):
        assert "no-store" in headers.get("Cache-Control", ""), path
    assert ("Strict-Transport-Security" in headers) is https, path


@pytest.fixture
def everyone(make_user: Any) -> Any:
    return make_user(
        "admin",
        unit="ST1",
        extra_roles=("officer", "counsellor:BUR", "supervisor:BUR", "leader:BUR"),
    )


def test_every_web_page_carries_the_safety_headers(
    app: Flask, client: FlaskClient, everyone: Any, login: Any
) -> None:
    anonymous = app.test_client()
    login(client, everyone.username)
    visited = 0
    for path in _paths(app, api=False):
        for caller in (client, anonymous):
            response = caller.get(path)
            response.close()  # static files are streamed
            assert response.status_code < 500, path
            _check_headers(path, response)
            visited += 1
    assert visited > 20


def test_every_api_response_carries_the_safety_headers(
    app: Flask, client: FlaskClient, everyone: Any
) -> None:
    body = {"username": everyone.username, "password": "insecure-test-password"}
    issued = client.post("/api/v1/auth/token", json=body)
    _check_headers("/api/v1/auth/token", issued)
    bearer = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    for path in _paths(app, api=True):
        for headers in (bearer, {}):
            response = client.get(path, headers=headers)
            assert response.status_code < 500, path
            _check_headers(path, response)


def test_hsts_only_over_https(client: FlaskClient) -> None:
    _check_headers("/login", client.get("https://localhost/login"), https=True)
    _check_headers("/login", client.get("/login"), https=False)


def test_templates_hold_no_inline_script_style_or_handlers(repo_root: Path) -> None:
    offenders = []
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|javascript:", re.I)
    for template in (repo_root / "wellbeing/web/templates").rglob("*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if inline.search(line):
                offenders.append(f"{template.name}:{number}")
    assert offenders == []


def _whoami_app(make_app: Any, **settings: Any) -> Flask:
    built: Flask = make_app(**settings)

    @built.get("/_whoami")
    @public
    def whoami() -> str:
        return client_address()

    return built


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def test_proxy_headers_are_ignored_unless_configured(make_app: Any) -> None:
    response = _whoami_app(make_app).test_client().get("/_whoami", headers=FORWARDED)
    assert response.get_data(as_text=True) == "127.0.0.1"
    assert "Strict-Transport-Security" not in response.headers


def test_proxy_headers_are_honoured_from_the_configured_number_of_proxies(make_app: Any) -> None:
    client = _whoami_app(make_app, proxy_count=1).test_client()
    response = client.get("/_whoami", headers=FORWARDED)
    assert response.get_data(as_text=True) == "203.0.113.9"
    assert "Strict-Transport-Security" in response.headers
    spoofed = {**FORWARDED, "X-Forwarded-For": "198.51.100.1, 203.0.113.9"}
    assert client.get("/_whoami", headers=spoofed).get_data(as_text=True) == "203.0.113.9"


def test_session_cookie_is_httponly_and_lax(
    client: FlaskClient, make_user: Any, login: Any
) -> None:
    response = login(client, make_user("officer").username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_secure_cookies_may_be_off_only_in_the_demo() -> None:
    assert load_settings({}, environ={}).cookie_secure is True
    assert load_settings({}, environ={"WELLBEING_DEMO": "1"}).cookie_secure is False
    with pytest.raises(ConfigError, match="WELLBEING_COOKIE_SECURE"):
        load_settings({}, environ={"WELLBEING_COOKIE_SECURE": "0"})
