"""Words for risk assessments and safety plans in the user's language (pages, API and PDF), and
the JSON shapes both API routes return.

The six safety-plan sections follow Stanley and Brown's Safety Planning Intervention; each has
a title and a prompt written for the officer.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wellbeing.crisis.errors import CrisisError, InvalidInput
from wellbeing.crisis.input import SECTIONS, Plan
from wellbeing.crisis.service import PlanView

LEVEL_LABELS = {
    "low": _l("Low"),
    "moderate": _l("Moderate"),
    "high": _l("High"),
    "imminent": _l("Imminent"),
}
FACTOR_LABELS = {
    "suicidal_thoughts": _l("Thoughts of suicide"),
    "suicide_plan": _l("A plan for suicide"),
    "previous_attempt": _l("Earlier attempt"),
    "self_harm": _l("Self-harm"),
    "access_to_means": _l("Access to means"),
    "firearm_access": _l("Access to a firearm"),
    "hopelessness": _l("Hopelessness"),
    "substance_use": _l("Alcohol or drug use"),
    "recent_loss": _l("Recent loss or crisis"),
    "critical_incident": _l("Critical incident at work"),
    "isolation": _l("Isolation, little support"),
    "agitation": _l("Agitation or insomnia"),
}
ACTION_LABELS = {
    "stayed_with_officer": _l("Stayed with the officer"),
    "family_informed": _l("Family informed"),
    "supervisor_informed": _l("Supervisor informed"),
    "firearm_secured": _l("Firearm secured"),
    "safety_plan_made": _l("Safety plan made"),
    "follow_up_booked": _l("Follow-up booked"),
    "hospital_referral": _l("Hospital referral"),
    "emergency_services": _l("Emergency services called"),
}
SECTION_TITLES = {
    "warning_signs": _l("My warning signs"),
    "coping": _l("Things I can do on my own to cope"),
    "distractions": _l("People and places that take my mind off things"),
    "people": _l("People I can ask for help"),
    "professionals": _l("Professionals and services I can contact"),
    "safe_environment": _l("Making my surroundings safe"),
}
SECTION_PROMPTS = {
    "warning_signs": _l("Thoughts, feelings or situations that tell me a crisis may be coming."),
    "coping": _l("What helps me calm down without contacting anyone."),
    "distractions": _l("Who I can be with, or where I can go, to feel better for a while."),
    "people": _l("Who I can tell that I am not doing well (name and phone)."),
    "professionals": _l("Counsellors, doctors and hotlines (name and phone)."),
    "safe_environment": _l("How I keep away from anything I could use to hurt myself."),
}
FIELD_LABELS = {
    "level": _l("Risk level"),
    "factors": _l("Risk factors"),
    "actions": _l("Actions taken"),
    "note": _l("Note"),
    "plan": _l("Safety plan"),
    **SECTION_TITLES,
}


def entry_label(table: dict[str, Any], entry: str) -> str:
    """A common factor's or action's label; free text as written."""
    return str(table.get(entry, entry))


def error_message(error: CrisisError) -> str:
    """What to tell the user about a refused request."""
    if not isinstance(error, InvalidInput):
        return str(_("This referral is closed; it takes no more changes."))
    label = str(FIELD_LABELS.get(error.field, error.field))
    limit = error.limit or 0
    messages: dict[str, str] = {
        "required": _("Please fill in: %(field)s.", field=label),
        "choice": _("Please choose one of the offered values for: %(field)s.", field=label),
        "list": _("%(field)s must be a list of texts.", field=label),
        "text": _("%(field)s must be a text.", field=label),
        "empty": _("%(field)s must not be empty.", field=label),
        "too_long": _(
            "Each entry of %(field)s must be at most %(n)d characters.", field=label, n=limit
        ),
        "too_many": _("%(field)s may have at most %(n)d entries.", field=label, n=limit),
        "unknown": _("Unknown fields: %(field)s.", field=error.field),
    }
    return str(messages.get(error.problem, _("Please check the field: %(field)s.", field=label)))


def plan_sections(plan: Plan | None) -> dict[str, list[str]]:
    """The six lists of a plan (empty lists when there is none)."""
    return {section: list((plan or {}).get(section, [])) for section in SECTIONS}


def plan_json(view: PlanView | None) -> dict[str, Any]:
    """The API's plan: the officer's copy at the top, the counsellor's text beside it."""
    if view is None:
        empty = {"counsellor": None, "updated_at": None}
        return {**plan_sections(None), **empty, "officer_edited_at": None, "counsellor_at": None}
    return {
        **plan_sections(view.own),
        "counsellor": plan_sections(view.counsellor) if view.counsellor is not None else None,
        "updated_at": view.updated_at.isoformat(),
        "officer_edited_at": _iso(view.officer_edited_at),
        "counsellor_at": _iso(view.counsellor_at),
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
