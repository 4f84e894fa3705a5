"""The home page: for each role the user holds, what they can do next."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from wellbeing.appointments.service import upcoming_for
from wellbeing.auth.access import signed_in
from wellbeing.auth.policy import scope_units
from wellbeing.core.clock import utcnow
from wellbeing.faces.context import catalogue, current_user, db, settings
from wellbeing.faces.i18n import current_language
from wellbeing.org.models import Role, Unit
from wellbeing.referrals.waiting import queue_counts, supervision_counts
from wellbeing.reports.newest import newest_released_wave
from wellbeing.reports.waves import WaveInfo
from wellbeing.screening.reporting import visible_waves
from wellbeing.supervision.reviews import review_list
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
    now = utcnow()
    for card in cards:
        if card["role"] == Role.OFFICER.value:
            card["officer"] = officer_card(db(), user, catalogue(), current_language())
            card["for_you"] = for_you(db(), user, current_language())
            card["appointments"] = upcoming_for(db(), user, now)
        elif card["role"] == Role.COUNSELLOR.value:
            card["counts"] = queue_counts(db(), user, now, settings().timezone)
        elif card["role"] == Role.SUPERVISOR.value:
            card["counts"] = supervision_counts(db(), user, now)
            card["reviews_waiting"] = len(review_list(db(), user, now))
        elif card["role"] == Role.LEADER.value:
            card["reports"] = [(unit, newest_report(unit)) for unit in card["scopes"]]
    return render_template("home.html", user=user, cards=cards)


def newest_report(unit: Unit) -> WaveInfo | None:
    """The newest closed wave the unit's report shows results of (a stored release), if any."""
    config = settings()
    waves = visible_waves(db(), [unit])
    return newest_released_wave(db(), waves, config.report_min_cell, config.report_dp_epsilon)
