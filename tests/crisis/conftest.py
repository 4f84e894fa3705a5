"""Fixtures for crisis work: station staff around ST1 and ST2, a leader, an admin, officers, and
referrals opened and held through the referral service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wellbeing.org.models import User
from wellbeing.referrals import service as referrals
from wellbeing.referrals.models import Referral
from wellbeing.rules import Priority

PLAN: dict[str, list[str]] = {
    "warning_signs": ["连续几天睡不着", "不想见人"],
    "coping": ["散步半小时"],
    "distractions": ["去父母家吃饭"],
    "people": ["老王 13800000000"],
    "professionals": ["服务站值班电话"],
    "safe_environment": ["配枪交回枪库"],
}


@pytest.fixture
def plan() -> dict[str, list[str]]:
    """A safety plan written with an officer (a fresh copy each test)."""
    return {key: list(items) for key, items in PLAN.items()}


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    """Counsellors c1, c2 (ST1) and other (ST2), a supervisor, a leader, an admin, officers."""
    return {
        "c1": make_user("counsellor", unit="ST1", scope="ST1", username="c1"),
        "c2": make_user("counsellor", unit="ST1", scope="ST1", username="c2"),
        "sup": make_user("supervisor", unit="ST1", scope="ST1", username="sup"),
        "other": make_user("counsellor", unit="ST2", scope="ST2", username="other"),
        "lead": make_user("leader", unit="ST1", scope="ST1", username="lead"),
        "adm": make_user("admin", unit="BUR", username="adm"),
        "o1": make_user("officer", unit="ST1-T1", username="o1"),
        "o2": make_user("officer", unit="ST1-T2", username="o2", locale="en"),
    }


@pytest.fixture
def held(db_session: Any, people: dict[str, User]) -> Callable[..., Referral]:
    """held(officer="o1", priority="urgent", by="c1"): a referral claimed by a counsellor."""

    def build(officer: str = "o1", priority: str = "urgent", by: str = "c1") -> Referral:
        referral = referrals.open_or_join(
            db_session,
            people[officer],
            priority=Priority(priority),
            reasons=[referrals.Reason("rule", "原因", "reason")],
            crisis=priority == "urgent",
            deadlines=referrals.Deadlines(),
        )
        referrals.claim(db_session, referral, people[by])
        db_session.flush()
        return referral

    return build
