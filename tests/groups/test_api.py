"""The group-session API as the contract in issue 16 states it: routes, shapes, statuses; who
may see what (403 by role, 404 outside the target units or scope); bad bodies write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from wellbeing.groups.models import GroupAttendance, GroupSession, GroupSignup


def test_create_returns_the_session_with_no_sign_ups(
    client: Any, staff: Any, bearer: Any, group_body: Any
) -> None:
    response = client.post("/api/v1/groups", json=group_body(), headers=bearer("c1"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["capacity"] == 3
    assert body["signed_up"] == 0
    assert body["waiting"] == 0
    assert body["unit"] == "ST1"
    assert body["title"] == {"zh-CN": "减压团体辅导", "en": "Stress group"}
    assert set(body) >= {"id", "starts_at", "place", "topic", "description", "incident"}


def test_admins_create_anywhere_counsellors_only_in_scope(
    client: Any, db_session: Any, staff: Any, bearer: Any, group_body: Any
) -> None:
    assert (
        client.post(
            "/api/v1/groups", json=group_body(unit="ST2"), headers=bearer("adm")
        ).status_code
        == 201
    )
    refused = client.post("/api/v1/groups", json=group_body(unit="ST2"), headers=bearer("c1"))
    assert refused.status_code == 422
    assert refused.get_json()["error"]["field"] == "unit"
    assert (
        client.post("/api/v1/groups", json=group_body(), headers=bearer("lead")).status_code == 403
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"capacity": -1}, "capacity"),
        ({"starts_at": "2001-01-01T00:00:00Z"}, "starts_at"),
        ({"title": {"zh-CN": "只有中文"}}, "title"),
        ({"unit": "NOPE"}, "unit"),
        ({"incident": 999999}, "incident"),
    ],
)
def test_bad_bodies_name_the_field_and_write_nothing(
    client: Any, db_session: Any, staff: Any, bearer: Any, group_body: Any, changes: Any, field: str
) -> None:
    response = client.post("/api/v1/groups", json=group_body(**changes), headers=bearer("c1"))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert db_session.scalar(select(func.count()).select_from(GroupSession)) == 0


def test_officer_lists_signs_up_is_waitlisted_and_withdraws(
    client: Any, make_group: Any, make_user: Any, bearer: Any
) -> None:
    group = make_group(capacity=1)
    make_group(unit="ST2", by="other")  # not for ST1 officers
    first = make_user("officer", unit="ST1-T1", username="first")
    make_user("officer", unit="ST1-T2", username="second")
    listed = client.get("/api/v1/groups", headers=bearer("first")).get_json()
    assert [row["id"] for row in listed] == [group.id]
    assert listed[0]["my_status"] is None
    url = f"/api/v1/groups/{group.id}/signup"
    taken = client.post(url, headers=bearer("first"))
    assert taken.status_code == 201
    assert taken.get_json()["status"] == "signed_up"
    assert client.post(url, headers=bearer("first")).status_code == 409
    waiting = client.post(url, headers=bearer("second"))
    assert waiting.status_code == 201
    assert waiting.get_json()["status"] == "waiting"
    assert client.delete(url, headers=bearer("first")).status_code == 204
    assert client.delete(url, headers=bearer("first")).status_code == 404
    mine = client.get(f"/api/v1/groups/{group.id}", headers=bearer("second")).get_json()
    assert mine["my_status"] == "signed_up"
    assert mine["signed_up"] == 1
    assert first.username not in str(mine)


def test_officers_outside_the_target_units_get_404(
    client: Any, make_group: Any, make_user: Any, bearer: Any
) -> None:
    group = make_group(unit="ST1-T2")
    make_user("officer", unit="ST1-T1", username="beside")
    headers = bearer("beside")
    assert client.get(f"/api/v1/groups/{group.id}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/groups/{group.id}/signup", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/groups/{group.id}/signup", headers=headers).status_code == 404
    assert client.get("/api/v1/groups/nope", headers=headers).status_code == 404


def test_only_the_sessions_counsellors_see_who_signed_up(
    client: Any, make_group: Any, make_user: Any, bearer: Any
) -> None:
    group = make_group(by="adm")  # created by an admin, for ST1
    officer = make_user("officer", username="o1")
    client.post(f"/api/v1/groups/{group.id}/signup", headers=bearer("o1"))
    url = f"/api/v1/groups/{group.id}/signups"
    for who in ("c1", "sup"):
        rows = client.get(url, headers=bearer(who)).get_json()
        assert [(r["username"], r["status"], r["present"]) for r in rows] == [
            ("o1", "signed_up", False)
        ]
    assert client.get(url, headers=bearer("other")).status_code == 404
    for who in ("lead", "adm", "o1"):
        assert client.get(url, headers=bearer(who)).status_code == 403
    # the admin who created it sees the session and its counts, never the names
    seen = client.get(f"/api/v1/groups/{group.id}", headers=bearer("adm")).get_json()
    assert seen["signed_up"] == 1
    assert officer.username not in str(seen)
    assert officer.display_name not in str(client.get("/api/v1/groups", headers=bearer("adm")).data)


def test_attendance_only_by_the_sessions_counsellor(
    client: Any, db_session: Any, make_group: Any, make_user: Any, bearer: Any
) -> None:
    group = make_group()
    make_user("officer", username="o1")
    make_user("officer", username="o2")
    for who in ("o1", "o2"):
        client.post(f"/api/v1/groups/{group.id}/signup", headers=bearer(who))
    url = f"/api/v1/groups/{group.id}/attendance"
    done = client.post(url, json={"present": ["o1"]}, headers=bearer("c1"))
    assert done.status_code == 200
    assert done.get_json() == {"id": group.id, "present": 1}
    assert client.post(url, json={"present": ["o2"]}, headers=bearer("other")).status_code == 404
    for who in ("lead", "adm", "o1"):
        assert client.post(url, json={"present": []}, headers=bearer(who)).status_code == 403
    bad = client.post(url, json={"present": ["o1", "stranger"]}, headers=bearer("sup"))
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "present"
    assert client.post(url, json={"present": "o1"}, headers=bearer("c1")).status_code == 422
    rows = db_session.scalars(select(GroupAttendance.user_id)).all()
    assert len(rows) == 1  # the refused calls wrote nothing
    listed = client.get(f"/api/v1/groups/{group.id}/signups", headers=bearer("c1")).get_json()
    assert {r["username"]: r["present"] for r in listed} == {"o1": True, "o2": False}


def test_staff_list_their_scopes_sessions_leaders_are_refused(
    client: Any, make_group: Any, bearer: Any, db_session: Any
) -> None:
    mine = make_group()
    theirs = make_group(unit="ST2", by="other")
    assert [r["id"] for r in client.get("/api/v1/groups", headers=bearer("c1")).get_json()] == [
        mine.id
    ]
    everything = client.get("/api/v1/groups", headers=bearer("adm")).get_json()
    assert {r["id"] for r in everything} == {mine.id, theirs.id}
    assert client.get("/api/v1/groups", headers=bearer("lead")).status_code == 403
    assert db_session.scalar(select(func.count()).select_from(GroupSignup)) == 0
