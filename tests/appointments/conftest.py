"""Fixtures for appointments: station staff around ST1 and ST2, officers, slots, API tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from wellbeing.appointments import service
from wellbeing.appointments.input import parse_slot
from wellbeing.appointments.models import Slot
from wellbeing.core.clock import utcnow
from wellbeing.org.models import User


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    """Counsellors c1 (ST1) and other (ST2), a supervisor, a leader, an admin, officers."""
    return {
        "c1": make_user("counsellor", unit="ST1", scope="ST1", username="c1"),
        "c2": make_user("counsellor", unit="ST1", scope="ST1", username="c2"),
        "sup": make_user("supervisor", unit="ST1", scope="ST1", username="sup"),
        "other": make_user("counsellor", unit="ST2", scope="ST2", username="other"),
        "lead": make_user("leader", unit="ST1", scope="ST1", username="lead"),
        "adm": make_user("admin", unit="BUR", username="adm"),
        "o1": make_user("officer", unit="ST1-T1", username="o1"),
        "o2": make_user("officer", unit="ST1-T2", username="o2"),
        "o3": make_user("officer", unit="ST2-T1", username="o3"),
    }


def slot_body(**changes: Any) -> dict[str, Any]:
    """A valid API body: tomorrow plus two days, 50 minutes, in person."""
    body: dict[str, Any] = {
        "starts_at": (utcnow() + timedelta(days=3)).isoformat(),
        "minutes": 50,
        "mode": "in_person",
        "place": "心理健康服务站 2 号室",
    }
    return {**body, **changes}


@pytest.fixture
def make_slot(db_session: Any, people: dict[str, User]) -> Callable[..., Slot]:
    """make_slot(by="c1", days=3): an open slot published through the service."""

    def build(*, by: str = "c1", days: float = 3, **changes: Any) -> Slot:
        start = (utcnow() + timedelta(days=days)).isoformat()
        request = parse_slot(slot_body(starts_at=start, **changes), utcnow())
        return service.publish_slots(db_session, people[by], request)[0]

    return build
