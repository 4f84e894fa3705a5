"""Incident pages: choose a unit, tick its officers, follow-ups scheduled; supervisors in scope."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.admin.helpers import post_form
from wellbeing.audit.models import AuditEntry
from wellbeing.org.models import User
from wellbeing.screening.models import Assignment, AssignmentStatus, Incident


def _record(client: FlaskClient, unit: str, **changes: Any) -> Any:
    data = {
        "unit": unit,
        "occurred": "2026-12-10",
        "description": "处置突发事件",
        "officers": ["off-a", "off-b"],
        **changes,
    }
    return post_form(client, f"/admin/incidents/new?unit={unit}", "/admin/incidents", data)


def test_incident_form_lists_the_units_officers_and_the_standard_schedule(
    admin_client: FlaskClient, station_officers: list[User]
) -> None:
    chooser = admin_client.get("/admin/incidents/new").get_data(as_text=True)
    assert 'id="unit-form"' in chooser
    assert 'id="incident-form"' not in chooser
    page = admin_client.get("/admin/incidents/new?unit=ST1").get_data(as_text=True)
    assert 'value="off-a"' in page
    assert 'value="off-c"' in page  # ST1-T2 lies under ST1
    assert 'value="off-d"' not in page  # ST2
    assert 'value="3:pcptsd5+phq9,30:pcl5+phq9,90:pcl5+phq9"' in page
    assert "Day 30:" in page


def test_recording_an_incident_schedules_follow_ups(
    admin_client: FlaskClient, db_session: Session, station_officers: list[User]
) -> None:
    response = _record(admin_client, "ST1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/incidents"
    incident = db_session.scalars(select(Incident)).one()
    assert incident.occurred_on == date(2026, 12, 10)
    rows = db_session.scalars(select(Assignment).where(Assignment.incident_id == incident.id))
    plan = sorted((a.officer.username, a.follow_up_day, a.opens_at.date()) for a in rows)
    assert plan == [
        ("off-a", 3, date(2026, 12, 13)),
        ("off-a", 30, date(2027, 1, 9)),
        ("off-a", 90, date(2027, 3, 10)),
        ("off-b", 3, date(2026, 12, 13)),
        ("off-b", 30, date(2027, 1, 9)),
        ("off-b", 90, date(2027, 3, 10)),
    ]
    all_scheduled = db_session.scalars(select(Assignment.status)).all()
    assert set(all_scheduled) == {AssignmentStatus.SCHEDULED.value}
    entry = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "incident.created")
    ).one()
    assert entry.detail == {"unit": "ST1", "officers": 2}
    listing = admin_client.get("/admin/incidents").get_data(as_text=True)
    assert "处置突发事件" in listing
    assert 'data-count="officers">2<' in listing
    assert "off-a" not in listing


def test_a_custom_schedule_is_used(
    admin_client: FlaskClient, db_session: Session, station_officers: list[User]
) -> None:
    assert _record(admin_client, "ST1", schedule="7:phq9+gad7").status_code == 302
    days = set(db_session.scalars(select(Assignment.follow_up_day)))
    assert days == {7}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"officers": []}, "Choose at least one officer involved."),
        ({"occurred": "yesterday"}, "Enter the date of the incident."),
        ({"description": "  "}, "Describe the incident briefly (1 to 500 characters)."),
        ({"schedule": "x:phq9"}, "The follow-up x:phq9 is not understood"),
        ({"schedule": "3:nope"}, "These questionnaires are not offered to officers: nope."),
        ({"officers": ["off-d"]}, "Choose officers from the list."),
    ],
)
def test_refused_incidents_come_back_as_entered(
    admin_client: FlaskClient,
    db_session: Session,
    station_officers: list[User],
    changes: dict[str, Any],
    message: str,
) -> None:
    response = _record(admin_client, "ST1", **{"description": "Kept text", **changes})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert message in page
    assert 'id="incident-form"' in page
    if "description" not in changes:
        assert "Kept text</textarea>" in page
    if "officers" not in changes:
        assert 'value="off-a" checked' in page
    assert db_session.scalars(select(Incident)).first() is None
    assert db_session.scalars(select(Assignment)).first() is None


def test_supervisor_records_incidents_only_in_scope(
    client: FlaskClient,
    make_user: Any,
    login: Any,
    db_session: Session,
    station_officers: list[User],
) -> None:
    supervisor = make_user("supervisor", unit="ST1", scope="ST1", locale="en")
    login(client, supervisor.username)
    chooser = client.get("/admin/incidents/new").get_data(as_text=True)
    assert '<option value="ST1-T1"' in chooser
    assert '<option value="ST2"' not in chooser
    assert client.get("/admin/incidents/new?unit=ST2").status_code == 403
    outside = _record(client, "ST1", officers=["off-d"])  # named from outside the unit
    assert outside.status_code == 400
    token_page = client.get("/admin/incidents/new?unit=ST1").get_data(as_text=True)
    token = token_page.split('name="csrf_token" value="')[1].split('"')[0]
    refused = client.post(
        "/admin/incidents",
        data={
            "csrf_token": token,
            "unit": "ST2",
            "occurred": "2026-12-10",
            "description": "out of scope",
            "officers": ["off-d"],
        },
    )
    assert refused.status_code == 403
    assert db_session.scalars(select(Incident)).first() is None
    assert _record(client, "ST1-T1").status_code == 302
    assert client.get("/admin/incidents").status_code == 200
    assert client.get("/admin/campaigns").status_code == 403


def test_supervisor_sees_only_incidents_in_scope(
    admin_client: FlaskClient,
    client: FlaskClient,
    make_user: Any,
    login: Any,
    station_officers: list[User],
) -> None:
    _record(admin_client, "ST2", officers=["off-d"], description="west side")
    _record(admin_client, "ST1", description="east side")
    supervisor = make_user("supervisor", unit="ST1", scope="ST1")
    other = client.application.test_client()
    login(other, supervisor.username)
    page = other.get("/admin/incidents").get_data(as_text=True)
    assert "east side" in page
    assert "west side" not in page
