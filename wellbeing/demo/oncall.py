"""Demo on-call roster (值班) for the bureau's station: the two counsellors take alternate nights
(17:30–08:30, the weekend round the clock) and the supervisor is on call every night, so the
officer's crisis page shows an on-call phone out of office hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.oncall.hours import parse_hhmm
from wellbeing.oncall.input import EntrySpec
from wellbeing.oncall.models import RosterEntry
from wellbeing.oncall.service import replace_roster
from wellbeing.org.models import Unit

STATION = "BUR"
EVENING, MORNING = parse_hhmm("17:30"), parse_hhmm("08:30")


def create_demo_oncall(session: Session, _now: datetime) -> bool:
    """The roster, unless the station already has one."""
    unit = session.scalars(select(Unit).where(Unit.code == STATION)).one()
    if session.scalar(select(RosterEntry.id).where(RosterEntry.unit_id == unit.id).limit(1)):
        return False
    entries = []
    for weekday in range(7):
        counsellor = "counsellor1" if weekday % 2 == 0 else "counsellor2"
        start = MORNING if weekday >= 5 else EVENING  # Saturday and Sunday: 24 hours
        entries += [
            EntrySpec(counsellor, weekday, start, MORNING),
            EntrySpec("supervisor", weekday, start, MORNING),
        ]
    replace_roster(session, None, unit, entries, [])
    return True
