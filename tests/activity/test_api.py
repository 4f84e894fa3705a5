"""GET /api/v1/reports/units/{code}/activity: the contract's shape, its errors, who may call it.

Contract (issue 16): ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (leader in scope) → 200 ``{"unit",
"from", "to", "cells": [{"measure", "value", "suppressed"}]}``, a suppressed cell ``null``, no
usernames, ids of people or notes anywhere in it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.activity.conftest import at
from wellbeing.activity.periods import Kind, Period
from wellbeing.activity.publish import publish_period
from wellbeing.audit.models import AuditEntry
from wellbeing.org.models import User
from wellbeing.referrals.models import Outcome

MARCH = "from=2026-03-01&to=2026-03-31"
CONTRACT_MEASURES = {
    "counselling_sessions",
    "people_counselled",
    "group_sessions",
    "group_attendance",
    "referrals_opened",
    "referrals_closed",
    "crisis_referrals",
    "articles_read",
}


@pytest.fixture
def released(app: Any, db_session: Any, activity: Any, officers: Any, org: Any) -> list[User]:
    """March 2026 released at the app's k (10): eleven officers counselled in ST1-T1, one in
    ST1-T2, and a group session for ST1 that the eleven attended."""
    k = app.extensions["wellbeing.settings"].report_min_cell
    team = officers("ST1-T1", 11)
    lone = officers("ST1-T2", 1)[0]
    for officer in [*team, lone]:
        activity.counselled(officer, at(2026, 3, 5))
        activity.referral(officer, at(2026, 3, 6), closed=at(2026, 3, 9), outcome=Outcome.DECLINED)
    activity.group(org["ST1"].id, at(2026, 3, 12), present=team)
    publish_period(db_session, Period(date(2026, 3, 1), Kind.MONTH), k)
    db_session.flush()
    return [*team, lone]


@pytest.fixture
def leader(make_user: Callable[..., User], bearer: Any) -> dict[str, str]:
    make_user("leader", unit="ST1", scope="ST1", username="act-lead")
    return bearer("act-lead")


def cells(body: dict[str, Any]) -> dict[str, Any]:
    return {cell["measure"]: cell["value"] for cell in body["cells"]}


def test_the_contract_shape_for_a_leader_in_scope(client, released, leader) -> None:
    response = client.get(f"/api/v1/reports/units/ST1/activity?{MARCH}", headers=leader)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"unit", "from", "to", "cells"}
    assert (body["unit"], body["from"], body["to"]) == ("ST1", "2026-03-01", "2026-03-31")
    assert {cell["measure"] for cell in body["cells"]} >= CONTRACT_MEASURES
    for cell in body["cells"]:
        assert set(cell) == {"measure", "value", "suppressed"}
        assert cell["suppressed"] is (cell["value"] is None)
    values = cells(body)
    assert values["group_sessions"] == 1
    assert values["group_attendance"] == 11
    assert values["crisis_referrals"] == 0


def test_a_unit_of_one_is_suppressed_and_its_parent_does_not_give_it_away(
    client, released, leader
) -> None:
    lone = cells(
        client.get(f"/api/v1/reports/units/ST1-T2/activity?{MARCH}", headers=leader).get_json()
    )
    team = cells(
        client.get(f"/api/v1/reports/units/ST1-T1/activity?{MARCH}", headers=leader).get_json()
    )
    station = cells(
        client.get(f"/api/v1/reports/units/ST1/activity?{MARCH}", headers=leader).get_json()
    )
    assert lone["counselling_sessions"] is None
    assert lone["referrals_opened"] is None
    # ST1 = ST1-T1 + ST1-T2 (nobody is attached to ST1 itself): one of the two must be hidden
    for measure in ("counselling_sessions", "referrals_opened", "referrals_closed"):
        assert station[measure] is None or team[measure] is None
    # all seven referrals closed "declined": the station's breakdown would say so of each
    assert station["referrals_closed_declined"] is None


def test_no_person_appears_in_the_answer(client, released, leader) -> None:
    text = client.get(f"/api/v1/reports/units/ST1/activity?{MARCH}", headers=leader).get_data(
        as_text=True
    )
    for officer in released:
        assert officer.username not in text
        assert f'"{officer.id}"' not in text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "from"),
        ("from=2026-03-01", "to"),
        ("from=2026-3-1&to=2026-03-31", "from"),
        ("from=2026-03-01&to=31.03.2026", "to"),
        ("from=2026-03-31&to=2026-03-01", "to"),
        ("from=2026-03-02&to=2026-03-31", "from"),  # not a whole month
        ("from=2026-01-01&to=2026-02-28", "from"),  # two months: no such period
    ],
)
def test_bad_periods_are_a_422_naming_the_parameter(client, released, leader, query, field) -> None:
    response = client.get(f"/api/v1/reports/units/ST1/activity?{query}", headers=leader)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid", field)


def test_a_period_not_released_is_a_409(client, released, leader) -> None:
    response = client.get(
        "/api/v1/reports/units/ST1/activity?from=2026-04-01&to=2026-04-30", headers=leader
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "not_released"
    chinese = client.get(
        "/api/v1/reports/units/ST1/activity?from=2026-04-01&to=2026-04-30&lang=zh_CN",
        headers=leader,
    )
    assert "尚未" in chinese.get_json()["error"]["message"]


def test_units_outside_the_scope_are_404_and_other_roles_403(
    client, released, make_user, bearer
) -> None:
    make_user("leader", unit="ST2", scope="ST2", username="act-lead2")
    make_user("counsellor", unit="ST1", scope="ST1", username="act-c")
    make_user("officer", unit="ST1-T1", username="act-o")
    make_user("supervisor", unit="ST1", scope="ST1", username="act-sup")
    path = f"/api/v1/reports/units/ST1/activity?{MARCH}"
    assert client.get(path, headers=bearer("act-lead2")).status_code == 404
    assert client.get(path, headers=bearer("act-c")).status_code == 403
    assert client.get(path, headers=bearer("act-o")).status_code == 403
    assert client.get(path, headers=bearer("act-sup")).status_code == 200
    assert client.get(path).status_code == 401


def test_downloads_through_the_api_are_audited(client, db_session, released, leader) -> None:
    pdf = client.get(f"/api/v1/reports/units/ST1/activity.pdf?{MARCH}", headers=leader)
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    csv = client.get(f"/api/v1/reports/units/ST1/activity.csv?{MARCH}", headers=leader)
    assert csv.status_code == 200
    assert csv.data.startswith("\ufeff".encode())
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "activity.downloaded")
    ).all()
    assert sorted(entry.detail["format"] for entry in entries) == ["csv", "pdf"]
    assert {entry.detail["period"] for entry in entries} == {"2026-03"}


def test_a_unit_added_after_the_release_has_no_figures_for_the_period(
    client, db_session, released, leader
) -> None:
    from wellbeing.org import service as org_service

    org_service.add_unit(db_session, "ST1-T9", "新组建队", "New team", "ST1")
    db_session.flush()
    response = client.get(f"/api/v1/reports/units/ST1-T9/activity?{MARCH}", headers=leader)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
