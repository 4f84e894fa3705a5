"""Changing rosters: the only code that writes roster tables. A roster is replaced whole, after
every entry and change was checked (a user must exist, be active and hold a counsellor or
supervisor grant covering the station), so a bad request writes nothing; each replacement is
audited with counts only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wellbeing.audit.service import record
from wellbeing.auth.policy import unit_in_scope
from wellbeing.oncall.errors import InvalidInput
from wellbeing.oncall.input import ChangeSpec, EntrySpec
from wellbeing.oncall.models import RosterChange, RosterEntry
from wellbeing.oncall.roster import Roster, load_roster
from wellbeing.org.models import Role, Unit, User

ON_CALL_ROLES = (Role.COUNSELLOR, Role.SUPERVISOR)


def may_stand_on_call(user: User, unit: Unit) -> bool:
    """An active user whose counsellor or supervisor grant covers the station."""
    return user.active and any(unit_in_scope(user, role, unit) for role in ON_CALL_ROLES)


def replace_roster(
    session: Session,
    actor: User | None,
    unit: Unit,
    entries: Sequence[EntrySpec],
    changes: Sequence[ChangeSpec],
) -> Roster:
    """Replace the station's whole roster; InvalidInput (nothing written) names a bad field."""
    users = _users_for(session, unit, entries, changes)
    session.execute(delete(RosterEntry).where(RosterEntry.unit_id == unit.id))
    session.execute(delete(RosterChange).where(RosterChange.unit_id == unit.id))
    for entry in entries:
        session.add(_entry_row(unit, users[entry.username], entry))
    for change in changes:
        session.add(_change_row(unit, users[change.username], change))
    session.flush()
    record(
        session,
        actor=actor,
        action="roster.replaced",
        target_type="unit",
        target_id=unit.code,
        detail={"entries": len(entries), "changes": len(changes)},
    )
    return load_roster(session, unit)


def _users_for(
    session: Session, unit: Unit, entries: Sequence[EntrySpec], changes: Sequence[ChangeSpec]
) -> dict[str, User]:
    named = [("entries", i, e.username) for i, e in enumerate(entries)]
    named += [("changes", i, c.username) for i, c in enumerate(changes)]
    wanted = {username for _list, _i, username in named}
    found = {
        user.username: user
        for user in session.scalars(select(User).where(User.username.in_(wanted)))
    }
    for name, index, username in named:
        user = found.get(username)
        if user is None:
            raise InvalidInput(f"{name}[{index}].username", "unknown_user")
        if not may_stand_on_call(user, unit):
            raise InvalidInput(f"{name}[{index}].username", "not_staff")
    return found


def add_entry(session: Session, actor: User, unit: Unit, entry: EntrySpec) -> RosterEntry:
    """Add one weekly entry to the station's roster (InvalidInput names a bad username)."""
    row = _entry_row(unit, _users_for(session, unit, [entry], [])[entry.username], entry)
    return _add(session, actor, unit, row, "roster.entry_added")


def add_change(session: Session, actor: User, unit: Unit, change: ChangeSpec) -> RosterChange:
    """Add one one-off change to the station's roster (InvalidInput names a bad username)."""
    row = _change_row(unit, _users_for(session, unit, [], [change])[change.username], change)
    return _add(session, actor, unit, row, "roster.change_added")


def remove_entry(session: Session, actor: User, unit: Unit, entry_id: int) -> bool:
    """Remove one weekly entry of this station; False if it has no such entry."""
    return _remove(session, actor, unit, session.get(RosterEntry, entry_id), "entry")


def remove_change(session: Session, actor: User, unit: Unit, change_id: int) -> bool:
    """Remove one one-off change of this station; False if it has no such change."""
    return _remove(session, actor, unit, session.get(RosterChange, change_id), "change")


def _entry_row(unit: Unit, user: User, entry: EntrySpec) -> RosterEntry:
    return RosterEntry(
        unit_id=unit.id,
        user_id=user.id,
        weekday=entry.weekday,
        from_minute=entry.from_minute,
        to_minute=entry.to_minute,
    )


def _change_row(unit: Unit, user: User, change: ChangeSpec) -> RosterChange:
    return RosterChange(
        unit_id=unit.id, user_id=user.id, starts_at=change.starts_at, ends_at=change.ends_at
    )


Row = TypeVar("Row", RosterEntry, RosterChange)


def _add(session: Session, actor: User, unit: Unit, row: Row, action: str) -> Row:
    session.add(row)
    session.flush()
    _audit(session, actor, unit, action, row.id)
    return row


def _remove(
    session: Session, actor: User, unit: Unit, row: RosterEntry | RosterChange | None, what: str
) -> bool:
    if row is None or row.unit_id != unit.id:
        return False
    row_id = row.id
    session.delete(row)
    session.flush()
    _audit(session, actor, unit, f"roster.{what}_removed", row_id)
    return True


def _audit(session: Session, actor: User, unit: Unit, action: str, item_id: int) -> None:
    record(
        session,
        actor=actor,
        action=action,
        target_type="unit",
        target_id=unit.code,
        detail={"item": item_id},
    )
