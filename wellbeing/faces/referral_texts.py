"""Words for referral codes and errors in the user's language (pages and API alike)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wellbeing.referrals.errors import AlreadyClaimed, BreakGlassRefused, ReferralError

PRIORITY_LABELS = {
    "urgent": _l("Urgent"),
    "high": _l("High"),
    "routine": _l("Routine"),
}
STATUS_LABELS = {
    "open": _l("Waiting to be claimed"),
    "claimed": _l("Claimed"),
    "contacted": _l("Contacted"),
    "closed": _l("Closed"),
}
OUTCOME_LABELS = {
    "support_provided": _l("Support provided"),
    "referred_external": _l("Referred to an outside service"),
    "declined": _l("Declined support"),
    "unreachable": _l("Could not be reached"),
    "no_action_needed": _l("No action needed"),
}
EVENT_LABELS = {
    "opened": _l("Referral opened"),
    "reasons_added": _l("New reasons added"),
    "priority_raised": _l("Priority raised"),
    "claimed": _l("Claimed"),
    "contact_attempt": _l("Contact attempt"),
    "note": _l("Note"),
    "closed": _l("Closed"),
    "reassigned": _l("Reassigned"),
    "half_deadline": _l("Half the deadline passed; supervisors told"),
    "escalated": _l("Deadline passed; escalated to supervisors"),
    "contact_half_time": _l("Half the time for first contact passed; the holder reminded"),
    "contact_overdue": _l("No first contact in time; escalated to supervisors"),
    "close_half_time": _l("Half the time to close passed; the holder reminded"),
    "close_overdue": _l("Not closed in time; escalated to supervisors"),
    "unreachable": _l("Three failed contact attempts; supervisors told (consider a welfare check)"),
    "declined_by_officer": _l("The officer declined outreach"),
    "invited_to_group": _l("Invited to a group session"),
    "signed_off": _l("Signed off by a supervisor"),
    "reopened": _l("Reopened by a supervisor"),
}
REFUSALS = {
    "reason_too_short": _l("Please write a reason of at least 20 characters."),
    "reason_too_long": _l("The reason is too long."),
    "has_referral": _l(
        "This submission raised a referral: open it from the referral instead of break-glass."
    ),
    "own_use": _l("Another supervisor must review your own break-glass use."),
}


def label(table: dict[str, object], code: str | None) -> str:
    """The label of a code, or the code itself when unknown."""
    if code is None:
        return ""
    return str(table.get(code, code))


def time_left(deadline: datetime, now: datetime) -> str:
    """ "in 3 hours" / "2 days ago", in the user's language."""
    return str(format_timedelta(deadline - now, add_direction=True))


def error_message(exc: ReferralError) -> str:
    """A referral service error in the user's language."""
    if isinstance(exc, AlreadyClaimed):
        return str(_("Already claimed by %(name)s.", name=exc.by))
    if isinstance(exc, BreakGlassRefused):
        return str(REFUSALS.get(str(exc), _l("Break-glass was refused.")))
    by_code = {
        "wrong_state": _("This referral is not in a state that allows this step."),
        "queue_empty": _("No referral is waiting in your queue."),
        "risk_assessment_required": _(
            "An urgent referral can be closed only after a risk assessment is recorded."
        ),
        "not_reviewable": _("This case is not waiting for review."),
    }
    by_text = {
        "closing needs a note": _("Closing needs a note."),
        "message too long": _("The message is too long."),
    }
    return str(by_code.get(exc.code) or by_text.get(str(exc)) or _("This could not be done."))
