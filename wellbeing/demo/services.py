"""Demo data for the station's services: counselling slots, group sessions, library articles,
the on-call roster, and the past months' activity the activity report counts.

Each service's demo module (`demo/<service>.py`) is imported here and its creator listed in
`CREATORS`; `wellbeing demo` runs them in order, each idempotent (False when its data was already
there).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from wellbeing.demo.activity import create_demo_activity
from wellbeing.demo.appointments import create_demo_appointments
from wellbeing.demo.groups import create_demo_groups
from wellbeing.demo.library import create_demo_library
from wellbeing.demo.oncall import create_demo_oncall

Creator = Callable[[Session, datetime], bool]
# The past activity comes last: the groups' creator adds its sessions only when there are none.
CREATORS: tuple[Creator, ...] = (
    create_demo_library,
    create_demo_groups,
    create_demo_appointments,
    create_demo_oncall,
    create_demo_activity,
)


def create_demo_services(session: Session, now: datetime) -> bool:
    """Run every service's demo creator; True when any of them created something."""
    created = [creator(session, now) for creator in CREATORS]
    return any(created)
