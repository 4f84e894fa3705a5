"""The admin blueprint (campaigns: admins; incidents: admins and supervisors in scope)."""

from __future__ import annotations

from flask import Blueprint, abort

from wellbeing.faces.context import current_user
from wellbeing.org.models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")


def acting_user() -> User:
    """The signed-in user (the route's access rule guarantees one)."""
    user = current_user()
    if user is None:  # pragma: no cover - the access rule runs first
        abort(401)
    return user
