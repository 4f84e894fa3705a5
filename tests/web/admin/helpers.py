"""Helpers for the admin page tests: post a form with a fresh CSRF token."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def post_form(client: FlaskClient, page: str, action: str, data: dict[str, Any]) -> Any:
    """Fetch `page`, then post `data` (lists become repeated fields) to `action` with its token."""
    found = TOKEN.search(client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return client.post(action, data={"csrf_token": found.group(1), **data})
