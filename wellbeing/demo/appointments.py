"""The appointments' demo data: the demo counsellors' slots for the next two weeks (weekdays),
and one booking by officer02 with a short sealed note. Idempotent: nothing is added when the
counsellors already have future slots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.appointments import booking, service
from wellbeing.appointments.input import SlotRequest
from wellbeing.appointments.models import Mode, Slot
from wellbeing.org.models import User

# (counsellor, hour (UTC, as the service shows times), minutes, mode, place)
TIMES = (
    ("counsellor1", 9, 50, Mode.IN_PERSON, "心理健康服务站 1 号咨询室"),
    ("counsellor1", 14, 50, Mode.PHONE, None),
    ("counsellor2", 10, 50, Mode.VIDEO, None),
    ("counsellor2", 15, 50, Mode.IN_PERSON, "心理健康服务站 2 号咨询室"),
)
DAYS = 14
DEMO_NOTE = "最近值夜班后睡不好，想聊聊"


def create_demo_appointments(session: Session, now: datetime) -> bool:
    """Publish the slots and the one booking; False when the demo slots were already there."""
    wanted = User.username.in_([*{t[0] for t in TIMES}, "officer02"])
    people = {u.username: u for u in session.scalars(select(User).where(wanted))}
    if "counsellor1" not in people:
        return False
    future = select(Slot.id).where(Slot.counsellor_id == people["counsellor1"].id)
    if session.scalars(future.where(Slot.starts_at > now).limit(1)).first() is not None:
        return False
    first_day = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    slots: list[Slot] = []
    for offset in range(DAYS):
        day = first_day + timedelta(days=offset)
        if day.weekday() >= 5:  # weekdays only
            continue
        for username, hour, minutes, mode, place in TIMES:
            request = SlotRequest(day + timedelta(hours=hour), minutes, mode, place, 1, None)
            slots += service.publish_slots(session, people[username], request)
    if "officer02" in people and slots:
        booking.book(session, people["officer02"], slots[0], DEMO_NOTE)
    return True
