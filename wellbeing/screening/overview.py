"""Read-only overviews of campaigns and incidents for the admin pages: counts, never answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from wellbeing.org.models import Unit
from wellbeing.referrals.models import Kind, Referral
from wellbeing.screening.models import Assignment, AssignmentStatus, Campaign, Incident


@dataclass(frozen=True)
class Participation:
    """How many officers a wave invited, and how many submitted or let it expire."""

    invited: int = 0
    submitted: int = 0
    expired: int = 0


def list_campaigns(session: Session) -> list[Campaign]:
    """Every campaign, newest first, with its unit and waves loaded."""
    query = (
        select(Campaign)
        .options(selectinload(Campaign.unit), selectinload(Campaign.waves))
        .order_by(Campaign.id.desc())
    )
    return list(session.scalars(query))


def wave_participation(session: Session, wave_ids: Sequence[int]) -> dict[int, Participation]:
    """Assignment counts by status for each wave (waves without assignments are absent)."""
    if not wave_ids:
        return {}
    rows = session.execute(
        select(Assignment.wave_id, Assignment.status, func.count())
        .where(Assignment.wave_id.in_(wave_ids))
        .group_by(Assignment.wave_id, Assignment.status)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for wave_id, status, count in rows:
        if wave_id is not None:  # always true: filtered by wave above
            counts.setdefault(wave_id, {})[status] = count
    return {
        wave_id: Participation(
            invited=sum(by_status.values()),
            submitted=by_status.get(AssignmentStatus.SUBMITTED.value, 0),
            expired=by_status.get(AssignmentStatus.EXPIRED.value, 0),
        )
        for wave_id, by_status in counts.items()
    }


@dataclass(frozen=True)
class IncidentRow:
    """An incident with its unit, how many officers are followed up, and how many of them the
    station's outreach reached (counts only: a decline and a task still waiting look alike)."""

    incident: Incident
    unit: Unit
    officers: int
    reached: int = 0


def list_incidents(session: Session, units: ColumnElement[bool]) -> list[IncidentRow]:
    """Incidents of the units the condition on Unit selects, newest first."""
    involved = (
        select(Assignment.incident_id, func.count(func.distinct(Assignment.officer_id)).label("n"))
        .where(Assignment.incident_id.is_not(None))
        .group_by(Assignment.incident_id)
        .subquery()
    )
    reached = (
        select(Referral.incident_id, func.count(Referral.id).label("n"))
        .where(Referral.kind == Kind.OUTREACH.value, Referral.contacted_at.is_not(None))
        .group_by(Referral.incident_id)
        .subquery()
    )
    rows = session.execute(
        select(Incident, Unit, func.coalesce(involved.c.n, 0), func.coalesce(reached.c.n, 0))
        .join(Unit, Incident.unit_id == Unit.id)
        .outerjoin(involved, involved.c.incident_id == Incident.id)
        .outerjoin(reached, reached.c.incident_id == Incident.id)
        .where(units)
        .order_by(Incident.occurred_on.desc(), Incident.id.desc())
    ).all()
    return [
        IncidentRow(incident, unit, int(count), int(contacted))
        for incident, unit, count, contacted in rows
    ]


def units_where(session: Session, units: ColumnElement[bool]) -> list[Unit]:
    """The units a condition on Unit selects, in tree order."""
    return list(session.scalars(select(Unit).where(units).order_by(Unit.path)))
