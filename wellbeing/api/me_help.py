"""Who an officer can reach now, through the API: what every officer page shows when needed.

The pages show crisis contacts on every page while a crisis referral of the officer is open
(`web/officer/blueprint.py`); a phone app reads the same here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from wellbeing.api.common import caller
from wellbeing.auth.access import roles
from wellbeing.core.clock import utcnow
from wellbeing.faces.contacts import Hotline, contacts_from
from wellbeing.faces.context import db, settings
from wellbeing.oncall.reading import on_call_phone
from wellbeing.org.models import Role, User
from wellbeing.screening.crisis import crisis_banner_needed

bp = Blueprint("api_me_help", __name__, url_prefix="/api/v1")


@bp.get("/me/crisis-contacts")
@roles(Role.OFFICER)
def crisis_contacts() -> ResponseReturnValue:
    """The station, the crisis hotlines, the counsellor on call for the caller's unit now (null
    when none is set), and `crisis_banner`: show these at once (a crisis referral is open)."""
    officer = caller()
    contacts = contacts_from(settings())
    return jsonify(
        {
            "crisis_banner": _banner(officer),
            "station": {
                "name": contacts.station_name,
                "phone": contacts.station_phone,
                "tel": contacts.station_tel,
                "hours": contacts.station_hours,
            },
            "hotlines": [_line(hotline) for hotline in contacts.hotlines],
            "on_call": _on_call(officer),
        }
    )


def _line(hotline: Hotline) -> dict[str, str]:
    return {"label": hotline.label, "number": hotline.number, "tel": hotline.tel}


def _banner(officer: User) -> bool:
    try:
        return crisis_banner_needed(db(), officer)
    except Exception as exc:  # when unsure, showing help is the safe side (as the pages do)
        current_app.logger.error("crisis banner check failed: %s", type(exc).__name__)
        return True


def _on_call(officer: User) -> dict[str, Any] | None:
    try:
        tz = current_app.extensions["wellbeing.oncall"].tz
        phone = on_call_phone(db(), officer.unit, utcnow(), tz)
    except Exception as exc:  # the other contacts must answer even if this lookup fails
        current_app.logger.error("on-call phone lookup failed: %s", type(exc).__name__)
        return None
    return {"phone": phone, "tel": Hotline("", phone).tel} if phone else None
