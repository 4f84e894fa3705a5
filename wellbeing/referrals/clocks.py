"""The three clocks of a referral, one after the other: claim (from opening), first contact
(from the claim, or the last failed attempt) and close (from the first contact).

The periods are fixed on the referral when it opens (`contact_minutes`, `close_minutes`, from
the `Deadlines` in force); the running deadline and how far its escalation went are plain columns,
like the claim deadline, so the queue and the job can sort and select on them. This module only
reads and sets those columns; `escalation` acts on them and `service` moves referrals through
their states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wellbeing.referrals.models import Referral, Status

HALF_DEADLINE, OVERDUE = 1, 2


@dataclass(frozen=True)
class Clock:
    """The clock running on a referral now: its name, start, deadline and level reached."""

    name: str  # "claim", "contact" or "close"
    started: datetime
    deadline: datetime
    level: int


def running_clock(referral: Referral) -> Clock | None:
    """The clock of the referral's state; None once closed (or for a row without clocks)."""
    if referral.status == Status.OPEN.value:
        return Clock(
            "claim", referral.opened_at, referral.claim_deadline, referral.escalation_level
        )
    if referral.status == Status.CLAIMED.value and referral.contact_deadline is not None:
        started = referral.contact_clock_from or referral.claimed_at or referral.opened_at
        return Clock("contact", started, referral.contact_deadline, referral.clock_level)
    if referral.status == Status.CONTACTED.value and referral.close_deadline is not None:
        started = referral.contacted_at or referral.opened_at
        return Clock("close", started, referral.close_deadline, referral.clock_level)
    return None


def next_step(clock: Clock) -> tuple[int, datetime]:
    """The clock's next level and when it falls due: half time, the deadline, then every half
    period after it."""
    allowed = clock.deadline - clock.started
    if clock.level < HALF_DEADLINE:
        return HALF_DEADLINE, clock.started + allowed / 2
    if clock.level < OVERDUE:
        return OVERDUE, clock.deadline
    return clock.level + 1, clock.deadline + (allowed / 2) * (clock.level - OVERDUE + 1)


def minutes_of(period: timedelta) -> int:
    """A period as whole minutes (at least one), as the referral row keeps it."""
    return max(1, int(period.total_seconds() // 60))


def start_contact_clock(referral: Referral, now: datetime) -> None:
    """The claim starts the first-contact clock (a reassignment of a held referral does not)."""
    referral.first_claimed_at = referral.first_claimed_at or now
    referral.contact_clock_from, referral.clock_level = now, 0
    referral.contact_deadline = now + timedelta(minutes=referral.contact_minutes)


def tighten_running_clock(referral: Referral, now: datetime) -> None:
    """A raised priority shortens the running contact or close clock, never lengthens it."""
    if referral.status == Status.CLAIMED.value and referral.contact_deadline is not None:
        due = now + timedelta(minutes=referral.contact_minutes)
        if due < referral.contact_deadline:
            referral.contact_clock_from, referral.contact_deadline = now, due
            referral.clock_level = 0
    elif referral.status == Status.CONTACTED.value and referral.close_deadline is not None:
        due = now + timedelta(minutes=referral.close_minutes)
        if due < referral.close_deadline:
            referral.close_deadline, referral.clock_level = due, 0
