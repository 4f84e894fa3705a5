"""The session's counsellors: a new session (admins too) and attendance. A refused form comes
back as entered with what to fix (422), nothing saved."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import db
from wellbeing.faces.group_texts import error_message
from wellbeing.faces.i18n import current_language
from wellbeing.groups import service
from wellbeing.groups.errors import GroupError
from wellbeing.groups.input import parse_group
from wellbeing.groups.topics import TOPICS, topic_label
from wellbeing.org.models import Role
from wellbeing.web.groups.blueprint import bp, load_run_group, me

STAFF = (Role.COUNSELLOR, Role.SUPERVISOR)
FIELDS = (
    "title_zh", "title_en", "description_zh", "description_en", "topic", "starts_at", "place",
    "capacity", "unit", "incident",
)  # fmt: skip


@bp.get("/new")
@roles(*STAFF, Role.ADMIN)
def new_group() -> ResponseReturnValue:
    """An empty session form."""
    return _form({"topic": "stress", "capacity": "12"})


@bp.post("/new")
@roles(*STAFF, Role.ADMIN)
def create_group() -> ResponseReturnValue:
    """Save a new session, then show it."""
    entered = {name: request.form.get(name, "").strip() for name in FIELDS}
    try:
        data = parse_group(_as_input(entered), utcnow())
        group = service.create_group(db(), me(), data)
    except GroupError as exc:
        db().rollback()
        return _form(entered, error_message(exc))
    db().commit()
    flash(_("The group session was created."))
    return redirect(url_for("groups.detail", group_id=group.id))


@bp.post("/<group_id>/attendance")
@roles(*STAFF)
def record_attendance(group_id: str) -> ResponseReturnValue:
    """Tick who was present (replaces the last record), then back to the session."""
    group = load_run_group(group_id)
    try:
        service.record_attendance(db(), group, me(), request.form.getlist("present"))
    except GroupError as exc:
        db().rollback()
        flash(error_message(exc))
        return redirect(url_for("groups.detail", group_id=group_id))
    db().commit()
    flash(_("Attendance was recorded."))
    return redirect(url_for("groups.detail", group_id=group_id))


def _as_input(entered: dict[str, str]) -> dict[str, Any]:
    """The form as the API's JSON shape, so both faces share one set of checks."""
    capacity, incident = entered["capacity"], entered["incident"]
    return {
        "title": {"zh-CN": entered["title_zh"], "en": entered["title_en"]},
        "description": {"zh-CN": entered["description_zh"], "en": entered["description_en"]},
        "topic": entered["topic"],
        "starts_at": entered["starts_at"],
        "place": entered["place"],
        "capacity": int(capacity) if capacity.isdigit() and len(capacity) < 6 else capacity,
        "unit": entered["unit"],
        "incident": (int(incident) if incident.isdigit() and len(incident) < 10 else incident)
        or None,
    }


def _form(entered: dict[str, str], problem: str | None = None) -> ResponseReturnValue:
    lang = current_language()
    topics = [{"code": code, "label": topic_label(code, lang)} for code in TOPICS]
    units = [
        {"code": unit.code, "name": unit.name(lang)}
        for unit in service.units_for_creator(db(), me())
    ]
    page = render_template(
        "groups/form.html", entered=entered, topics=topics, units=units, problem=problem
    )
    return page, 422 if problem else 200
