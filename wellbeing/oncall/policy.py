"""The on-call policy in force: the station's time zone, its office hours and how long an urgent
referral may wait on call before the on-call supervisor is told. Built once from the settings at
start-up (`policy_from`), so a bad `WELLBEING_OFFICE_HOURS` stops the service with a message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from wellbeing.core.config import ConfigError, Settings
from wellbeing.oncall.hours import HoursError, OfficeHours, parse_office_hours


class OfficeHoursError(ConfigError):
    """WELLBEING_OFFICE_HOURS cannot be read."""


@dataclass(frozen=True)
class OnCallPolicy:
    """Time zone, office hours and the escalation delay for urgent referrals on call."""

    tz: ZoneInfo
    office_hours: OfficeHours
    escalate_after: timedelta = timedelta(minutes=30)


def policy_from(settings: Settings) -> OnCallPolicy:
    """The policy of these settings; OfficeHoursError (a ConfigError) names the bad setting."""
    try:
        office_hours = parse_office_hours(settings.office_hours)
    except HoursError as exc:
        raise OfficeHoursError(
            f"WELLBEING_OFFICE_HOURS must look like 'Mon-Fri 08:30-17:30': {exc}"
        ) from exc
    if settings.on_call_escalate_minutes < 1:
        raise ConfigError("WELLBEING_ON_CALL_ESCALATE_MINUTES must be at least 1")
    return OnCallPolicy(
        tz=ZoneInfo(settings.timezone),
        office_hours=office_hours,
        escalate_after=timedelta(minutes=settings.on_call_escalate_minutes),
    )
