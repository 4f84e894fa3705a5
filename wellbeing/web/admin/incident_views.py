"""Critical incidents (战时心理服务): list and record, with follow-ups for the officers involved.

Admins may record incidents for any unit; supervisors only for units in their scope.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.auth.policy import incident_scope_clause, may_record_incident_in
from wellbeing.faces.context import catalogue, db, screening_policy
from wellbeing.org.models import Role, Unit, User
from wellbeing.org.service import find_unit
from wellbeing.screening import campaigns as service
from wellbeing.screening.errors import CampaignError
from wellbeing.screening.overview import list_incidents, units_where
from wellbeing.web.admin.blueprint import acting_user, bp
from wellbeing.web.admin.campaign_views import instrument_titles
from wellbeing.web.admin.forms import FormProblems, IncidentInput
from wellbeing.web.admin.messages import campaign_error_message

INCIDENT_ROLES = (Role.ADMIN, Role.SUPERVISOR)


@bp.get("/incidents")
@roles(*INCIDENT_ROLES)
def incidents() -> ResponseReturnValue:
    """Incidents in the user's reach, newest first, with how many officers are followed up."""
    rows = list_incidents(db(), incident_scope_clause(acting_user()))
    return render_template("admin/incidents.html", rows=rows)


def _unit_in_reach(user: User, code: str) -> Unit | None:
    """The unit named, if any; 403 when it lies outside the user's reach."""
    unit = find_unit(db(), code) if code else None
    if unit is not None and not may_record_incident_in(user, unit):
        abort(403)
    return unit


def render_incident_form(
    user: User, entered: IncidentInput, problems: list[str] | None = None, status: int = 200
) -> ResponseReturnValue:
    """The incident form: the unit chooser, then (for a chosen unit) its officers to tick."""
    unit = _unit_in_reach(user, entered.unit)
    officers = service.officers_in_subtree(db(), unit) if unit is not None else []
    page = render_template(
        "admin/incident_form.html",
        entered=entered,
        problems=problems or [],
        unit=unit,
        units=units_where(db(), incident_scope_clause(user)),
        officers=officers,
        default_schedule=service.DEFAULT_INCIDENT_SCHEDULE,
        titles=instrument_titles(),
    )
    return page, status


@bp.get("/incidents/new")
@roles(*INCIDENT_ROLES)
def new_incident() -> ResponseReturnValue:
    """Choose the unit (?unit=CODE), then fill in the incident and tick the officers."""
    return render_incident_form(acting_user(), IncidentInput(unit=request.args.get("unit", "")))


@bp.post("/incidents")
@roles(*INCIDENT_ROLES)
def create_incident() -> ResponseReturnValue:
    """Record the incident and schedule follow-ups; a refused form comes back as entered."""
    user = acting_user()
    entered = IncidentInput.from_form(request.form)
    unit = _unit_in_reach(user, entered.unit)
    if unit is None:
        return render_incident_form(user, entered, [_("Choose the unit first.")], 400)
    allowed = {officer.username for officer in service.officers_in_subtree(db(), unit)}
    if not set(entered.officers) <= allowed:
        return render_incident_form(user, entered, [_("Choose officers from the list.")], 400)
    try:
        fields = entered.parsed()
        service.create_incident(
            db(),
            catalogue(),
            occurred_on=fields.occurred_on,
            description=fields.description,
            unit_code=unit.code,
            officers=fields.officers,
            schedule=fields.schedule,
            deadlines=screening_policy().deadlines,
            created_by=user,
        )
    except FormProblems as problems:
        return render_incident_form(user, entered, problems.messages, 400)
    except CampaignError as error:
        db().rollback()
        return render_incident_form(user, entered, [campaign_error_message(error)], 400)
    db().commit()
    flash(_("Incident recorded; follow-up screenings are scheduled."))
    return redirect(url_for("admin.incidents"))
