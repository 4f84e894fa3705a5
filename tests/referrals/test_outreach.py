"""Outreach after a critical incident (issue 17 point 5): one task per officer named, its own
kind in the counsellors' queue with the referral clocks, declined by the officer in one tap,
and seen by command only as counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from wellbeing.core.clock import utcnow
from wellbeing.groups.models import GroupSession
from wellbeing.notify.models import OutboxMessage
from wellbeing.org.models import Unit
from wellbeing.referrals import outreach, reading, service
from wellbeing.referrals.counts import referral_counts
from wellbeing.referrals.errors import WrongState
from wellbeing.referrals.escalation import escalate_due
from wellbeing.referrals.models import Kind, Referral, Status
from wellbeing.referrals.service import Deadlines
from wellbeing.screening import campaigns
from wellbeing.screening.models import Assignment
from wellbeing.screening.overview import list_incidents


@pytest.fixture
def catalogue(app: Any) -> Any:
    """The questionnaires in force."""
    return app.extensions["wellbeing.policy"].catalogue


@pytest.fixture
def involved(make_user: Any) -> list[Any]:
    """Twelve officers of ST1's teams."""
    return [make_user("officer", unit=f"ST1-T{1 + i % 2}") for i in range(12)]


@pytest.fixture
def incident(
    db_session: Any, catalogue: Any, involved: list[Any], staff: Any, frozen_clock: Any
) -> Any:
    """An incident recorded now with the twelve officers, under the default clocks."""
    return campaigns.create_incident(
        db_session,
        catalogue,
        occurred_on=date(2026, 11, 26),
        description="处置突发事件",
        unit_code="ST1",
        officers=[o.username for o in involved],
        deadlines=Deadlines(),
    )


def _tasks(db_session: Any, incident: Any) -> list[Referral]:
    query = select(Referral).where(Referral.incident_id == incident.id).order_by(Referral.id)
    return list(db_session.scalars(query))


def _assignments(db_session: Any, incident: Any) -> list[tuple[int, int]]:
    query = (
        select(Assignment.officer_id, Assignment.follow_up_day)
        .where(Assignment.incident_id == incident.id)
        .order_by(Assignment.officer_id, Assignment.follow_up_day)
    )
    return [tuple(row) for row in db_session.execute(query)]


def test_an_incident_with_twelve_officers_opens_twelve_outreach_tasks(
    db_session: Any, incident: Any, involved: list[Any], staff: Any
) -> None:
    tasks = _tasks(db_session, incident)
    assert sorted(t.officer_id for t in tasks) == sorted(o.id for o in involved)
    assert {t.kind for t in tasks} == {Kind.OUTREACH.value}
    assert {t.status for t in tasks} == {Status.OPEN.value}
    assert {t.claim_deadline - t.opened_at for t in tasks} == {timedelta(hours=24)}
    # each counsellor in scope hears once per incident, not twelve times
    told = db_session.scalars(
        select(OutboxMessage.recipient_user_id).where(OutboxMessage.kind == "outreach.waiting")
    ).all()
    assert sorted(told) == sorted([staff["c1"].id, staff["c2"].id])
    # the follow-up screenings are scheduled as before: days 3, 30 and 90 for each
    assert len(_assignments(db_session, incident)) == 12 * 3


def test_outreach_never_joins_or_blocks_a_screening_referral(
    db_session: Any, incident: Any, involved: list[Any], refer: Any
) -> None:
    officer = involved[0]
    assert service.open_referral_for(db_session, officer) is None
    referral = refer(officer, "urgent", crisis=True)
    assert referral.kind == Kind.REFERRAL.value
    assert referral.incident_id is None
    assert service.open_referral_for(db_session, officer) is referral


