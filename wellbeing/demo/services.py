"""Demo data for the station's services: counselling slots, group sessions, library articles.

Each service's demo module (`demo/<service>.py`) is imported here and its creator listed in
`CREATORS`; `wellbeing demo` runs them in order, each idempotent (False when its data was already
there).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

Creator = Callable[[Session, datetime], bool]
CREATORS: tuple[Creator, ...] = ()


def create_demo_services(session: Session, now: datetime) -> bool:
    """Run every service's demo creator; True when any of them created something."""
    created = [creator(session, now) for creator in CREATORS]
    return any(created)
