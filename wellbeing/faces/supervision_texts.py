"""Words for supervision (reviews and case-load figures) in the user's language, pages and API."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _

from wellbeing.supervision.period import MAX_DAYS, PeriodError


def period_message(error: PeriodError) -> str:
    """Why the chosen period cannot be used, naming the field."""
    if error.reason == "order":
        return str(_("Field from must not be after field to."))
    if error.reason == "span":
        return str(_("The period may span at most %(days)d days.", days=MAX_DAYS))
    return str(_("Field %(field)s must be a date such as 2026-01-31.", field=error.field))


def comment_message() -> str:
    """A review decision without a usable comment."""
    return str(_("Field comment must be a text of 1 to 5000 characters."))


def decision_message() -> str:
    """A review decision that is neither sign-off nor reopening."""
    return str(_("Field decision must be one of: signed_off, reopened."))


MINUTES_SHOWN_UP_TO = 120
HOURS_SHOWN_UP_TO = 48


def duration_text(minutes: float | None) -> str:
    """A duration in the unit a reader takes in at a glance: minutes, hours or days."""
    if minutes is None:
        return "—"
    if minutes < MINUTES_SHOWN_UP_TO:
        return str(_("%(n)s min", n=format_decimal(round(minutes), format="#,##0")))
    if minutes < HOURS_SHOWN_UP_TO * 60:
        return str(_("%(n)s h", n=format_decimal(minutes / 60, format="#,##0.#")))
    return str(_("%(n)s d", n=format_decimal(minutes / 1440, format="#,##0.#")))


def own_case_message() -> str:
    """A supervisor asked to review a case they held."""
    return str(_("Another supervisor must review a case you held yourself."))
