"""Campaigns, their waves, and incident follow-ups: creating them and moving them through time.

The time-driven functions (`open_due_waves`, `open_due_assignments`, `send_reminders`,
`expire_and_close`) are idempotent: safe to run twice, safe after a crash, because each
decides from the rows' state, and notices carry dedupe keys.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record as audit
from wellbeing.auth.policy import may_record_incident_in
from wellbeing.core.clock import utcnow
from wellbeing.instruments import Catalogue
from wellbeing.org.models import Role, User
from wellbeing.org.service import find_unit, find_user
from wellbeing.referrals.outreach import open_outreach
from wellbeing.referrals.service import Deadlines
from wellbeing.screening.errors import CampaignError
from wellbeing.screening.models import (
    Assignment,
    AssignmentStatus,
    Campaign,
    Incident,
    Wave,
    WaveState,
)
from wellbeing.screening.targeting import check_staff_category
from wellbeing.screening.targeting import (  # re-exported: the incident pages list officers
    officers_in_subtree as officers_in_subtree,
)

FOLLOW_UP_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class FollowUp:
    """Screenings to offer a number of days after an incident."""

    day: int
    instruments: tuple[str, ...]


DEFAULT_INCIDENT_SCHEDULE = (
    FollowUp(3, ("pcptsd5", "phq9")),
    FollowUp(30, ("pcl5", "phq9")),
    FollowUp(90, ("pcl5", "phq9")),
)


def parse_schedule(text: str) -> tuple[FollowUp, ...]:
    """Parse "3:pcptsd5+phq9,30:pcl5+phq9" into follow-ups (an empty text: the default)."""
    if not text.strip():
        return DEFAULT_INCIDENT_SCHEDULE
    follow_ups = []
    for part in text.split(","):
        day, _, instruments = part.strip().partition(":")
        if not day.isdigit() or not instruments:
            raise CampaignError(
                f"bad follow-up {part!r}; expected DAY:instrument+instrument",
                "bad_schedule",
                part=part.strip(),
            )
        follow_ups.append(FollowUp(int(day), tuple(instruments.split("+"))))
    return tuple(sorted(follow_ups, key=lambda f: f.day))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _check_instruments(catalogue: Catalogue, instruments: Sequence[str]) -> list[str]:
    if not instruments:
        raise CampaignError("a campaign needs at least one instrument", "no_instruments")
    offered = {definition.id for definition in catalogue.offerable()}
    unknown = [i for i in instruments if i not in offered]
    if unknown:
        raise CampaignError(
            f"not offered to officers: {', '.join(unknown)}",
            "not_offered",
            instruments=", ".join(unknown),
        )
    return list(dict.fromkeys(instruments))


def create_campaign(
    session: Session,
    catalogue: Catalogue,
    *,
    name: str,
    unit_code: str,
    instruments: Sequence[str],
    opens_at: datetime,
    closes_at: datetime,
    every_months: int | None = None,
    staff_category: str | None = None,
    created_by: User | None = None,
) -> Campaign:
    """Create a campaign and its first wave (later waves follow when each one opens); audited
    `campaign.created` by `created_by` (None: the system, e.g. the command line). With
    `staff_category` ("police" 民警 or "auxiliary" 辅警) its waves invite that category only."""
    staff_category = check_staff_category(staff_category)
    unit = find_unit(session, unit_code)
    if unit is None:
        raise CampaignError(f"unit {unit_code} does not exist", "unknown_unit", unit=unit_code)
    if not name.strip():
        raise CampaignError("a campaign needs a name", "no_name")
    if closes_at <= opens_at:
        raise CampaignError(
            "the closing time must be after the opening time", "closes_before_opens"
        )
    if every_months is not None and every_months < 1:
        raise CampaignError("a recurring campaign repeats every 1 month or more", "bad_interval")
    if every_months and add_months(opens_at, every_months) < closes_at:
        raise CampaignError("a wave must close before the next one opens", "waves_overlap")
    campaign = Campaign(
        name=name.strip(),
        unit=unit,
        instruments=_check_instruments(catalogue, instruments),
        opens_at=opens_at,
        closes_at=closes_at,
        every_months=every_months,
        staff_category=staff_category,
        created_by=created_by.id if created_by else None,
    )
    session.add(campaign)
    _add_wave(session, campaign, 1, opens_at, closes_at)
    session.flush()
    audit(
        session,
        actor=created_by,
        action="campaign.created",
        target_type="campaign",
        target_id=campaign.id,
        detail={
            "unit": unit.code,
            "instruments": ",".join(campaign.instruments),
            "every_months": every_months,
            **({"staff_category": staff_category} if staff_category else {}),
        },
    )
    return campaign


def _add_wave(
    session: Session, campaign: Campaign, seq: int, opens_at: datetime, closes_at: datetime
) -> Wave:
    wave = Wave(
        campaign=campaign,
        seq=seq,
        opens_at=opens_at,
        closes_at=closes_at,
        name=f"{campaign.name} · {opens_at:%Y-%m-%d}",
    )
    session.add(wave)
    return wave


def find_campaign(session: Session, campaign_id: int) -> Campaign | None:
    """The campaign with this id, if any."""
    return session.get(Campaign, campaign_id)


def close_campaign(
    session: Session, campaign_id: int, now: datetime | None = None, closed_by: User | None = None
) -> Campaign:
    """Stop a campaign: its open wave closes now and no further wave is created; audited
    `campaign.closed` with `closed_by` as the actor (None: the system, e.g. the command line).
    A closed campaign stays as it is, and nothing is recorded."""
    campaign = find_campaign(session, campaign_id)
    if campaign is None:
        raise CampaignError(
            f"campaign {campaign_id} does not exist", "unknown_campaign", id=str(campaign_id)
        )
    if campaign.closed:
        return campaign
    now = now or utcnow()
    campaign.closed = True
    for wave in list(campaign.waves):
        if wave.state == WaveState.SCHEDULED.value:
            campaign.waves.remove(wave)  # never opened: nothing refers to it
        elif wave.state == WaveState.OPEN.value and wave.closes_at > now:
            wave.closes_at = now
    session.flush()
    expire_and_close(session, now)
    audit(
        session,
        actor=closed_by,
        action="campaign.closed",
        target_type="campaign",
        target_id=campaign.id,
    )
    return campaign


def open_due_waves(session: Session, now: datetime | None = None) -> list[Wave]:
    """Open every scheduled wave whose time has come: one assignment per officer in scope."""
    now = now or utcnow()
    due = session.scalars(
        select(Wave).where(Wave.state == WaveState.SCHEDULED.value, Wave.opens_at <= now)
    ).all()
    opened = []
    for wave in due:
        wave.state = WaveState.OPEN.value
        campaign = wave.campaign
        for officer in officers_in_subtree(session, campaign.unit, campaign.staff_category):
            session.add(
                Assignment(
                    officer_id=officer.id,
                    unit_id=officer.unit_id,
                    wave_id=wave.id,
                    instruments=list(campaign.instruments),
                    opens_at=wave.opens_at,
                    closes_at=wave.closes_at,
                    status=AssignmentStatus.SCHEDULED.value,
                )
            )
        if campaign.every_months and not campaign.closed:
            start = add_months(campaign.opens_at, campaign.every_months * wave.seq)
            length = wave.closes_at - wave.opens_at
            _add_wave(session, campaign, wave.seq + 1, start, start + length)
        opened.append(wave)
    session.flush()
    return opened


def open_due_assignments(session: Session, now: datetime | None = None) -> list[Assignment]:
    """Open scheduled assignments whose time has come, and queue each officer's notice."""
    now = now or utcnow()
    due = session.scalars(
        select(Assignment).where(
            Assignment.status == AssignmentStatus.SCHEDULED.value,
            Assignment.opens_at <= now,
            Assignment.closes_at > now,
        )
    ).all()
    for assignment in due:
        assignment.status = AssignmentStatus.PENDING.value
        _notify(session, assignment, "screening.opened", 0, now)
    session.flush()
    return list(due)


