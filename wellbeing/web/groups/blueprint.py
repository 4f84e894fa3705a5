"""The group-session blueprint and the loaders its views share."""

from __future__ import annotations

from flask import Blueprint, abort

from wellbeing.faces.context import current_user, db
from wellbeing.groups.models import GroupSession
from wellbeing.groups.permissions import may_run, may_see
from wellbeing.groups.service import find_group
from wellbeing.org.models import User

bp = Blueprint("groups", __name__, url_prefix="/groups")


def me() -> User:
    """The signed-in user (the access rule has required one)."""
    user = current_user()
    if user is None:
        abort(401)
    return user


def load_group(group_id: str) -> GroupSession:
    """The session, or 404 when it does not exist or is outside the caller's reach."""
    group = find_group(db(), group_id)
    if group is None or not may_see(me(), group):
        abort(404)
    return group


def load_run_group(group_id: str) -> GroupSession:
    """The session, for its counsellors only (404 for anyone else)."""
    group = load_group(group_id)
    if not may_run(me(), group):
        abort(404)
    return group
