"""Bounds on a JSON body, checked before anything parses it (issue 21.4).

Python's `json` parser recurses once per nesting level, so a body of 100,000 `[` ends in a
RecursionError (a 500). Every API request with a JSON body is checked first: larger than
MAX_JSON_BYTES is a 413, nested deeper than MAX_JSON_DEPTH a 400 `bad_request`. The depth is found
by one scan of the bytes that counts brackets outside strings and stops past the limit, so the
check itself never recurses and costs one pass at most.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import gettext as _

from wellbeing.faces.context import is_api_request
from wellbeing.faces.errors import ApiError

MAX_JSON_BYTES = 1024 * 1024  # a roster of a few thousand officers fits; the app caps all at 2 MiB
MAX_JSON_DEPTH = 32  # our deepest documented body is 3 levels
# a whole string (escapes included) or one bracket; strings are skipped as one match
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_OPENERS = frozenset(b"[{")


def json_depth(data: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """The deepest bracket nesting in a JSON text, counting up to limit + 1 at most."""
    depth = deepest = 0
    for match in _TOKENS.finditer(data):
        first = match.group()[0]
        if first == ord('"'):
            continue
        if first in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
        else:
            depth = max(depth - 1, 0)
    return deepest


def check_json_body() -> None:
    """Refuse an API request whose JSON body is too large (413) or too deep (400)."""
    if not is_api_request() or not request.is_json:
        return
    # read (the app's MAX_CONTENT_LENGTH of 2 MiB bounds it) before answering: a server that
    # answers 413 to a body it left unread resets the connection under the client's feet
    data = request.get_data(cache=True)
    if len(data) > MAX_JSON_BYTES:
        raise ApiError(413, "too_large", _("The body is larger than 1 MiB."))
    if json_depth(data) > MAX_JSON_DEPTH:
        message = _("The JSON is nested more than %(limit)d levels deep.", limit=MAX_JSON_DEPTH)
        raise ApiError(400, "bad_request", message)


def init_body_bounds(app: Flask) -> None:
    """Check every API request's JSON body before its route parses it."""
    app.before_request(check_json_body)
