"""Fixtures for group sessions: staff around ST1 and ST2, a session factory, API tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from wellbeing.core.clock import utcnow
from wellbeing.groups import service
from wellbeing.groups.input import parse_group
from wellbeing.groups.models import GroupSession
from wellbeing.org.models import User


@pytest.fixture
def staff(make_user: Callable[..., User]) -> dict[str, User]:
    """A counsellor and a supervisor for ST1, a counsellor for ST2, a leader and an admin."""
    return {
        "c1": make_user("counsellor", unit="ST1", scope="ST1", username="c1"),
        "sup": make_user("supervisor", unit="ST1", scope="ST1", username="sup"),
        "other": make_user("counsellor", unit="ST2", scope="ST2", username="other"),
        "lead": make_user("leader", unit="ST1", scope="ST1", username="lead"),
        "adm": make_user("admin", unit="BUR", username="adm"),
    }


def group_body(**changes: Any) -> dict[str, Any]:
    """A valid API body for a new session (tomorrow, ST1, three seats)."""
    body: dict[str, Any] = {
        "title": {"zh-CN": "减压团体辅导", "en": "Stress group"},
        "description": {"zh-CN": "一起学习放松方法。", "en": "Learning to relax together."},
        "topic": "stress",
        "starts_at": (utcnow() + timedelta(days=1)).isoformat(),
        "place": "城东派出所三楼会议室",
        "capacity": 3,
        "unit": "ST1",
    }
    return {**body, **changes}


@pytest.fixture(name="group_body")
def group_body_fixture() -> Callable[..., dict[str, Any]]:
    """group_body(capacity=…): the valid body with some fields changed."""
    return group_body


@pytest.fixture
def make_group(db_session: Any, staff: dict[str, User]) -> Callable[..., GroupSession]:
    """make_group(capacity=2, unit="ST1", by="c1"): a session created through the service."""

    def build(*, by: str = "c1", **changes: Any) -> GroupSession:
        data = parse_group(group_body(**changes), utcnow())
        return service.create_group(db_session, staff[by], data)

    return build
