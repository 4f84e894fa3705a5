"""Group-session API (心理团辅): create, list, one session, sign up, withdraw, the sign-up list
and attendance.

Leaders are refused by the route rules (403), and admins on the sign-up list and attendance;
a session outside the caller's reach does not exist (404). Bodies are checked before anything
is written (422 naming the field).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller, json_body
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db, settings
from wellbeing.faces.errors import ApiError, status_of
from wellbeing.faces.group_texts import error_message, feedback_data, group_data
from wellbeing.faces.i18n import current_language
from wellbeing.groups import feedback, service
from wellbeing.groups.errors import GroupError
from wellbeing.groups.input import parse_group
from wellbeing.groups.models import GroupSession
from wellbeing.groups.permissions import (
    has_staff_view,
    is_target,
    may_read_feedback,
    may_run,
    may_see,
)
from wellbeing.org.models import Role, User

bp = Blueprint("api_groups", __name__, url_prefix="/api/v1")
STAFF = (Role.COUNSELLOR, Role.SUPERVISOR)
SEEN_BY = (Role.OFFICER, *STAFF, Role.ADMIN)
STAFF_LOOKBACK = timedelta(days=30)  # staff still record attendance for a month
T = TypeVar("T")


@bp.post("/groups")
@roles(*STAFF, Role.ADMIN)
def create_group() -> ResponseReturnValue:
    """Create a session for a unit subtree in the caller's scope."""
    user, body = caller(), json_body()
    group = _act(lambda: service.create_group(db(), user, parse_group(body, utcnow())))
    return jsonify(_one(group)), 201


@bp.get("/groups")
@roles(*SEEN_BY)
def list_groups() -> ResponseReturnValue:
    """Officers: upcoming sessions for their unit; staff and admins: the sessions they serve."""
    user, now = caller(), utcnow()
    if has_staff_view(user):
        groups = service.sessions_for_staff(db(), user, now - STAFF_LOOKBACK)
    else:
        groups = service.upcoming_for_officer(db(), user, now)
    counts = service.seat_counts(db(), groups)
    lang = current_language()
    rows = [_with_mine(user, group, group_data(group, counts[group.id], lang)) for group in groups]
    return jsonify(rows)


@bp.get("/groups/<group_id>")
@roles(*SEEN_BY)
def get_group(group_id: str) -> ResponseReturnValue:
    """One session with its seat counts (and, for an officer, their own status)."""
    user, group = caller(), _load(group_id)
    return jsonify(_with_mine(user, group, _one(group)))


@bp.post("/groups/<group_id>/signup")
@roles(Role.OFFICER)
def sign_up(group_id: str) -> ResponseReturnValue:
    """Take a seat, or a place on the waiting list: {"status": "signed_up"|"waiting"}."""
    user, group = caller(), _load(group_id)
    if not is_target(user, group):
        raise _not_found()
    signup = _act(lambda: service.sign_up(db(), group, user))
    return jsonify({"id": group.id, "status": signup.status}), 201


@bp.delete("/groups/<group_id>/signup")
@roles(Role.OFFICER)
def withdraw(group_id: str) -> ResponseReturnValue:
    """Give up a seat or waiting place; the first waiting officer gets a freed seat."""
    user, group = caller(), _load(group_id)
    if not is_target(user, group):
        raise _not_found()
    _act(lambda: service.withdraw(db(), group, user))
    return "", 204


@bp.get("/groups/<group_id>/signups")
@roles(*STAFF)
def list_signups(group_id: str) -> ResponseReturnValue:
    """Who signed up or waits, in order, and who was present (the session's counsellors)."""
    group = _load_run(group_id)
    present = service.attendee_ids(db(), group)
    rows = [
        {
            "username": person.username,
            "name": person.display_name,
            "status": signup.status,
            "position": signup.position,
            "present": person.id in present,
        }
        for signup, person in service.signups(db(), group)
    ]
    return jsonify(rows)


@bp.post("/groups/<group_id>/attendance")
@roles(*STAFF)
def record_attendance(group_id: str) -> ResponseReturnValue:
    """Who was present: {"present": [username, …]} (replaces what was recorded before)."""
    user, group = caller(), _load_run(group_id)
    present = json_body().get("present")
    if not isinstance(present, list) or not all(
        isinstance(name, str) and 0 < len(name) <= 64 for name in present
    ):
        raise ApiError(
            422, "invalid", _("Field present must be a list of usernames."), field="present"
        )
    count = _act(lambda: service.record_attendance(db(), group, user, present))
    return jsonify({"id": group.id, "present": count})


@bp.post("/groups/<group_id>/feedback")
@roles(Role.OFFICER)
def give_feedback(group_id: str) -> ResponseReturnValue:
    """An attendee's optional feedback, once: {"answers": {"q1": 1-5, "q2": …, "q3": …}}."""
    user, group = caller(), _load(group_id)
    if not is_target(user, group):
        raise _not_found()
    answers = json_body().get("answers")
    if not isinstance(answers, dict):
        raise ApiError(422, "invalid", _("Field answers must answer every item."), field="answers")
    _act(lambda: feedback.give_feedback(db(), group, user, answers))
    return jsonify({"id": group.id}), 201


@bp.get("/groups/<group_id>/feedback")
@roles(*STAFF, Role.ADMIN)
def feedback_counts(group_id: str) -> ResponseReturnValue:
    """The feedback as protected counts (small counts hidden, as in screening reports)."""
    group = _load(group_id)
    if not may_read_feedback(caller(), group):
        raise _not_found()
    summary = feedback.feedback_summary(db(), group, settings().report_min_cell)
    return jsonify({"id": group.id, **feedback_data(summary)})


def _load(group_id: str) -> GroupSession:
    group = service.find_group(db(), group_id)
    if group is None or not may_see(caller(), group):
        raise _not_found()
    return group


def _load_run(group_id: str) -> GroupSession:
    group = _load(group_id)
    if not may_run(caller(), group):
        raise _not_found()
    return group


def _one(group: GroupSession) -> dict[str, Any]:
    counts = service.seat_counts(db(), [group])[group.id]
    return group_data(group, counts, current_language())


def _with_mine(user: User, group: GroupSession, data: dict[str, Any]) -> dict[str, Any]:
    if not user.has_role(Role.OFFICER):
        return data
    mine = service.signup_of(db(), group, user)
    return {**data, "my_status": mine.status if mine else None}


def _act(step: Callable[[], T]) -> T:
    try:
        result = step()
        db().commit()
    except GroupError as exc:
        db().rollback()
        details = {"field": exc.field} if exc.field else {}
        raise ApiError(status_of(exc), exc.code, error_message(exc), **details) from None
    return result


def _not_found() -> ApiError:
    return ApiError(404, "not_found", _("This page or record does not exist."))
