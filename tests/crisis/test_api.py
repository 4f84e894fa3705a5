"""Crisis API: risk assessments (201 shape, 422 with nothing written, who may), safety plans on a
referral and under /me (both versions, officer edits seen by the counsellor), role refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from wellbeing.audit.models import AuditEntry
from wellbeing.crisis.models import SafetyPlan
from wellbeing.referrals.models import RiskAssessment

Bearer = Callable[[str], dict[str, str]]
ASSESSMENT = {
    "level": "high",
    "factors": ["suicidal_thoughts", "firearm_access"],
    "actions": ["stayed_with_officer", "family_informed"],
    "note": "同意今晚由家人陪同",
}
SECTIONS = (
    "warning_signs",
    "coping",
    "distractions",
    "people",
    "professionals",
    "safe_environment",
)


def _count(db_session: Any, model: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)))


def test_the_holder_records_a_risk_assessment(
    client: Any, db_session: Any, people: Any, held: Any, bearer: Bearer
) -> None:
    referral = held()
    url = f"/api/v1/referrals/{referral.id}/risk-assessment"
    response = client.post(url, json=ASSESSMENT, headers=bearer("c1"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "at", "level", "factors", "actions", "note"}
    assert body["level"] == "high"
    assert body["factors"] == ASSESSMENT["factors"]
    assert body["actions"] == ASSESSMENT["actions"]
    assert body["note"] == ASSESSMENT["note"]
    [row] = db_session.scalars(select(RiskAssessment))
    assert (row.id, row.referral_id, row.author_id) == (body["id"], referral.id, people["c1"].id)
    [entry] = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "referral.risk_assessed")
    )
    assert entry.target_id == referral.id
    assert "high" not in (entry.detail_json or "")


def test_a_supervisor_in_scope_may_record_one_and_note_is_optional(
    client: Any, held: Any, people: Any, bearer: Bearer
) -> None:
    referral = held(priority="routine")
    body = {"level": "low", "factors": [], "actions": ["follow_up_booked"]}
    response = client.post(
        f"/api/v1/referrals/{referral.id}/risk-assessment", json=body, headers=bearer("sup")
    )
    assert response.status_code == 201
    assert response.get_json()["note"] == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"level": "severe"}, "level"),
        ({"level": None}, "level"),
        ({"actions": []}, "actions"),
        ({"actions": ["  "]}, "actions"),
        ({"actions": "stayed_with_officer"}, "actions"),
        ({"factors": None}, "factors"),
        ({"factors": [3]}, "factors"),
        ({"factors": ["x" * 201]}, "factors"),
        ({"actions": [f"a{i}" for i in range(21)]}, "actions"),
        ({"note": 5}, "note"),
        ({"note": "x" * 5001}, "note"),
    ],
)
def test_a_bad_assessment_is_422_naming_the_field_and_writes_nothing(
    client: Any, db_session: Any, held: Any, bearer: Bearer, change: dict[str, Any], field: str
) -> None:
    referral = held()
    response = client.post(
        f"/api/v1/referrals/{referral.id}/risk-assessment",
        json={**ASSESSMENT, **change},
        headers=bearer("c1"),
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert _count(db_session, RiskAssessment) == 0


def test_who_is_refused_on_referral_routes(
    client: Any, db_session: Any, held: Any, people: Any, bearer: Bearer, plan: Any
) -> None:
    referral = held()
    routes = [
        ("post", f"/api/v1/referrals/{referral.id}/risk-assessment", ASSESSMENT),
        ("put", f"/api/v1/referrals/{referral.id}/safety-plan", plan),
        ("get", f"/api/v1/referrals/{referral.id}/safety-plan", None),
    ]
    for method, url, body in routes:
        for name in ("lead", "adm", "o1", "o2"):
            answer = getattr(client, method)(url, json=body, headers=bearer(name))
            assert answer.status_code == 403, (name, url)
        # out of scope: the referral does not exist for them
        other = getattr(client, method)(url, json=body, headers=bearer("other"))
        assert other.status_code == 404, url
        assert other.get_json()["error"]["code"] == "not_found"
    for method, url, body in routes[:2]:
        # in sight, but held by another counsellor: read-only
        answer = getattr(client, method)(url, json=body, headers=bearer("c2"))
        assert answer.status_code == 403
        assert answer.get_json()["error"]["code"] == "not_holder"
    assert client.get(routes[2][1], headers=bearer("c2")).status_code == 200
    assert _count(db_session, RiskAssessment) == 0
    assert _count(db_session, SafetyPlan) == 0


def test_nobody_reaches_their_own_referral(
    client: Any, make_user: Any, held: Any, people: Any, bearer: Bearer
) -> None:
    counsellor_officer = make_user(
        "counsellor", unit="ST1-T1", scope="ST1", username="both", extra_roles=("officer",)
    )
    people["both"] = counsellor_officer
    referral = held(officer="both", by="c1")
    url = f"/api/v1/referrals/{referral.id}/risk-assessment"
    assert client.post(url, json=ASSESSMENT, headers=bearer("both")).status_code == 404


def test_staff_are_refused_on_the_officer_plan(
    client: Any, people: Any, bearer: Bearer, plan: Any
) -> None:
    for name in ("c1", "sup", "lead", "adm"):
        assert client.get("/api/v1/me/safety-plan", headers=bearer(name)).status_code == 403
        answer = client.put("/api/v1/me/safety-plan", json=plan, headers=bearer(name))
        assert answer.status_code == 403
    assert client.get("/api/v1/me/safety-plan").status_code == 401


def test_an_officer_with_no_plan_gets_empty_lists(client: Any, people: Any, bearer: Bearer) -> None:
    body = client.get("/api/v1/me/safety-plan", headers=bearer("o1")).get_json()
    assert {key: body[key] for key in SECTIONS} == {key: [] for key in SECTIONS}
    assert body["counsellor"] is None
    assert body["updated_at"] is None


def test_the_plan_round_trip_counsellor_officer_counsellor(
    client: Any, db_session: Any, held: Any, people: Any, bearer: Bearer, plan: Any
) -> None:
    referral = held()
    url = f"/api/v1/referrals/{referral.id}/safety-plan"
    written = client.put(url, json=plan, headers=bearer("c1"))
    assert written.status_code == 200, written.get_json()
    assert written.get_json()["counsellor"] == plan
    assert {key: written.get_json()[key] for key in SECTIONS} == plan

    mine = client.get("/api/v1/me/safety-plan", headers=bearer("o1")).get_json()
    assert {key: mine[key] for key in SECTIONS} == plan
    assert mine["counsellor"] == plan
    # the other officer sees nothing of it
    theirs = client.get("/api/v1/me/safety-plan", headers=bearer("o2")).get_json()
    assert theirs["counsellor"] is None
    assert theirs["warning_signs"] == []

    edited = {**plan, "coping": ["散步半小时", "  听音乐 ", ""]}
    answer = client.put("/api/v1/me/safety-plan", json=edited, headers=bearer("o1"))
    assert answer.status_code == 200
    assert answer.get_json()["coping"] == ["散步半小时", "听音乐"]
    assert answer.get_json()["counsellor"]["coping"] == ["散步半小时"]

    # the counsellor (and a colleague in scope) sees the officer's edits beside their own text
    for name in ("c1", "c2", "sup"):
        seen = client.get(url, headers=bearer(name)).get_json()
        assert seen["coping"] == ["散步半小时", "听音乐"]
        assert seen["counsellor"]["coping"] == ["散步半小时"]
    assert client.get(url, headers=bearer("other")).status_code == 404

    # the officer's own copy is kept when the counsellor writes again
    again = {**plan, "people": ["老王 13800000000", "妻子"]}
    after = client.put(url, json=again, headers=bearer("c1")).get_json()
    assert after["counsellor"]["people"] == ["老王 13800000000", "妻子"]
    assert after["coping"] == ["散步半小时", "听音乐"]
    assert after["people"] == ["老王 13800000000"]
    viewed = db_session.scalars(
        select(AuditEntry.actor_name).where(AuditEntry.action == "safety_plan.viewed")
    )
    assert sorted(viewed) == ["c1", "c2", "sup"]


def test_an_unedited_copy_follows_the_counsellor(
    client: Any, held: Any, people: Any, bearer: Bearer, plan: Any
) -> None:
    referral = held()
    url = f"/api/v1/referrals/{referral.id}/safety-plan"
    client.put(url, json=plan, headers=bearer("c1"))
    again = {**plan, "coping": ["深呼吸"]}
    client.put(url, json=again, headers=bearer("c1"))
    mine = client.get("/api/v1/me/safety-plan", headers=bearer("o1")).get_json()
    assert mine["coping"] == ["深呼吸"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"warning_signs": ["a"], "hobbies": ["b"], "pets": []}, "hobbies, pets"),
        ({"coping": "散步"}, "coping"),
        ({"coping": [1]}, "coping"),
        ({"people": ["x" * 501]}, "people"),
        ({"distractions": [f"d{i}" for i in range(21)]}, "distractions"),
    ],
)
def test_a_bad_plan_is_422_naming_the_field_and_writes_nothing(
    client: Any,
    db_session: Any,
    held: Any,
    people: Any,
    bearer: Bearer,
    body: dict[str, Any],
    field: str,
) -> None:
    referral = held()
    for url, name in [
        (f"/api/v1/referrals/{referral.id}/safety-plan", "c1"),
        ("/api/v1/me/safety-plan", "o1"),
    ]:
        response = client.put(url, json=body, headers=bearer(name))
        assert response.status_code == 422, (url, response.get_json())
        assert response.get_json()["error"]["field"] == field
    assert _count(db_session, SafetyPlan) == 0


def test_an_empty_counsellor_plan_is_refused(
    client: Any, held: Any, bearer: Bearer, db_session: Any
) -> None:
    referral = held()
    url = f"/api/v1/referrals/{referral.id}/safety-plan"
    response = client.put(url, json={"coping": ["  "]}, headers=bearer("c1"))
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "plan"
    assert _count(db_session, SafetyPlan) == 0


def test_a_closed_referral_takes_no_plan_nor_assessment(
    client: Any, db_session: Any, held: Any, bearer: Bearer, plan: Any
) -> None:
    from wellbeing.referrals.models import Status

    referral = held(priority="routine")
    referral.status = Status.CLOSED.value
    db_session.flush()
    put = client.put(
        f"/api/v1/referrals/{referral.id}/safety-plan", json=plan, headers=bearer("c1")
    )
    assert put.status_code == 409
    assert put.get_json()["error"]["code"] == "wrong_state"
    post = client.post(
        f"/api/v1/referrals/{referral.id}/risk-assessment", json=ASSESSMENT, headers=bearer("c1")
    )
    assert post.status_code == 409


def test_bad_json_is_refused(client: Any, held: Any, bearer: Bearer) -> None:
    referral = held()
    url = f"/api/v1/referrals/{referral.id}/risk-assessment"
    assert client.post(url, data="x", headers=bearer("c1")).status_code == 415
    assert client.put("/api/v1/me/safety-plan", json=[1], headers=bearer("o1")).status_code == 400
