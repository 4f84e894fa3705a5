"""The group-session service: seats, the waiting list in order, promotion on withdrawal (told
through the outbox, neutral text), attendance, scope checks, and audit entries with ids only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from wellbeing.audit.models import AuditEntry
from wellbeing.core.clock import utcnow
from wellbeing.groups import service
from wellbeing.groups.errors import (
    AlreadySignedUp,
    GroupError,
    NotAttendable,
    NotSignedUp,
    SessionStarted,
)
from wellbeing.groups.input import parse_group
from wellbeing.groups.models import GroupSignup
from wellbeing.notify.models import OutboxMessage
from wellbeing.screening.models import Incident


def test_seats_then_waiting_list_in_order(make_group: Any, make_user: Any, db_session: Any) -> None:
    group = make_group(capacity=2)
    officers = [make_user("officer", unit="ST1-T2") for _ in range(4)]
    statuses = [service.sign_up(db_session, group, officer).status for officer in officers]
    assert statuses == ["signed_up", "signed_up", "waiting", "waiting"]
    assert service.seat_counts(db_session, [group])[group.id] == {"signed_up": 2, "waiting": 2}
    assert [s.position for s, _u in service.signups(db_session, group)] == [1, 2, 3, 4]
    with pytest.raises(AlreadySignedUp):
        service.sign_up(db_session, group, officers[0])


def test_withdrawing_a_seat_promotes_the_first_waiting_and_tells_them(
    make_group: Any, make_user: Any, db_session: Any
) -> None:
    group = make_group(capacity=1)
    first, second, third = (make_user("officer", unit="ST1-T1") for _ in range(3))
    for officer in (first, second, third):
        service.sign_up(db_session, group, officer)
    assert service.withdraw(db_session, group, first) == 1
    status = {u.id: s.status for s, u in service.signups(db_session, group)}
    assert status == {second.id: "signed_up", third.id: "waiting"}
    [message] = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "group.seat_offered")
    ).all()
    assert message.recipient_user_id == second.id
    assert message.params == {"starts_on": group.starts_at.date().isoformat()}
    # a waiting officer leaving frees no seat
    assert service.withdraw(db_session, group, third) == 0
    with pytest.raises(NotSignedUp):
        service.withdraw(db_session, group, third)


def test_started_sessions_take_no_sign_ups(
    make_group: Any, make_user: Any, db_session: Any, frozen_clock: Any
) -> None:
    frozen_clock.now = utcnow()
    group = make_group()
    officer = make_user("officer")
    service.sign_up(db_session, group, officer)
    frozen_clock.advance(days=2)
    with pytest.raises(SessionStarted):
        service.sign_up(db_session, group, make_user("officer"))
    with pytest.raises(SessionStarted):
        service.withdraw(db_session, group, officer)


def test_officers_see_sessions_of_their_units_only(
    make_group: Any, make_user: Any, db_session: Any
) -> None:
    soon, later = (utcnow() + timedelta(hours=hours) for hours in (2, 30))
    station = make_group(unit="ST1", starts_at=later.isoformat())
    team = make_group(unit="ST1-T2", starts_at=soon.isoformat())
    now = utcnow()
    for unit, expected in [("ST1-T2", [team, station]), ("ST1-T1", [station]), ("ST2-T1", [])]:
        officer = make_user("officer", unit=unit)
        assert service.upcoming_for_officer(db_session, officer, now) == expected


def test_counsellors_create_only_in_their_scope(
    make_group: Any, staff: Any, db_session: Any, group_body: Any
) -> None:
    with pytest.raises(GroupError) as refused:
        make_group(unit="ST2")
    assert refused.value.field == "unit"
    assert make_group(unit="ST2", by="adm").unit.code == "ST2"
    assert make_group(unit="ST2-T1", by="other").unit.code == "ST2-T1"


def test_a_debriefing_follows_an_incident_in_scope(
    make_group: Any, org: Any, staff: Any, db_session: Any
) -> None:
    here = Incident(occurred_on=utcnow().date(), description="x", unit_id=org["ST1-T1"].id)
    there = Incident(occurred_on=utcnow().date(), description="x", unit_id=org["ST2"].id)
    db_session.add_all([here, there])
    db_session.flush()
    group = make_group(unit="ST1", topic="debriefing", incident=here.id)
    assert group.incident_id == here.id
    with pytest.raises(GroupError) as refused:
        make_group(unit="ST1", incident=there.id)
    assert refused.value.field == "incident"


def test_attendance_lists_signed_up_people_and_replaces_the_last_record(
    make_group: Any, make_user: Any, staff: Any, db_session: Any
) -> None:
    group = make_group()
    a, b = make_user("officer"), make_user("officer")
    for officer in (a, b):
        service.sign_up(db_session, group, officer)
    assert service.record_attendance(db_session, group, staff["c1"], [a.username, b.username]) == 2
    assert service.record_attendance(db_session, group, staff["c1"], [a.username]) == 1
    assert service.attendee_ids(db_session, group) == {a.id}
    with pytest.raises(NotAttendable):
        service.record_attendance(db_session, group, staff["c1"], ["nobody"])
    assert service.attendee_ids(db_session, group) == {a.id}


def test_audit_entries_hold_ids_and_no_names(
    make_group: Any, make_user: Any, staff: Any, db_session: Any
) -> None:
    group = make_group(capacity=1)
    first, second = make_user("officer"), make_user("officer")
    service.sign_up(db_session, group, first)
    service.sign_up(db_session, group, second)
    service.withdraw(db_session, group, first)
    service.record_attendance(db_session, group, staff["c1"], [second.username])
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.target_id == group.id).order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == [
        "group.created",
        "group.signed_up",
        "group.signed_up",
        "group.withdrew",
        "group.attendance_recorded",
    ]
    text = repr([(e.detail_json, e.target_id) for e in entries])
    for person in (first, second):
        assert person.username not in text
        assert person.display_name not in text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": {"zh-CN": "", "en": "x"}}, "title"),
        ({"title": "just one"}, "title"),
        ({"starts_at": "2000-01-01T00:00:00+00:00"}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"topic": "gossip"}, "topic"),
        ({"place": " "}, "place"),
        ({"incident": "one"}, "incident"),
        ({"incident": 2**40}, "incident"),
        ({"starts_at": "9999-12-31T23:00:00-05:00"}, "starts_at"),
    ],
)
def test_bad_input_names_the_field(group_body: Any, changes: Any, field: str) -> None:
    with pytest.raises(GroupError) as refused:
        parse_group(group_body(**changes), utcnow())
    assert refused.value.field == field


def test_no_signup_row_remains_after_withdrawal(
    make_group: Any, make_user: Any, db_session: Any
) -> None:
    group = make_group()
    officer = make_user("officer")
    service.sign_up(db_session, group, officer)
    service.withdraw(db_session, group, officer)
    assert db_session.scalars(select(GroupSignup)).all() == []
