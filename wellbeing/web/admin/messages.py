"""The service's campaign and incident errors, said in the user's language."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from wellbeing.screening.errors import CampaignError

REASONS: dict[str, LazyString] = {
    "unknown_unit": _l("The unit %(unit)s does not exist."),
    "no_name": _l("Give the campaign a name."),
    "no_instruments": _l("Choose at least one questionnaire."),
    "not_offered": _l("These questionnaires are not offered to officers: %(instruments)s."),
    "closes_before_opens": _l("The closing time must be after the opening time."),
    "bad_interval": _l("A recurring campaign repeats every 1 month or more."),
    "waves_overlap": _l(
        "Each wave must close before the next one opens: shorten the window or repeat less often."
    ),
    "unknown_staff_category": _l("Choose everyone, police officers or auxiliary officers."),
    "unknown_campaign": _l("Campaign %(id)s does not exist."),
    "bad_description": _l("Describe the incident briefly (1 to 500 characters)."),
    "no_officers": _l("Choose at least one officer involved."),
    "not_an_officer": _l("%(username)s is not an active officer."),
    "bad_schedule": _l(
        "The follow-up %(part)s is not understood: write DAY:questionnaire+questionnaire, "
        "e.g. 3:pcptsd5+phq9."
    ),
}


def campaign_error_message(error: CampaignError) -> str:
    """The translated message for a service error (its English text if the case is new)."""
    template = REASONS.get(error.reason)
    if template is None:
        return str(error)
    return str(template) % error.params
