"""Fixtures for referrals: deadlines, an officer, counsellors and a supervisor in scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wellbeing.org.models import User
from wellbeing.referrals.models import Referral
from wellbeing.referrals.service import Deadlines, Reason, open_or_join
from wellbeing.rules import Priority


@pytest.fixture
def deadlines() -> Deadlines:
    """The default claim deadlines."""
    return Deadlines()


@pytest.fixture
def staff(make_user: Callable[..., User]) -> dict[str, User]:
    """Station staff: two counsellors and a supervisor for ST1, a counsellor for ST2."""
    return {
        "c1": make_user("counsellor", unit="ST1", scope="ST1", username="c1"),
        "c2": make_user("counsellor", unit="ST1", scope="ST1", username="c2"),
        "sup": make_user("supervisor", unit="ST1", scope="ST1", username="sup"),
        "sup2": make_user("supervisor", unit="BUR", scope="BUR", username="sup2"),
        "other": make_user("counsellor", unit="ST2", scope="ST2", username="other"),
    }


@pytest.fixture
def refer(db_session: Any, deadlines: Deadlines) -> Callable[..., Referral]:
    """Open (or join) a referral for an officer."""

    def build(
        officer: User, priority: str = "routine", *, crisis: bool = False, reason: str = "rule"
    ) -> Referral:
        return open_or_join(
            db_session,
            officer,
            priority=Priority(priority),
            reasons=[Reason("rule", f"原因 {reason}", f"reason {reason}")],
            crisis=crisis,
            deadlines=deadlines,
        )

    return build


# --- faces (pages, API, break-glass): signed-in clients and a submission through the pipeline ---