REMINDERS = 2  # at most two reminders after the opening notice


def send_reminders(session: Session, now: datetime | None = None) -> int:
    """Queue the reminders now due: at a third and two thirds of the window, never after."""
    now = now or utcnow()
    pending = session.scalars(
        select(Assignment).where(
            Assignment.status == AssignmentStatus.PENDING.value,
            Assignment.notices_sent < REMINDERS + 1,
            Assignment.closes_at > now,
        )
    ).all()
    sent = 0
    for assignment in pending:
        window = assignment.closes_at - assignment.opens_at
        for number in range(1, REMINDERS + 1):
            due_at = assignment.opens_at + window * number / (REMINDERS + 1)
            if assignment.notices_sent == number and now >= due_at:
                _notify(session, assignment, "screening.reminder", number, now)
                sent += 1
                break  # one notice per run, even after downtime
    session.flush()
    return sent


def _notify(
    session: Session, assignment: Assignment, kind: str, number: int, now: datetime
) -> None:
    from wellbeing.notify.service import enqueue

    enqueue(
        session,
        kind=kind,
        recipient=assignment.officer,
        params={"closes_on": assignment.closes_at.date().isoformat()},
        dedupe_key=f"assignment:{assignment.id}:notice:{number}",
    )
    assignment.notices_sent = number + 1
    assignment.last_notice_at = now


