"""Who may see and act on slots and appointments (object level; route rules checked the role).

- An officer sees the open future slots of the stations covering their unit (a slot's unit is
  the officer's unit or one of its ancestors) and only their own appointments.
- A counsellor or supervisor publishes slots for a unit their grant is scoped to and sees only
  their own slots and the appointments on them; to anyone else an appointment does not exist.
- A booking moves, for the officer, to a slot they may book; for the slot's counsellor, to
  another of their own slots covering the officer's unit (staff book for an officer only so).
- Only the slot's counsellor records the outcome.
"""

from __future__ import annotations

from wellbeing.appointments.models import Appointment, Slot
from wellbeing.auth.policy import scope_units
from wellbeing.org.models import Role, Unit, User

STAFF = (Role.COUNSELLOR, Role.SUPERVISOR)


def stations_of(user: User) -> list[Unit]:
    """The units a counsellor or supervisor may publish slots for (their grants' scopes)."""
    seen: dict[int, Unit] = {}
    for role in STAFF:
        for unit in scope_units(user, role):
            seen.setdefault(unit.id, unit)
    return list(seen.values())


def is_staff(user: User) -> bool:
    """Whether the user holds a counsellor or supervisor grant."""
    return user.has_role(*STAFF)


def slot_covers(slot: Slot, officer: User) -> bool:
    """Whether the slot's station covers the officer's unit (its unit or an ancestor)."""
    return officer.unit.path.startswith(slot.unit.path)


def may_book(user: User, slot: Slot) -> bool:
    """An officer may book a slot whose station covers their unit (never their own slot)."""
    return user.has_role(Role.OFFICER) and slot.counsellor_id != user.id and slot_covers(slot, user)


def holds_slot(user: User, slot: Slot) -> bool:
    """The slot's own counsellor."""
    return slot.counsellor_id == user.id


def may_offer(user: User, slot: Slot, officer: User) -> bool:
    """Staff book for an officer (or move their booking) only to their own slot at a station
    covering the officer's unit."""
    return holds_slot(user, slot) and slot_covers(slot, officer)


def may_move_to(user: User, appointment: Appointment, slot: Slot) -> bool:
    """The officer to a slot they may book; the slot's counsellor to one they may offer."""
    if user.id == appointment.officer_id:
        return may_book(user, slot)
    return may_offer(user, slot, appointment.officer)


def may_see(user: User, appointment: Appointment) -> bool:
    """The appointment's officer, or the counsellor whose slot it is on."""
    return appointment.officer_id == user.id or holds_slot(user, appointment.slot)


def may_record_outcome(user: User, appointment: Appointment) -> bool:
    """Only the slot's counsellor."""
    return holds_slot(user, appointment.slot)