def test_outreach_tasks_show_in_the_queue_as_their_own_kind_with_the_referral_clocks(
    db_session: Any, incident: Any, staff: Any, frozen_clock: Any
) -> None:
    rows = reading.queue(db_session, staff["c1"], reading.ACTIVE)
    summaries = [reading.summary(r, "zh", frozen_clock.now) for r in rows]
    assert {s["kind"] for s in summaries} == {"outreach"}
    assert {s["clock"] for s in summaries} == {"claim"}
    frozen_clock.advance(hours=12)
    assert escalate_due(db_session) == 12  # half the claim period: supervisors hear
    task = _tasks(db_session, incident)[0]
    service.claim(db_session, task, staff["c1"])
    assert task.contact_deadline == frozen_clock.now + timedelta(hours=48)
    frozen_clock.advance(hours=48)
    escalate_due(db_session)
    escalate_due(db_session)
    assert task.contact_breached


def test_a_decline_stops_that_officers_task_and_keeps_the_screenings(
    db_session: Any, incident: Any, involved: list[Any], frozen_clock: Any
) -> None:
    before = _assignments(db_session, incident)
    officer = involved[3]
    (task,) = outreach.outreach_for(db_session, officer)
    outreach.decline_outreach(db_session, task, officer)
    assert task.status == Status.CLOSED.value
    assert task.outcome == "declined"
    assert [e.kind for e in task.events][-1] == "declined_by_officer"
    assert outreach.outreach_for(db_session, officer) == []
    frozen_clock.advance(days=5)
    for _ in range(6):
        escalate_due(db_session)
    assert task.escalation_level == 0  # no clock runs on a declined task
    assert _assignments(db_session, incident) == before
    others = [t for t in _tasks(db_session, incident) if t.id != task.id]
    assert {t.status for t in others} == {Status.OPEN.value}


def test_nobody_declines_someone_elses_outreach(
    db_session: Any, incident: Any, involved: list[Any]
) -> None:
    (task,) = outreach.outreach_for(db_session, involved[0])
    with pytest.raises(WrongState):
        outreach.decline_outreach(db_session, task, involved[1])
    assert task.status == Status.OPEN.value


def test_command_sees_counts_only(
    db_session: Any, incident: Any, involved: list[Any], staff: Any
) -> None:
    tasks = _tasks(db_session, incident)
    for task in tasks[:5]:
        service.claim(db_session, task, staff["c1"])
        service.record_contact(db_session, task, staff["c1"], reached=True, note="还好")
    outreach.decline_outreach(db_session, tasks[6], tasks[6].officer)
    counts = outreach.outreach_counts(db_session, incident.id)
    assert (counts.involved, counts.reached) == (12, 5)
    (row,) = list_incidents(db_session, Unit.code == "ST1")
    assert (row.officers, row.reached) == (12, 5)


def test_outreach_is_not_counted_as_referrals_in_the_activity_report(
    db_session: Any, incident: Any, frozen_clock: Any
) -> None:
    counts = referral_counts(
        db_session, frozen_clock.now - timedelta(days=1), frozen_clock.now + timedelta(days=1)
    )
    assert sum(c.opened for c in counts.values()) == 0
    total = db_session.scalar(select(func.count(Referral.id)))
    assert total == 12


def test_the_officer_declines_in_one_tap_on_the_home_page(
    client: Any, login: Any, csrf: Any, db_session: Any, incident: Any, involved: list[Any]
) -> None:
    officer = involved[0]
    login(client, officer.username)
    page = client.get("/?lang=en").get_data(as_text=True)
    (task,) = outreach.outreach_for(db_session, officer)
    assert f'data-outreach="{task.id}"' in page
    assert "No thanks, please don" in page
    token = csrf(client, "/")
    answer = client.post(f"/outreach/{task.id}/decline", data={"csrf_token": token})
    assert answer.status_code == 302
    db_session.expire_all()
    assert task.status == Status.CLOSED.value
    assert 'data-outreach="' not in client.get("/?lang=en").get_data(as_text=True)
    other = outreach.outreach_for(db_session, involved[1])[0]
    refused = client.post(f"/outreach/{other.id}/decline", data={"csrf_token": token})
    assert refused.status_code == 404
    db_session.expire_all()
    assert other.status == Status.OPEN.value


