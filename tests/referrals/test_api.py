"""Referral API: queue, one referral (audited), claim (409), contacts, notes, close, reassign,
bad bodies (422, nothing written), and the officer's self-referral."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from wellbeing.audit.models import AuditEntry
from wellbeing.referrals.models import Referral, ReferralEvent, Status


def _audit(db_session: Any, action: str) -> list[AuditEntry]:
    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_queue_is_scoped_and_ordered(
    client: Any, make_user: Any, refer: Any, staff: Any, bearer: Any
) -> None:
    routine = refer(make_user("officer", unit="ST1-T1"), "routine")
    urgent = refer(make_user("officer", unit="ST1-T2"), "urgent", crisis=True)
    refer(make_user("officer", unit="ST2-T1"), "high")  # outside c1's scope
    body = client.get("/api/v1/referrals", headers=bearer("c1")).get_json()
    assert [row["id"] for row in body] == [urgent.id, routine.id]
    assert body[0]["priority"] == "urgent"
    assert body[0]["overdue"] is False
    assert "reasons" not in body[0]
    other = client.get("/api/v1/referrals", headers=bearer("other")).get_json()
    assert len(other) == 1


def test_queue_status_filter_and_bad_filter(
    client: Any, make_user: Any, refer: Any, staff: Any, bearer: Any
) -> None:
    refer(make_user("officer"), "routine")
    headers = bearer("c1")
    assert client.get("/api/v1/referrals?status=closed", headers=headers).get_json() == []
    assert len(client.get("/api/v1/referrals?status=open", headers=headers).get_json()) == 1
    bad = client.get("/api/v1/referrals?status=whatever", headers=headers)
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "status"


def test_detail_has_reasons_history_results_and_is_audited(
    client: Any, db_session: Any, make_user: Any, staff: Any, bearer: Any, submit_phq9: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1")
    earlier = submit_phq9(officer, [0] * 9)
    outcome = submit_phq9(officer, [1, 0, 0, 0, 0, 0, 0, 0, 1])
    referral_id = outcome.referral["id"]
    body = client.get(f"/api/v1/referrals/{referral_id}", headers=bearer("c1")).get_json()
    assert body["priority"] == "urgent"
    assert body["officer"]["username"] == officer.username
    assert body["reasons"][0]["text"]
    assert [h["kind"] for h in body["history"]] == ["opened"]
    [shown] = body["submissions"]
    assert shown["id"] == outcome.submission.id
    item9 = next(i for i in shown["items"] if i["id"] == "q9")
    assert item9["value"] == 1
    assert item9["label"]
    # the earlier screening raised no referral: counsellors never see it (DESIGN.md)
    assert [p["id"] for p in body["trend"]] == [outcome.submission.id]
    assert earlier.submission.id not in str(body)
    viewed = _audit(db_session, "referral.viewed")
    assert [(e.actor_name, e.target_id) for e in viewed] == [("c1", referral_id)]
    seen = {e.target_id: e.detail_json for e in _audit(db_session, "submission.viewed")}
    assert set(seen) == {outcome.submission.id}
    assert '"via":"referral"' in seen[outcome.submission.id]


def test_claim_twice_gives_409_naming_the_holder(
    client: Any, make_user: Any, refer: Any, staff: Any, bearer: Any
) -> None:
    referral = refer(make_user("officer"), "high")
    first = client.post(f"/api/v1/referrals/{referral.id}/claim", headers=bearer("c1"))
    assert first.status_code == 200
    assert first.get_json()["claimed_by"] == "c1"
    second = client.post(f"/api/v1/referrals/{referral.id}/claim", headers=bearer("c2"))
    assert second.status_code == 409
    error = second.get_json()["error"]
    assert error["code"] == "already_claimed"
    assert staff["c1"].display_name in error["message"]


def test_contact_note_close_by_the_holder(
    client: Any, db_session: Any, make_user: Any, refer: Any, staff: Any, bearer: Any
) -> None:
    referral = refer(make_user("officer"), "high")
    headers = bearer("c1")
    base = f"/api/v1/referrals/{referral.id}"
    assert client.post(f"{base}/claim", headers=headers).status_code == 200
    contact = client.post(f"{base}/contacts", headers=headers, json={"reached": True, "note": "ok"})
    assert contact.get_json()["status"] == "contacted"
    assert client.post(f"{base}/notes", headers=headers, json={"note": "n"}).status_code == 200
    closed = client.post(
        f"{base}/close", headers=headers, json={"outcome": "support_provided", "note": "done"}
    )
    assert closed.status_code == 200
    assert closed.get_json()["status"] == Status.CLOSED.value
    again = client.post(f"{base}/close", headers=headers, json={"outcome": "declined", "note": "x"})
    assert again.status_code == 409


def test_an_urgent_referral_closes_only_after_a_risk_assessment(
    client: Any, db_session: Any, make_user: Any, refer: Any, staff: Any, bearer: Any
) -> None:
    referral = refer(make_user("officer"), "urgent", crisis=True)
    headers = bearer("c1")
    base = f"/api/v1/referrals/{referral.id}"
    client.post(f"{base}/claim", headers=headers)
    client.post(f"{base}/contacts", headers=headers, json={"reached": True, "note": "ok"})
    body = {"outcome": "support_provided", "note": "done"}
    refused = client.post(f"{base}/close", headers=headers, json=body)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "risk_assessment_required"
    db_session.expire_all()
    assert referral.status == Status.CONTACTED.value  # nothing written
    assessment = {"level": "moderate", "factors": [], "actions": ["safety_plan_made"]}
    recorded = client.post(f"{base}/risk-assessment", headers=headers, json=assessment)
    assert recorded.status_code == 201
    closed = client.post(f"{base}/close", headers=headers, json=body)
    assert closed.status_code == 200
    assert closed.get_json()["status"] == Status.CLOSED.value


def test_another_counsellor_in_scope_may_read_but_not_work(
    client: Any, make_user: Any, refer: Any, staff: Any, bearer: Any
) -> None:
    referral = refer(make_user("officer"), "high")
    client.post(f"/api/v1/referrals/{referral.id}/claim", headers=bearer("c1"))
    c2 = bearer("c2")
    assert (
        client.get(f"/api/v1/referrals/{referral.id}", headers=c2).get_json()["may_work"] is False
    )
    refused = client.post(
        f"/api/v1/referrals/{referral.id}/contacts", headers=c2, json={"reached": False, "note": ""}
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "not_holder"
    supervisor = client.post(
        f"/api/v1/referrals/{referral.id}/notes", headers=bearer("sup"), json={"note": "seen"}
    )
    assert supervisor.status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("contacts", {"note": "x"}, "reached"),
        ("contacts", {"reached": "yes", "note": "x"}, "reached"),
        ("contacts", {"reached": True, "note": 5}, "note"),
        ("notes", {"note": "  "}, "note"),
        ("close", {"outcome": "fixed", "note": "x"}, "outcome"),
        ("close", {"outcome": "declined"}, "note"),
        ("close", {"outcome": "declined", "note": "x" * 5001}, "note"),
        ("reassign", {"counsellor": "other"}, "counsellor"),
        ("reassign", {}, "counsellor"),
    ],
)
def test_bad_bodies_are_422_naming_the_field_and_write_nothing(
    client: Any,
    db_session: Any,
    make_user: Any,
    refer: Any,
    staff: Any,
    bearer: Any,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    referral = refer(make_user("officer"), "high")
    client.post(f"/api/v1/referrals/{referral.id}/claim", headers=bearer("c1"))
    events_before = db_session.scalar(select(func.count()).select_from(ReferralEvent))
    who = "sup" if path == "reassign" else "c1"
    response = client.post(
        f"/api/v1/referrals/{referral.id}/{path}", headers=bearer(who), json=body
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert db_session.scalar(select(func.count()).select_from(ReferralEvent)) == events_before
    db_session.refresh(referral)
    assert referral.status == Status.CLAIMED.value


def test_reassign_to_a_counsellor_covering_the_unit(
    client: Any, db_session: Any, make_user: Any, refer: Any, staff: Any, bearer: Any
) -> None:
    referral = refer(make_user("officer"), "high")
    response = client.post(
        f"/api/v1/referrals/{referral.id}/reassign",
        headers=bearer("sup"),
        json={"counsellor": "c2"},
    )
    assert response.status_code == 200
    assert response.get_json()["claimed_by"] == "c2"
    assert response.get_json()["status"] == "claimed"


def test_self_referral_opens_then_joins_a_routine_referral(
    client: Any, db_session: Any, make_user: Any, staff: Any, bearer: Any
) -> None:
    officer = make_user("officer")
    headers = bearer(officer.username)
    first = client.post("/api/v1/me/self-referral", headers=headers, json={"message": "请联系我"})
    assert first.status_code == 201
    second = client.post("/api/v1/me/self-referral", headers=headers)
    assert second.status_code == 201
    assert first.get_json()["id"] == second.get_json()["id"]
    assert first.get_json()["contact_by"]
    referral = db_session.get(Referral, first.get_json()["id"])
    assert referral.priority == "routine"
    assert [r["source"] for r in referral.reasons] == ["self", "self"]
    assert referral.reasons[0]["message"] == "请联系我"
    bad = client.post("/api/v1/me/self-referral", headers=headers, json={"message": 3})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "message"
