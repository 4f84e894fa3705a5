"""The message kinds: their texts (English msgids, translated at delivery) and allowed params.

Texts and params carry no clinical information: no scores, bands, answers, item texts or
instrument results. A param outside a kind's allow-list is refused at enqueue time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from wellbeing.notify.errors import ParamsRefused, UnknownKind

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PRIORITIES = ("urgent", "high", "routine")
MAX_PARAM_LENGTH = 64


def N_(message: str) -> str:  # noqa: N802 - the gettext marker name Babel extracts by default
    """Mark a msgid for extraction; it is translated later, at delivery."""
    return message


@dataclass(frozen=True)
class Param:
    """One allowed param: a date (YYYY-MM-DD) or one of a few fixed words."""

    choices: tuple[str, ...] = ()
    date: bool = False

    def accepts(self, value: Any) -> bool:
        """Whether a value is of this param's shape."""
        if not isinstance(value, str) or len(value) > MAX_PARAM_LENGTH:
            return False
        if self.date:
            return ISO_DATE.fullmatch(value) is not None
        return value in self.choices


@dataclass(frozen=True)
class Kind:
    """A message template: subject and body msgids (with %(param)s slots) and its params."""

    key: str
    subject: str
    body: str
    params: Mapping[str, Param] = field(default_factory=dict)
    # Body msgid per value of one param, for texts that differ by more than a word.
    variants: Mapping[str, str] = field(default_factory=dict)
    variant_param: str = ""

    def body_for(self, params: Mapping[str, str]) -> str:
        """The body msgid to translate for these params."""
        return self.variants.get(params.get(self.variant_param, ""), self.body)


