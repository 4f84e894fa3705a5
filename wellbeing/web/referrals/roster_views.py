"""The on-call roster page (值班, supervisors): a station's weekly pattern and one-off changes,
forms to add and remove them, and the coming seven days with the holes in red; and the red
"roster hole" notice on the supervision page (`roster_hole_context`).

Times are shown and entered on the station's wall clock (`WELLBEING_TIMEZONE`). Only supervisors
pass the route rule; a unit outside their supervisor scope is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from wellbeing.auth.access import roles
from wellbeing.auth.policy import may_supervise_in
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db
from wellbeing.faces.i18n import current_language
from wellbeing.oncall import service
from wellbeing.oncall.errors import InvalidInput
from wellbeing.oncall.hours import format_hhmm
from wellbeing.oncall.input import parse_change, parse_entry
from wellbeing.oncall.policy import OnCallPolicy
from wellbeing.oncall.reading import HOLE_DAYS, roster_holes_for, stations_watched_by
from wellbeing.oncall.roster import find_holes, load_roster, roster_for, timeline
from wellbeing.org.models import Role, Unit, User
from wellbeing.org.service import find_unit
from wellbeing.referrals.staff import staff_covering
from wellbeing.web.referrals.blueprint import bp, current_staff

WEEKDAYS = (
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"),
    _l("Friday"), _l("Saturday"), _l("Sunday"),
)  # fmt: skip


@bp.get("/supervision/roster/<unit_code>")
@roles(Role.SUPERVISOR)
def roster_page(unit_code: str) -> ResponseReturnValue:
    """The station's roster and the coming week, holes in red."""
    unit, policy, now = _load(unit_code), oncall_policy(), utcnow()
    roster = load_roster(db(), unit)
    applied = roster_for(db(), unit)
    end = now + timedelta(days=HOLE_DAYS)
    return render_template(
        "oncall/roster.html",
        unit=unit,
        lang=current_language(),
        roster=roster,
        applied=applied.unit,
        staff=_staff(unit),
        weekdays=WEEKDAYS,
        hhmm=format_hhmm,
        local=lambda at: local_text(at, policy),
        week=timeline(applied, now, end, policy),
        hole_count=len(find_holes(applied, now, end, policy)),
        days=HOLE_DAYS,
    )


@bp.post("/supervision/roster/<unit_code>/entries")
@roles(Role.SUPERVISOR)
def roster_add_entry(unit_code: str) -> ResponseReturnValue:
    """Add a weekly entry: username, weekday, from, to."""
    user, unit = current_staff(), _load(unit_code)
    return _apply(unit, lambda: service.add_entry(db(), user, unit, parse_entry(_form())))


@bp.post("/supervision/roster/<unit_code>/changes")
@roles(Role.SUPERVISOR)
def roster_add_change(unit_code: str) -> ResponseReturnValue:
    """Add a one-off change: username, starts_at and ends_at in local time."""
    user, unit, tz = current_staff(), _load(unit_code), oncall_policy().tz
    form = _form()
    for name in ("starts_at", "ends_at"):  # datetime-local: the station's wall clock
        form[name] = _with_zone(form.get(name, ""), tz)
    return _apply(unit, lambda: service.add_change(db(), user, unit, parse_change(form)))


@bp.post("/supervision/roster/<unit_code>/entries/<int:entry_id>/remove")
@roles(Role.SUPERVISOR)
def roster_remove_entry(unit_code: str, entry_id: int) -> ResponseReturnValue:
    """Remove one weekly entry."""
    user, unit = current_staff(), _load(unit_code)
    return _apply(unit, lambda: service.remove_entry(db(), user, unit, entry_id))


@bp.post("/supervision/roster/<unit_code>/changes/<int:change_id>/remove")
@roles(Role.SUPERVISOR)
def roster_remove_change(unit_code: str, change_id: int) -> ResponseReturnValue:
    """Remove one one-off change."""
    user, unit = current_staff(), _load(unit_code)
    return _apply(unit, lambda: service.remove_change(db(), user, unit, change_id))


def roster_holes_for_page(user: User) -> dict[str, Any]:
    """`roster_holes` and `roster_stations` for the supervision page's red notice."""
    policy, lang = oncall_policy(), current_language()
    watched = [{"code": u.code, "name": u.name(lang)} for u in stations_watched_by(db(), user)]
    rows = [
        {
            "code": station.unit.code,
            "name": station.unit.name(lang),
            "holes": [(local_text(a, policy), local_text(b, policy)) for a, b in station.holes],
        }
        for station in roster_holes_for(db(), user, utcnow(), policy)
    ]
    return {"roster_holes": rows, "roster_stations": watched}


def oncall_policy() -> OnCallPolicy:
    """The on-call policy built at start-up."""
    value: OnCallPolicy = current_app.extensions["wellbeing.oncall"]
    return value


def local_text(at: datetime, policy: OnCallPolicy) -> str:
    """An instant on the station's wall clock: "2026-12-07 (Mon) 02:00"."""
    local = at.astimezone(policy.tz)
    return f"{local:%Y-%m-%d} ({WEEKDAYS[local.weekday()]}) {local:%H:%M}"


def field_message(error: InvalidInput) -> str:
    """What to tell the supervisor about a refused field (the API's words, without the path)."""
    messages = {
        "unknown_user": _("There is no user of that name."),
        "not_staff": _("This person is not a counsellor or supervisor of this station."),
        "weekday": _("Please choose a day of the week."),
        "time": _("Please give a time of day written HH:MM."),
        "instant": _("Please give a date and a time."),
        "order": _("The end must come after the start."),
    }
    return str(messages.get(error.reason, _("Some of what was sent is not valid.")))


def _apply(unit: Unit, action: Callable[[], object]) -> Response:
    try:
        action()
        db().commit()
        flash(_("The roster was saved."))
    except InvalidInput as exc:
        db().rollback()
        flash(field_message(exc))
    return redirect(url_for("referrals.roster_page", unit_code=unit.code))


def _load(code: str) -> Unit:
    unit = find_unit(db(), code)
    if unit is None or not may_supervise_in(current_staff(), unit):
        abort(404)
    return unit


def _staff(unit: Unit) -> list[Any]:
    people = {u.id: u for role in service.ON_CALL_ROLES for u in staff_covering(db(), unit, role)}
    return sorted(people.values(), key=lambda person: person.username)


def _form() -> dict[str, Any]:
    return {key: request.form.get(key, "") for key in request.form}


def _with_zone(text: str, tz: tzinfo) -> str:
    try:
        return datetime.fromisoformat(text).replace(tzinfo=tz).isoformat()
    except ValueError:
        return ""
