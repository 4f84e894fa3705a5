"""What pages show of rosters: the holes a supervisor should fill, and the phone of whoever is
on call for an officer's unit now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from wellbeing.auth.policy import scope_units, units_in_scope_clause
from wellbeing.oncall.models import RosterChange, RosterEntry
from wellbeing.oncall.policy import OnCallPolicy
from wellbeing.oncall.roster import Span, holes, on_call
from wellbeing.org.models import Role, Unit, User

HOLE_DAYS = 7


@dataclass(frozen=True)
class StationHoles:
    """A station in a supervisor's scope and its roster holes in the coming days."""

    unit: Unit
    holes: list[Span]


def stations_watched_by(session: Session, supervisor: User) -> list[Unit]:
    """The units a supervisor answers for: their grants' units and every unit in scope that
    keeps a roster."""
    rostered = union(select(RosterEntry.unit_id), select(RosterChange.unit_id)).subquery()
    in_scope = session.scalars(
        select(Unit)
        .where(Unit.id.in_(select(rostered.c.unit_id)))
        .where(units_in_scope_clause(supervisor, Role.SUPERVISOR))
    )
    found = {unit.id: unit for unit in scope_units(supervisor, Role.SUPERVISOR)}
    for unit in in_scope:
        found.setdefault(unit.id, unit)
    return sorted(found.values(), key=lambda unit: unit.path)


def roster_holes_for(
    session: Session, supervisor: User, now: datetime, policy: OnCallPolicy
) -> list[StationHoles]:
    """Every watched station with at least one hole in the coming week."""
    found = []
    for unit in stations_watched_by(session, supervisor):
        gaps = holes(session, unit, now, policy, days=HOLE_DAYS)
        if gaps:
            found.append(StationHoles(unit, gaps))
    return found


def on_call_phone(session: Session, unit: Unit, at: datetime, tz: ZoneInfo) -> str | None:
    """The phone of the counsellor on call for the unit now, if one is and has a phone."""
    for person in on_call(session, unit, at, Role.COUNSELLOR, tz):
        if person.phone and person.phone.strip():
            return person.phone.strip()
    return None
