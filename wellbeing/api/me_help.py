"""Who an officer can reach now, through the API: what every officer page shows when needed.

The pages show crisis contacts on every page while a crisis referral of the officer is open
(`web/officer/blueprint.py`); a phone app reads the same here.
"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from wellbeing.api.common import caller
from wellbeing.auth.access import roles
from wellbeing.faces.contacts import Hotline, contacts_from, crisis_banner_for, on_call_line
from wellbeing.faces.context import settings
from wellbeing.org.models import Role

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
            "crisis_banner": crisis_banner_for(officer),
            "station": {
                "name": contacts.station_name,
                "phone": contacts.station_phone,
                "tel": contacts.station_tel,
                "hours": contacts.station_hours,
            },
            "hotlines": [_line(hotline) for hotline in contacts.hotlines],
            "on_call": _on_call_json(on_call_line(officer)),
        }
    )


def _line(hotline: Hotline) -> dict[str, str]:
    return {"label": hotline.label, "number": hotline.number, "tel": hotline.tel}


def _on_call_json(line: Hotline | None) -> dict[str, str] | None:
    return {"phone": line.number, "tel": line.tel} if line else None
