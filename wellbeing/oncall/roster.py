"""Who is on call when: the roster that applies to a unit, and its holes.

Which roster applies: the nearest unit on the unit's path (the unit itself, else its parent, …)
that has a roster (a weekly entry or a one-off change). Who is on call at an instant, for a role
(counsellor or supervisor):

1. one-off changes running at that instant whose user holds the role over the roster's unit
   replace the weekly pattern for that role — they alone are on call for it;
2. otherwise the weekly entries covering that instant (read on the station's wall clock, see
   `oncall.hours`) whose user holds the role.

Only active users whose grant of the role still covers the roster's unit count: a revoked grant
takes a person off the roster without editing it. A hole is a period outside office hours with no
on-call counsellor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, literal, select, union
from sqlalchemy.orm import Session

from wellbeing.auth.policy import unit_in_scope
from wellbeing.oncall.hours import is_office_hours, local_days, office_spans, weekly_span
from wellbeing.oncall.models import RosterChange, RosterEntry
from wellbeing.oncall.policy import OnCallPolicy
from wellbeing.org.models import Role, RoleGrant, Unit, User

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Roster:
    """A station's weekly entries and one-off changes, loaded once."""

    unit: Unit
    entries: list[RosterEntry] = field(default_factory=list)
    changes: list[RosterChange] = field(default_factory=list)

    def weekly_spans(self, start: datetime, end: datetime, tz: ZoneInfo) -> list[tuple[User, Span]]:
        """Each weekly entry's periods (UTC) that overlap [start, end)."""
        found = []
        for day in local_days(start, end, tz):
            for entry in self.entries:
                if entry.weekday == day.weekday():
                    span = weekly_span(day, entry.from_minute, entry.to_minute, tz)
                    if span[0] < end and span[1] > start:
                        found.append((entry.user, span))
        return found

    def on_call_at(self, at: datetime, role: Role, tz: ZoneInfo) -> list[User]:
        """Who is on call at an instant for a role (rules in the module docstring)."""
        changed = [c.user for c in self.changes if c.starts_at <= at < c.ends_at]
        replacing = [user for user in changed if self.holds(user, role)]
        if replacing:
            return _unique(replacing)
        weekly = self.weekly_spans(at, at + timedelta(microseconds=1), tz)
        return _unique(user for user, _span in weekly if self.holds(user, role))

    def holds(self, user: User, role: Role) -> bool:
        """Whether the user may stand on call for this role at this station now."""
        return user.active and unit_in_scope(user, role, self.unit)

    def boundaries(self, start: datetime, end: datetime, tz: ZoneInfo) -> set[datetime]:
        """Every instant in [start, end) where who is on call may change."""
        edges = {edge for _user, span in self.weekly_spans(start, end, tz) for edge in span}
        edges.update(edge for c in self.changes for edge in (c.starts_at, c.ends_at))
        return {edge for edge in edges if start < edge < end}


def _unique(users: Iterable[User]) -> list[User]:
    return list({user.id: user for user in users}.values())


