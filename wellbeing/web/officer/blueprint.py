"""The officer blueprint, and the crisis banner every page shows while an officer needs it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g

from wellbeing.faces.contacts import contacts_from, crisis_banner_for, on_call_line
from wellbeing.faces.context import settings
from wellbeing.org.models import Role

bp = Blueprint("officer", __name__)


@bp.app_context_processor
def crisis_context() -> dict[str, Any]:
    """`crisis_banner` (bool) and `crisis_contacts` for templates, for signed-in officers."""
    user = g.get("user")
    if user is None or not user.has_role(Role.OFFICER):
        return {}
    if "crisis_banner" not in g:
        g.crisis_banner = crisis_banner_for(user)
    if "on_call_line" not in g:
        g.on_call_line = on_call_line(user)
    contacts, on_call = contacts_from(settings()), g.on_call_line
    return {"crisis_banner": g.crisis_banner, "crisis_contacts": contacts, "on_call": on_call}
