"""Fixtures for the on-call roster: station staff around ST1 and ST2, a roster helper, policies
in several time zones, and an urgent referral opened through the referral service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from wellbeing.notify.models import OutboxMessage
from wellbeing.oncall.hours import parse_office_hours
from wellbeing.oncall.input import ChangeSpec, EntrySpec
from wellbeing.oncall.policy import OnCallPolicy
from wellbeing.oncall.service import replace_roster
from wellbeing.org.models import Unit, User
from wellbeing.org.service import find_unit
from wellbeing.referrals.models import Referral
from wellbeing.referrals.service import Deadlines, Reason, open_or_join
from wellbeing.rules import Priority

SHANGHAI = ZoneInfo("Asia/Shanghai")


def policy_in(zone: str = "Asia/Shanghai", office: str = "Mon-Fri 08:30-17:30") -> OnCallPolicy:
    """A policy in a time zone with office hours (escalation after 30 minutes)."""
    return OnCallPolicy(ZoneInfo(zone), parse_office_hours(office), timedelta(minutes=30))


def local(zone: str, *args: int) -> datetime:
    """A wall time in a zone (year, month, day, hour, minute) as an aware datetime."""
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    """ST1: counsellors c1, c2, supervisor sup, a counsellor-supervisor both; BUR: supervisor
    sup2; ST2: counsellor other and supervisor sup3; leader, admin, officers."""
    return {
        "c1": make_user("counsellor", unit="ST1", scope="ST1", username="c1"),
        "c2": make_user("counsellor", unit="ST1", scope="ST1", username="c2"),
        "sup": make_user("supervisor", unit="ST1", scope="ST1", username="sup"),
        "both": make_user(
            "counsellor", unit="ST1", scope="ST1", username="both",
            extra_roles=("supervisor:ST1",),
        ),
        "sup2": make_user("supervisor", unit="BUR", scope="BUR", username="sup2"),
        "other": make_user("counsellor", unit="ST2", scope="ST2", username="other"),
        "sup3": make_user("supervisor", unit="ST2", scope="ST2", username="sup3"),
        "lead": make_user("leader", unit="ST1", scope="ST1", username="lead"),
        "adm": make_user("admin", unit="BUR", username="adm"),
        "o1": make_user("officer", unit="ST1-T1", username="o1"),
    }  # fmt: skip


@pytest.fixture
def unit(db_session: Session, org: dict[str, Any]) -> Callable[[str], Unit]:
    """unit("ST1") → the Unit."""

    def get(code: str) -> Unit:
        found = find_unit(db_session, code)
        assert found is not None
        return found

    return get


@pytest.fixture
def set_roster(
    db_session: Session, people: dict[str, User], unit: Callable[[str], Unit]
) -> Callable[..., Unit]:
    """set_roster("ST1", entries=[("c1", 5, "22:00", "08:00")], changes=[("c2", a, b)])."""

    def build(
        code: str = "ST1",
        entries: list[tuple[str, int, str, str]] | None = None,
        changes: list[tuple[str, datetime, datetime]] | None = None,
    ) -> Unit:
        station = unit(code)
        specs = [
            EntrySpec(name, day, _minutes(start), _minutes(end))
            for name, day, start, end in entries or []
        ]
        moves = [ChangeSpec(name, a, b) for name, a, b in changes or []]
        replace_roster(db_session, people["sup2"], station, specs, moves)
        return station

    return build


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@pytest.fixture
def urgent(db_session: Session, people: dict[str, User]) -> Callable[..., Referral]:
    """urgent(officer=o1, priority="urgent"): a referral opened through the referral service."""

    def build(officer: User | None = None, priority: str = "urgent") -> Referral:
        return open_or_join(
            db_session,
            officer or people["o1"],
            priority=Priority(priority),
            reasons=[Reason("rule", "原因", "reason")],
            crisis=False,
            deadlines=Deadlines(),
        )

    return build


@pytest.fixture
def outbox(db_session: Session) -> Callable[..., list[tuple[str, str]]]:
    """outbox("referral.on_call", ...) → [(kind, "user:<username>" | "station:<code>")]."""

    def read(*kinds: str) -> list[tuple[str, str]]:
        rows = db_session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.in_(kinds)).order_by(OutboxMessage.id)
        )
        found = []
        for message in rows:
            if message.channel:
                found.append((message.kind, message.channel))
            else:
                user = db_session.get(User, message.recipient_user_id)
                assert user is not None
                found.append((message.kind, f"user:{user.username}"))
        return found

    return read
