"""The officer's safety plan: `/me/safety-plan` shows their own copy (and the counsellor's text
when it differs), lets them edit it (six text areas, one item per line) and download it as a
PDF (`/me/safety-plan.pdf`, never cached; a blank form to fill in by hand when there is no
plan yet). An officer reaches only their own plan: no route takes a plan or officer id.

`safety_plan_exists()` in every template says whether to link the page (home card, crisis
banner); it asks once a request and opens nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from wellbeing.auth.access import roles
from wellbeing.crisis import service
from wellbeing.crisis.errors import CrisisError
from wellbeing.crisis.input import SECTIONS
from wellbeing.crisis.service import PlanView
from wellbeing.faces import crisis_texts as texts
from wellbeing.faces.contacts import contacts_from
from wellbeing.faces.context import db, settings
from wellbeing.faces.safety_plan_pdf import safety_plan_pdf
from wellbeing.org.models import Role
from wellbeing.web.officer.blueprint import bp
from wellbeing.web.officer.common import current_officer


@bp.app_context_processor
def safety_plan_context() -> dict[str, Any]:
    """`safety_plan_exists()`: whether the signed-in officer has a plan (asked lazily)."""

    def exists() -> bool:
        user = g.get("user")
        if user is None or not user.has_role(Role.OFFICER):
            return False
        if "safety_plan_exists" not in g:
            g.safety_plan_exists = service.has_safety_plan(db(), user)
        return bool(g.safety_plan_exists)

    return {"safety_plan_exists": exists}


@bp.get("/me/safety-plan")
@roles(Role.OFFICER)
def safety_plan() -> ResponseReturnValue:
    """The plan and the form to edit the officer's own copy."""
    view = service.read_plan_for_officer(db(), current_officer())
    return _page(view, _text_of(view), None)


@bp.post("/me/safety-plan")
@roles(Role.OFFICER)
def save_safety_plan() -> ResponseReturnValue:
    """Save the officer's own copy; a bad form is shown again with the text kept."""
    officer = current_officer()
    typed = {section: request.form.get(section, "") for section in SECTIONS}
    plan = {section: _lines(text) for section, text in typed.items()}
    try:
        service.write_plan_as_officer(db(), officer, plan)
        db().commit()
    except CrisisError as exc:
        db().rollback()
        view = service.read_plan_for_officer(db(), officer)
        return _page(view, typed, texts.error_message(exc)), 422
    return redirect(url_for("officer.safety_plan", saved=1))


@bp.get("/me/safety-plan.pdf")
@roles(Role.OFFICER)
def safety_plan_download() -> ResponseReturnValue:
    """The officer's own copy as a PDF, with the help numbers; never cached."""
    view = service.read_plan_for_officer(db(), current_officer())
    contacts = contacts_from(settings())
    numbers = [(hotline.label, hotline.number) for hotline in contacts.hotlines]
    if contacts.station_phone:
        station = contacts.station_name or _("Mental-health service station")
        numbers.append((station, contacts.station_phone))
    body = safety_plan_pdf(view, numbers)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = "attachment; filename=safety-plan.pdf"
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(view: PlanView | None, values: dict[str, str], notice: str | None) -> str:
    return render_template(
        "crisis/safety_plan.html",
        plan=view,
        own=texts.plan_sections(view.own if view else None),
        counsellor=texts.plan_sections(view.counsellor) if view and view.counsellor else None,
        values=values,
        sections=[(s, texts.SECTION_TITLES[s], texts.SECTION_PROMPTS[s]) for s in SECTIONS],
        notice=notice,
        saved=request.args.get("saved") == "1",
    )


def _text_of(view: PlanView | None) -> dict[str, str]:
    own = texts.plan_sections(view.own if view else None)
    return {section: "\n".join(own[section]) for section in SECTIONS}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