def expire_and_close(session: Session, now: datetime | None = None) -> int:
    """Expire unfinished assignments past their close and close waves past theirs."""
    now = now or utcnow()
    expired = session.scalars(
        select(Assignment).where(
            Assignment.status.in_(
                [AssignmentStatus.SCHEDULED.value, AssignmentStatus.PENDING.value]
            ),
            Assignment.closes_at <= now,
        )
    ).all()
    for assignment in expired:
        assignment.status = AssignmentStatus.EXPIRED.value
    for wave in session.scalars(
        select(Wave).where(Wave.state == WaveState.OPEN.value, Wave.closes_at <= now)
    ):
        wave.state = WaveState.CLOSED.value
    session.flush()
    return len(expired)


def create_incident(
    session: Session,
    catalogue: Catalogue,
    *,
    occurred_on: date,
    description: str,
    unit_code: str,
    officers: Sequence[str],
    deadlines: Deadlines,
    schedule: Sequence[FollowUp] = DEFAULT_INCIDENT_SCHEDULE,
    created_by: User | None = None,
) -> Incident:
    """Record a critical incident, schedule the officers' follow-up screenings and open an
    outreach task for each (clocks from `deadlines`); audited `incident.created` by
    `created_by` (None: the system), who must be allowed to record incidents in the unit."""
    unit = find_unit(session, unit_code)
    if unit is None:
        raise CampaignError(f"unit {unit_code} does not exist", "unknown_unit", unit=unit_code)
    if created_by is not None and not may_record_incident_in(created_by, unit):
        raise CampaignError(
            f"unit {unit_code} is outside your scope", "outside_scope", unit=unit_code
        )
    description = description.strip()
    if not description or len(description) > 500:
        raise CampaignError(
            "describe the incident briefly (1 to 500 characters)", "bad_description"
        )
    people = _involved_officers(session, officers)
    for follow_up in schedule:
        _check_instruments(catalogue, follow_up.instruments)
    incident = Incident(
        occurred_on=occurred_on,
        description=description,
        unit_id=unit.id,
        created_by=created_by.id if created_by else None,
    )
    session.add(incident)
    session.flush()
    start_of_day = datetime.combine(occurred_on, time(0, 0), tzinfo=UTC)
    for officer in people:
        for follow_up in schedule:
            opens_at = start_of_day + timedelta(days=follow_up.day)
            session.add(
                Assignment(
                    officer_id=officer.id,
                    unit_id=officer.unit_id,
                    incident_id=incident.id,
                    follow_up_day=follow_up.day,
                    instruments=list(follow_up.instruments),
                    opens_at=opens_at,
                    closes_at=opens_at + FOLLOW_UP_WINDOW,
                    status=AssignmentStatus.SCHEDULED.value,
                )
            )
    session.flush()
    open_outreach(session, people, incident.id, deadlines)
    audit(
        session,
        actor=created_by,
        action="incident.created",
        target_type="incident",
        target_id=incident.id,
        detail={"unit": unit.code, "officers": len(people)},
    )
    return incident


def _involved_officers(session: Session, usernames: Sequence[str]) -> list[User]:
    if not usernames:
        raise CampaignError("name at least one officer involved", "no_officers")
    people = []
    for username in dict.fromkeys(u.strip() for u in usernames if u.strip()):
        user = find_user(session, username)
        if user is None or not user.active or not user.has_role(Role.OFFICER):
            raise CampaignError(
                f"{username} is not an active officer", "not_an_officer", username=username
            )
        people.append(user)
    return people
