"""The officer blueprint, and the crisis banner every page shows while an officer needs it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g

from wellbeing.faces.context import db, settings
from wellbeing.org.models import Role
from wellbeing.screening.crisis import crisis_banner_needed
from wellbeing.web.officer.contacts import contacts_from

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
    return {"crisis_banner": g.crisis_banner, "crisis_contacts": contacts_from(settings())}
