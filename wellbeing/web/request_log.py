"""A request id on every request and one JSON log line per response (no bodies, no query strings).

An incoming `X-Request-ID` is honoured only behind a configured proxy (WELLBEING_PROXY_COUNT),
which is trusted to set or pass it; otherwise a fresh id is made. The id is echoed in the
response header so a user's report can be matched to the log line. The user appears only as an
opaque id (a keyed hash), never a name.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
import uuid

from flask import Flask, current_app, g, request
from sqlalchemy import inspect as sa_inspect
from werkzeug.wrappers import Response

from wellbeing.faces.context import current_user, settings

HEADER = "X-Request-ID"
ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
QUIET_PATHS = frozenset({"/healthz", "/readyz"})  # probed every few seconds: debug level
logger = logging.getLogger("wellbeing.request")


def request_id() -> str:
    """This request's id (made on first use)."""
    if "request_id" not in g:
        g.request_id = _incoming_id() or uuid.uuid4().hex
    value: str = g.request_id
    return value


def _incoming_id() -> str | None:
    if settings().proxy_count <= 0:
        return None
    raw = request.headers.get(HEADER, "")
    return raw if ACCEPTED_ID.fullmatch(raw) else None


def opaque_user_id(user_id: int) -> str:
    """A stable, non-reversible id for a user in logs (HMAC of the id under the secret key)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"user:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _log(response: Response) -> Response:
    response.headers[HEADER] = request_id()
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    user = current_user()
    # as loaded: logging must never query (the session may be broken after a database error)
    user_id = sa_inspect(user).dict.get("id") if user is not None else None
    fields = {
        "request_id": request_id(),
        "method": request.method,
        "path": request.path,  # never the query string: it may carry data
        "status": response.status_code,
        "duration_ms": duration,
        "user": opaque_user_id(user_id) if user_id is not None else None,
    }
    level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
    logger.log(level, "%s %s %s", request.method, request.path, response.status_code, extra=fields)
    return response


def init_request_log(app: Flask) -> None:
    """Register the hooks; call before other hooks so the id exists for all of them."""
    app.before_request(_start)
    app.after_request(_log)