def test_the_officer_declines_through_the_api(
    client: Any, bearer: Any, db_session: Any, incident: Any, involved: list[Any], staff: Any
) -> None:
    officer = involved[0]
    headers = bearer(officer.username)
    listed = client.get("/api/v1/me/outreach", headers=headers)
    assert listed.status_code == 200
    (entry,) = listed.get_json()
    other = outreach.outreach_for(db_session, involved[1])[0]
    refused = client.post(f"/api/v1/me/outreach/{other.id}/decline", headers=headers)
    assert refused.status_code == 404
    answer = client.post(f"/api/v1/me/outreach/{entry['id']}/decline", headers=headers)
    assert answer.status_code == 200
    assert answer.get_json() == {"id": entry["id"], "status": "closed", "outcome": "declined"}
    assert client.get("/api/v1/me/outreach", headers=headers).get_json() == []
    assert (
        client.post(f"/api/v1/me/outreach/{entry['id']}/decline", headers=headers).status_code
        == 404
    )
    staff_headers = bearer(staff["c1"].username)
    assert client.get("/api/v1/me/outreach", headers=staff_headers).status_code == 403


def _group(db_session: Any, unit: str, starts_in: timedelta, by: Any, incident: Any = None) -> Any:
    group = GroupSession(
        title_zh="事件后团体减压",
        title_en="Defusing after the incident",
        topic="stress",
        starts_at=utcnow() + starts_in,
        place="三楼活动室",
        capacity=12,
        unit_id=db_session.scalars(select(Unit.id).where(Unit.code == unit)).one(),
        incident_id=incident.id if incident else None,
        created_by=by.id,
    )
    db_session.add(group)
    db_session.flush()
    return group


def test_the_holder_invites_the_officer_to_a_group_session_the_officer_may_join(
    app: Any,
    login: Any,
    csrf: Any,
    db_session: Any,
    incident: Any,
    involved: list[Any],
    staff: Any,
    frozen_clock: Any,
) -> None:
    officer = involved[0]
    (task,) = outreach.outreach_for(db_session, officer)
    service.claim(db_session, task, staff["c1"])
    linked = _group(db_session, "ST1", timedelta(days=2), staff["c1"], incident)
    elsewhere = _group(db_session, "ST2", timedelta(days=2), staff["c1"])
    started = _group(db_session, "ST1", -timedelta(hours=1), staff["c1"])
    holder, colleague = app.test_client(), app.test_client()
    login(holder, "c1")
    login(colleague, "c2")
    page_url = f"/referrals/{task.id}"
    page = holder.get(page_url).get_data(as_text=True)
    assert 'id="invite-group-form"' in page
    assert linked.id in page
    assert elsewhere.id not in page  # not open to the officer's unit
    assert started.id not in page
    assert 'id="invite-group-form"' not in colleague.get(page_url).get_data(as_text=True)
    token = csrf(holder, page_url)
    refused = holder.post(
        f"{page_url}/invite-group", data={"csrf_token": token, "group_id": elsewhere.id}
    )
    assert refused.status_code == 302
    invite = {"csrf_token": token, "group_id": linked.id}
    assert holder.post(f"{page_url}/invite-group", data=invite).status_code == 302
    assert holder.post(f"{page_url}/invite-group", data=invite).status_code == 302  # again
    notices = db_session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == "group.invited",
            OutboxMessage.recipient_user_id == officer.id,
        )
    ).all()
    assert [n.params for n in notices] == [{"starts_on": linked.starts_at.date().isoformat()}]
    db_session.expire_all()
    assert [e.kind for e in task.events].count("invited_to_group") == 2
    other_token = csrf(colleague, page_url)
    as_colleague = colleague.post(
        f"{page_url}/invite-group", data={"csrf_token": other_token, "group_id": linked.id}
    )
    assert as_colleague.status_code == 403  # another counsellor may read, not act
