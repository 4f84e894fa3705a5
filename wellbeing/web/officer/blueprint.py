"""The officer blueprint, and the crisis banner every page shows while an officer needs it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g

from wellbeing.core.clock import utcnow
from wellbeing.faces.contacts import Hotline, contacts_from
from wellbeing.faces.context import db, settings
from wellbeing.oncall.reading import on_call_phone
from wellbeing.org.models import Role, User
from wellbeing.screening.crisis import crisis_banner_needed

bp = Blueprint("officer", __name__)


@bp.app_context_processor
def crisis_context() -> dict[str, Any]:
    """`crisis_banner` (bool) and `crisis_contacts` for templates, for signed-in officers."""
    user = g.get("user")
    if user is None or not user.has_role(Role.OFFICER):
        return {}
    if "crisis_banner" not in g:
        try:
            g.crisis_banner = crisis_banner_needed(db(), user)
        except Exception as exc:  # when unsure, showing help is the safe side
            current_app.logger.error("crisis banner check failed: %s", type(exc).__name__)
            g.crisis_banner = True
    if "on_call_line" not in g:
        g.on_call_line = _on_call_line(user)
    contacts, on_call = contacts_from(settings()), g.on_call_line
    return {"crisis_banner": g.crisis_banner, "crisis_contacts": contacts, "on_call": on_call}


def _on_call_line(user: User) -> Hotline | None:
    """The phone of the counsellor on call for the officer's unit now, if one is set."""
    try:
        tz = current_app.extensions["wellbeing.oncall"].tz
        phone = on_call_phone(db(), user.unit, utcnow(), tz)
    except Exception as exc:  # the crisis contacts must show even if this lookup fails
        current_app.logger.error("on-call phone lookup failed: %s", type(exc).__name__)
        return None
    return Hotline("", phone) if phone else None
