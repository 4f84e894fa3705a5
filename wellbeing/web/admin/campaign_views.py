"""Campaigns: list with waves and participation counts, create, close (admins only).

Counts only: the pages never show who answered, nor any answer or result.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import true

from wellbeing.auth.access import roles
from wellbeing.faces.context import catalogue, db
from wellbeing.faces.i18n import current_language
from wellbeing.org.models import Role, StaffCategory
from wellbeing.screening import campaigns as service
from wellbeing.screening.errors import CampaignError
from wellbeing.screening.models import Campaign, WaveState
from wellbeing.screening.overview import list_campaigns, units_where, wave_participation
from wellbeing.screening.views_data import text_in
from wellbeing.web.admin.blueprint import acting_user, bp
from wellbeing.web.admin.forms import CampaignInput, FormProblems
from wellbeing.web.admin.messages import campaign_error_message

STAFF_CATEGORIES = {
    "": _l("Everyone"),
    StaffCategory.POLICE.value: _l("Police officers"),
    StaffCategory.AUXILIARY.value: _l("Auxiliary officers"),
}

WAVE_STATES = {
    WaveState.SCHEDULED.value: _l("Scheduled"),
    WaveState.OPEN.value: _l("Open"),
    WaveState.CLOSED.value: _l("Closed"),
}


def instrument_titles() -> dict[str, str]:
    """Titles of the instruments offered to officers, in the page's language."""
    lang = current_language()
    return {d.id: text_in(d.title, lang) for d in catalogue().offerable()}


@bp.get("/campaigns")
@roles(Role.ADMIN)
def campaigns() -> ResponseReturnValue:
    """Every campaign with its waves, their state and participation counts."""
    found = list_campaigns(db())
    counts = wave_participation(db(), [w.id for c in found for w in c.waves])
    return render_template(
        "admin/campaigns.html",
        campaigns=found,
        counts=counts,
        states=WAVE_STATES,
        titles=instrument_titles(),
        staff_categories=STAFF_CATEGORIES,
    )


def render_campaign_form(
    entered: CampaignInput, problems: list[str] | None = None, status: int = 200
) -> ResponseReturnValue:
    """The new-campaign form, with what was entered and what is wrong with it."""
    page = render_template(
        "admin/campaign_form.html",
        entered=entered,
        problems=problems or [],
        units=units_where(db(), true()),
        titles=instrument_titles(),
        staff_categories=STAFF_CATEGORIES,
    )
    return page, status


@bp.get("/campaigns/new")
@roles(Role.ADMIN)
def new_campaign() -> ResponseReturnValue:
    """An empty campaign form."""
    return render_campaign_form(CampaignInput())


@bp.post("/campaigns")
@roles(Role.ADMIN)
def create_campaign() -> ResponseReturnValue:
    """Create the campaign and its first wave; a refused form comes back as entered."""
    admin = acting_user()
    entered = CampaignInput.from_form(request.form)
    try:
        fields = entered.parsed()
        campaign = service.create_campaign(
            db(),
            catalogue(),
            name=fields.name,
            unit_code=fields.unit_code,
            instruments=fields.instruments,
            opens_at=fields.opens_at,
            closes_at=fields.closes_at,
            every_months=fields.every_months,
            staff_category=fields.staff_category,
            created_by=admin,
        )
    except FormProblems as problems:
        return render_campaign_form(entered, problems.messages, 400)
    except CampaignError as error:
        db().rollback()
        return render_campaign_form(entered, [campaign_error_message(error)], 400)
    db().commit()
    flash(_("Campaign “%(name)s” created.", name=campaign.name))
    return redirect(url_for("admin.campaigns"))


def _campaign(campaign_id: int) -> Campaign:
    campaign = service.find_campaign(db(), campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.get("/campaigns/<int:campaign_id>/close")
@roles(Role.ADMIN)
def confirm_close(campaign_id: int) -> ResponseReturnValue:
    """Ask before closing: what closing does, and one button."""
    return render_template("admin/campaign_close.html", campaign=_campaign(campaign_id))


@bp.post("/campaigns/<int:campaign_id>/close")
@roles(Role.ADMIN)
def close_campaign(campaign_id: int) -> ResponseReturnValue:
    """Close the campaign now: its open wave closes, unfinished assignments expire."""
    admin, campaign = acting_user(), _campaign(campaign_id)
    service.close_campaign(db(), campaign.id, closed_by=admin)  # a closed one stays as it is
    db().commit()
    flash(_("Campaign “%(name)s” is closed.", name=campaign.name))
    return redirect(url_for("admin.campaigns"))
