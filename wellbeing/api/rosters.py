"""On-call roster API (值班): `GET|PUT /api/v1/rosters/{unit}`, {unit} being a unit code.

Body and answer: {"entries": [{"username", "weekday": 0-6, "from": "HH:MM", "to": "HH:MM"}],
"changes": [{"username", "starts_at", "ends_at"}]}. Weekly times are the station's wall clock
(`WELLBEING_TIMEZONE`); a "to" at or before "from" runs past midnight. Change instants are
ISO 8601 with an offset (answered in the station's offset). PUT replaces the whole roster after
checking all of it (422 naming the field, nothing written) and is audited.

Only supervisors pass the route rule (everyone else 403); a unit outside the caller's
supervisor scope, or no unit of that code, is 404.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.api.common import caller, json_body
from wellbeing.auth.access import roles
from wellbeing.auth.policy import may_supervise_in
from wellbeing.faces.context import db
from wellbeing.faces.errors import ApiError
from wellbeing.oncall.errors import InvalidInput
from wellbeing.oncall.hours import format_hhmm
from wellbeing.oncall.input import parse_roster
from wellbeing.oncall.policy import OnCallPolicy
from wellbeing.oncall.roster import Roster, load_roster
from wellbeing.oncall.service import replace_roster
from wellbeing.org.models import Role, Unit
from wellbeing.org.service import find_unit

bp = Blueprint("api_rosters", __name__, url_prefix="/api/v1")


@bp.get("/rosters/<unit>")
@roles(Role.SUPERVISOR)
def get_roster(unit: str) -> ResponseReturnValue:
    """The station's weekly entries and one-off changes."""
    station = _load(unit)
    return jsonify(roster_json(load_roster(db(), station), _policy().tz))


@bp.put("/rosters/<unit>")
@roles(Role.SUPERVISOR)
def put_roster(unit: str) -> ResponseReturnValue:
    """Replace the station's whole roster; answers it as stored."""
    user, station = caller(), _load(unit)
    try:
        entries, changes = parse_roster(json_body())
        roster = replace_roster(db(), user, station, entries, changes)
        db().commit()
    except InvalidInput as exc:
        db().rollback()
        raise ApiError(422, "invalid", field_message(exc), field=exc.field) from None
    return jsonify(roster_json(roster, _policy().tz))


def roster_json(roster: Roster, tz: ZoneInfo) -> dict[str, Any]:
    """A roster in the API's shape."""
    return {
        "entries": [
            {
                "username": entry.user.username,
                "weekday": entry.weekday,
                "from": format_hhmm(entry.from_minute),
                "to": format_hhmm(entry.to_minute),
            }
            for entry in roster.entries
        ],
        "changes": [
            {
                "username": change.user.username,
                "starts_at": change.starts_at.astimezone(tz).isoformat(),
                "ends_at": change.ends_at.astimezone(tz).isoformat(),
            }
            for change in roster.changes
        ],
    }


def field_message(error: InvalidInput) -> str:
    """What to tell the caller about a refused field, in their language."""
    messages = {
        "unknown_user": _("Field %(field)s: there is no user of that name.", field=error.field),
        "not_staff": _(
            "Field %(field)s: this person is not a counsellor or supervisor of this station.",
            field=error.field,
        ),
        "weekday": _("Field %(field)s must be a weekday from 0 (Monday) to 6.", field=error.field),
        "time": _("Field %(field)s must be a time of day written HH:MM.", field=error.field),
        "instant": _(
            "Field %(field)s must be a date and time with a UTC offset (ISO 8601).",
            field=error.field,
        ),
        "order": _("Field %(field)s must come after the start.", field=error.field),
    }
    return str(messages.get(error.reason, _("Field %(field)s is not valid.", field=error.field)))


def _load(code: str) -> Unit:
    station = find_unit(db(), code)
    if station is None or not may_supervise_in(caller(), station):
        raise ApiError(404, "not_found", _("This page or record does not exist."))
    return station


def _policy() -> OnCallPolicy:
    value: OnCallPolicy = current_app.extensions["wellbeing.oncall"]
    return value