def roster_unit_for(session: Session, unit: Unit) -> Unit | None:
    """The nearest unit on the unit's path (itself first) that has a roster, if any."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    with_roster = set(
        session.scalars(
            union(
                select(RosterEntry.unit_id).where(RosterEntry.unit_id.in_(ids)),
                select(RosterChange.unit_id).where(RosterChange.unit_id.in_(ids)),
            )
        )
    )
    for unit_id in reversed(ids):
        if unit_id in with_roster:
            return session.get(Unit, unit_id)
    return None


@dataclass(frozen=True)
class Station:
    """Where an urgent referral goes on call: the unit whose roster applies (None: no roster on
    the path) and the station answering for the unit (`routing.station_of`'s rule)."""

    roster_unit: Unit | None
    unit: Unit


# Built once (route_urgent asks it for every urgent referral opened outside office hours): the
# units on a path that have a roster (weekly entries or one-off changes) or a counsellor grant.
_MARKS = union(
    select(RosterEntry.unit_id.label("unit_id"), literal("roster").label("mark")).where(
        RosterEntry.unit_id.in_(bindparam("ids", expanding=True))
    ),
    select(RosterChange.unit_id, literal("roster")).where(
        RosterChange.unit_id.in_(bindparam("ids", expanding=True))
    ),
    select(RoleGrant.scope_unit_id, literal("scope")).where(
        RoleGrant.role == Role.COUNSELLOR.value,
        RoleGrant.scope_unit_id.in_(bindparam("ids", expanding=True)),
    ),
).subquery()
_MARKED_UNITS = select(Unit, _MARKS.c.mark).join(_MARKS, _MARKS.c.unit_id == Unit.id)


def station_for(session: Session, unit: Unit) -> Station:
    """`roster_unit_for` and `routing.station_of` in one round trip: which units on the unit's
    path have a roster, and which a counsellor grant is scoped to, loaded with those units."""
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    found: dict[str, dict[int, Unit]] = {"roster": {}, "scope": {}}
    for marked, mark in session.execute(_MARKED_UNITS, {"ids": ids}):
        found[mark][marked.id] = marked
    nearest = {
        mark: next((units[i] for i in reversed(ids) if i in units), None)
        for mark, units in found.items()
    }
    return Station(nearest["roster"], nearest["roster"] or nearest["scope"] or unit)


def load_roster(session: Session, unit: Unit) -> Roster:
    """The roster kept for exactly this unit (possibly empty)."""
    entries = session.scalars(
        select(RosterEntry)
        .where(RosterEntry.unit_id == unit.id)
        .order_by(RosterEntry.weekday, RosterEntry.from_minute, RosterEntry.id)
    )
    changes = session.scalars(
        select(RosterChange)
        .where(RosterChange.unit_id == unit.id)
        .order_by(RosterChange.starts_at, RosterChange.id)
    )
    return Roster(unit, list(entries.unique()), list(changes.unique()))


def roster_for(session: Session, unit: Unit) -> Roster:
    """The roster that applies to a unit (empty, kept for the unit itself, when none does)."""
    return load_roster(session, roster_unit_for(session, unit) or unit)


def on_call(session: Session, unit: Unit, at: datetime, role: Role, tz: ZoneInfo) -> list[User]:
    """Who is on call for a role at an instant, by the roster that applies to the unit."""
    return roster_for(session, unit).on_call_at(at, role, tz)


def holes(
    session: Session, unit: Unit, start: datetime, policy: OnCallPolicy, days: int = 7
) -> list[Span]:
    """Periods in [start, start + days) outside office hours with no on-call counsellor."""
    return find_holes(roster_for(session, unit), start, start + timedelta(days=days), policy)


@dataclass(frozen=True)
class Segment:
    """A stretch of time in which nothing changes: office hours, someone on call, or a hole."""

    starts_at: datetime
    ends_at: datetime
    kind: str  # "office", "on_call" or "hole"
    people: tuple[User, ...] = ()


def timeline(roster: Roster, start: datetime, end: datetime, policy: OnCallPolicy) -> list[Segment]:
    """[start, end) cut where office hours or the on-call counsellors change, pieces merged."""
    tz = policy.tz
    edges = roster.boundaries(start, end, tz)
    for span in office_spans(start, end, policy.office_hours, tz):
        edges.update(edge for edge in span if start < edge < end)
    points = [start, *sorted(edges), end]
    found: list[Segment] = []
    for begin, stop in pairwise(points):
        middle = begin + (stop - begin) / 2
        people: tuple[User, ...] = ()
        if is_office_hours(middle, policy.office_hours, tz):
            kind = "office"
        else:
            people = tuple(roster.on_call_at(middle, Role.COUNSELLOR, tz))
            kind = "on_call" if people else "hole"
        last = found[-1] if found else None
        if last and last.kind == kind and last.people == people:
            found[-1] = Segment(last.starts_at, stop, kind, people)
        else:
            found.append(Segment(begin, stop, kind, people))
    return found


def find_holes(roster: Roster, start: datetime, end: datetime, policy: OnCallPolicy) -> list[Span]:
    """`holes` on a loaded roster."""
    return [
        (piece.starts_at, piece.ends_at)
        for piece in timeline(roster, start, end, policy)
        if piece.kind == "hole"
    ]