_DUE = {"closes_on": Param(date=True)}
_PRIORITY = {"priority": Param(choices=PRIORITIES)}
# An appointment's date and time (HH:MM, UTC): the only params its notices carry.
_CLOCK_TIMES = tuple(f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in range(60))
_APPOINTMENT = {"on": Param(date=True), "at": Param(choices=_CLOCK_TIMES)}

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "screening.opened",
            N_("A wellbeing check is waiting for you"),
            N_(
                "You have a wellbeing check waiting. Please sign in to the wellbeing service "
                "and complete it by %(closes_on)s."
            ),
            _DUE,
        ),
        Kind(
            "screening.reminder",
            N_("Reminder: your wellbeing check is waiting"),
            N_(
                "Your wellbeing check is still waiting. Please sign in to the wellbeing service "
                "and complete it by %(closes_on)s."
            ),
            _DUE,
        ),
        Kind(
            "referral.waiting",
            N_("A referral is waiting"),
            N_("A referral is waiting in the station's queue. Please sign in to review it."),
            _PRIORITY,
            variants={
                "urgent": N_(
                    "An urgent referral is waiting in the station's queue. "
                    "Please sign in and claim it now."
                ),
            },
            variant_param="priority",
        ),
        Kind(
            "referral.escalated",
            N_("A referral has been escalated"),
            N_(
                "A referral in the station's queue has passed its deadline and was escalated "
                "to supervisors. Please sign in to review it."
            ),
            _PRIORITY,
        ),
        Kind(
            "referral.half_deadline",
            N_("A referral is still unclaimed"),
            N_(
                "A referral in the station's queue has passed half of its deadline without "
                "being claimed. Please sign in to review it."
            ),
            _PRIORITY,
        ),
        Kind(
            "referral.contact_due",
            N_("Reminder: a referral you hold is waiting for first contact"),
            N_(
                "A referral you claimed has passed half of its time for first contact with the "
                "officer. Please sign in and record your contact."
            ),
            _PRIORITY,
        ),
        Kind(
            "referral.contact_overdue",
            N_("A claimed referral has had no contact in time"),
            N_(
                "A claimed referral has passed its deadline for first contact with the officer "
                "and was escalated to supervisors. Please sign in to review it."
            ),
            _PRIORITY,
        ),
        Kind(
            "referral.close_due",
            N_("Reminder: a case you hold is due to close"),
            N_(
                "A case you hold has passed half of its time to close. Please sign in to review it."
            ),
            _PRIORITY,
        ),
        Kind(
            "referral.close_overdue",
            N_("A case has not closed in time"),
            N_(
                "A case has passed its time to close and was escalated to supervisors. Please "
                "sign in to review it."
            ),
            _PRIORITY,
        ),
        Kind(
            "referral.unreachable",
            N_("An officer could not be reached"),
            N_(
                "Three contact attempts on an urgent referral have failed: the officer is "
                "unreachable. Consider a welfare check. Please sign in to review it now."
            ),
            _PRIORITY,
        ),
        Kind(
            "referral.reopened",
            N_("A case you held was reopened"),
            N_("A supervisor reopened a case you held. Please sign in to see the reason."),
            _PRIORITY,
        ),
        Kind(
            "outreach.waiting",
            N_("Outreach after a critical incident is waiting"),
            N_(
                "Officers involved in a critical incident are waiting to be contacted by the "
                "station. Please sign in to claim the outreach tasks."
            ),
            {},
        ),
        Kind(
            "group.seat_offered",
            N_("A place in a group session is now yours"),
            N_(
                "A place has become free in a group session you were waiting for, on "
                "%(starts_on)s. It is now yours. Please sign in to the wellbeing service to see "
                "it, or to give it up."
            ),
            {"starts_on": Param(date=True)},
        ),
        Kind(
            "group.invited",
            N_("An invitation to a group session"),
            N_(
                "The wellbeing station invites you to a group session on %(starts_on)s. Please "
                "sign in to the wellbeing service to see it, and sign up if you wish."
            ),
            {"starts_on": Param(date=True)},
        ),
        Kind(
            "appointment.reminder",
            N_("Reminder: your appointment at the wellbeing station"),
            N_(
                "Reminder: you have an appointment at the wellbeing station on %(on)s at "
                "%(at)s UTC. Please sign in to the wellbeing service to see it, or to change it."
            ),
            _APPOINTMENT,
        ),
        Kind(
            "appointment.cancelled",
            N_("An appointment at the wellbeing station was cancelled"),
            N_(
                "The appointment at the wellbeing station on %(on)s at %(at)s UTC was cancelled. "
                "Please sign in to the wellbeing service to see it, or to book another time."
            ),
            _APPOINTMENT,
        ),
        Kind(
            "break_glass.opened",
            N_("Emergency access was used"),
            N_(
                "A supervisor opened a screening record through emergency access. "
                "Please sign in and review the reason in the break-glass list."
            ),
            {},
        ),
        Kind(
            "referral.on_call",
            N_("You are on call: an urgent referral is waiting"),
            N_(
                "You are on call, and an urgent referral is waiting in the station's queue. "
                "Please sign in and claim it now."
            ),
            {},
        ),
        Kind(
            "referral.on_call_escalated",
            N_("An urgent referral was not claimed on call"),
            N_(
                "An urgent referral sent to the on-call counsellor has not been claimed. "
                "Please sign in and make sure someone claims it now."
            ),
            {},
        ),
        Kind(
            "roster.nobody_on_call",
            N_("Nobody is on call for an urgent referral"),
            N_(
                "An urgent referral arrived outside office hours and nobody is on call at the "
                "station. Please sign in and claim it now, and fill the gap in the roster."
            ),
            {},
        ),
    )
}


def find_kind(key: str) -> Kind:
    """The kind for a key, or UnknownKind."""
    try:
        return KINDS[key]
    except KeyError:
        raise UnknownKind(key) from None


def check_params(kind: Kind, params: Mapping[str, Any]) -> dict[str, str]:
    """The params as stored, or ParamsRefused naming the bad keys (never their values)."""
    extra = sorted(set(params) - set(kind.params))
    missing = sorted(set(kind.params) - set(params))
    malformed = sorted(
        k for k, rule in kind.params.items() if k in params and not rule.accepts(params[k])
    )
    if extra or missing or malformed:
        raise ParamsRefused(kind.key, extra=extra, missing=missing, malformed=malformed)
    return {key: str(params[key]) for key in kind.params}
