"""Helpers shared by API views: reading JSON bodies and the caller."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from wellbeing.faces.context import current_user
from wellbeing.faces.errors import ApiError
from wellbeing.org.models import User


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400/415 that says what is wrong."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", _("Please send JSON."))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", _("The body must be a JSON object."))
    return body


def require_string(body: dict[str, Any], field: str) -> str:
    """A required non-empty string field, or a 422 naming it."""
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise ApiError(422, "invalid", _("Field %(field)s is required.", field=field), field=field)
    return value


def caller() -> User:
    """The signed-in caller (the access rule has already required one)."""
    user = current_user()
    if user is None:
        raise ApiError(401, "unauthorized", _("Please sign in."))
    return user
