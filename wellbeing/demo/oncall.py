"""Demo on-call roster (值班) for the bureau's station: the two counsellors take alternate nights
(17:30–08:30, the weekend round the clock), the supervisor is on call every night, and staff have
(made-up) phone numbers so the officer's crisis page can show the on-call phone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.oncall.hours import parse_hhmm
from wellbeing.oncall.input import EntrySpec
from wellbeing.oncall.models import RosterEntry
from wellbeing.oncall.service import replace_roster
from wellbeing.org.models import Unit, User

STATION = "BUR"
# Made-up numbers in a reserved-looking range: the demo must never ring a real phone.
PHONES = {
    "counsellor1": "010-5550-0101",
    "counsellor2": "010-5550-0102",
    "supervisor": "010-5550-0100",
}
EVENING, MORNING = "17:30", "08:30"


def create_demo_oncall(session: Session, _now: datetime) -> bool:
    """The roster and phones, unless the station already has a roster."""
    unit = session.scalars(select(Unit).where(Unit.code == STATION)).one()
    if session.scalar(select(RosterEntry.id).where(RosterEntry.unit_id == unit.id).limit(1)):
        return False
    for username, phone in PHONES.items():
        user = session.scalars(select(User).where(User.username == username)).one()
        user.phone = user.phone or phone
    entries = []
    for weekday in range(7):
        counsellor = "counsellor1" if weekday % 2 == 0 else "counsellor2"
        weekend = weekday >= 5
        start = MORNING if weekend else EVENING
        entries += [
            EntrySpec(counsellor, weekday, parse_hhmm(start), parse_hhmm(MORNING)),
            EntrySpec("supervisor", weekday, parse_hhmm(start), parse_hhmm(MORNING)),
        ]
    replace_roster(session, None, unit, entries, [])
    return True
