"""The home page: for each role the user holds, what they can do next."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from wellbeing.appointments.service import upcoming_for
from wellbeing.auth.access import signed_in
from wellbeing.auth.policy import scope_units
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import catalogue, current_user, db
from wellbeing.faces.i18n import current_language
from wellbeing.org.models import Role
from wellbeing.web.library.for_you import for_you
from wellbeing.web.officer.home_card import officer_card

bp = Blueprint("home", __name__)

ROLE_ORDER = (Role.OFFICER, Role.COUNSELLOR, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


@bp.get("/")
@signed_in
def index() -> ResponseReturnValue:
    """One card per role held, each listing that role's next steps and scope."""
    user = current_user()
    assert user is not None  # guaranteed by the access rule  # noqa: S101
    cards: list[dict[str, Any]] = [
        {"role": role.value, "scopes": scope_units(user, role)}
        for role in ROLE_ORDER
        if role in user.roles
    ]
    for card in cards:
        if card["role"] == Role.OFFICER.value:
            card["officer"] = officer_card(db(), user, catalogue(), current_language())
            card["for_you"] = for_you(db(), user, current_language())
            card["appointments"] = upcoming_for(db(), user, utcnow())
    return render_template("home.html", user=user, cards=cards)
