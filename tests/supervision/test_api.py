"""Supervision API: the review decision and the case-load figures — contract shapes, 422 naming
the field with nothing written, 404 out of scope, 409 not reviewable, 403 for every role but
the supervisor (leaders above all: the figures are per counsellor)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.supervision.conftest import NONE
from wellbeing.referrals.models import Status

ROUTES = [
    ("post", "/api/v1/referrals/{id}/review", {"decision": "signed_off", "comment": "好"}),
    ("get", "/api/v1/supervision/caseload", None),
]
SPREAD_KEYS = {"median_minutes", "p90_minutes", "n"}


@pytest.mark.parametrize("role", ["officer", "c1", "leader", "admin"])
@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_only_supervisors_are_admitted(
    db_session: Any, client: Any, bearer: Any, make_user: Any, staff: Any, closed_case: Any,
    role: str, method: str, path: str, body: Any,
) -> None:  # fmt: skip
    case = closed_case(make_user("officer", unit="ST1-T1", username="officer"), staff["c1"])
    call = getattr(client, method)
    answer = call(path.format(id=case.id), json=body, headers=bearer(role))
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"
    db_session.expire_all()
    assert case.reviewed_at is None


def test_sign_off_answers_200_with_the_referral_row(
    db_session: Any, client: Any, bearer: Any, make_user: Any, staff: Any, closed_case: Any
) -> None:
    case = closed_case(make_user("officer"), staff["c1"])
    answer = client.post(
        f"/api/v1/referrals/{case.id}/review",
        json={"decision": "signed_off", "comment": "记录完整"},
        headers=bearer("sup"),
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["id"], body["status"], body["claimed_by"]) == (case.id, "closed", "c1")
    db_session.expire_all()
    assert case.reviewed_at is not None
    assert case.events[-1].kind == "signed_off"
    again = client.post(
        f"/api/v1/referrals/{case.id}/review",
        json={"decision": "reopened", "comment": "再看看"},
        headers=bearer("sup"),
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "not_reviewable"


def test_reopen_sends_the_case_back(
    client: Any, bearer: Any, make_user: Any, staff: Any, closed_case: Any
) -> None:
    case = closed_case(make_user("officer"), staff["c1"], review=NONE)  # not chosen: still allowed
    answer = client.post(
        f"/api/v1/referrals/{case.id}/review",
        json={"decision": "reopened", "comment": "结案理由不足"},
        headers=bearer("sup"),
    )
    assert answer.status_code == 200
    assert answer.get_json()["status"] == Status.CONTACTED.value


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "approved", "comment": "x"}, "decision"),
        ({"comment": "x"}, "decision"),
        ({"decision": "signed_off", "comment": "  "}, "comment"),
        ({"decision": "reopened"}, "comment"),
        ({"decision": "reopened", "comment": 5}, "comment"),
        ({"decision": "signed_off", "comment": "x" * 5001}, "comment"),
    ],
)
def test_bad_bodies_name_the_field_and_write_nothing(
    db_session: Any,
    client: Any,
    bearer: Any,
    make_user: Any,
    staff: Any,
    closed_case: Any,
    body: Any,
    field: str,
) -> None:
    case = closed_case(make_user("officer"), staff["c1"])
    events = len(case.events)
    answer = client.post(f"/api/v1/referrals/{case.id}/review", json=body, headers=bearer("sup"))
    assert answer.status_code == 422
    error = answer.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid", field)
    assert field in error["message"]
    db_session.expire_all()
    assert len(case.events) == events
    assert case.reviewed_at is None


def test_out_of_scope_and_unknown_cases_do_not_exist(
    db_session: Any, client: Any, bearer: Any, make_user: Any, staff: Any, closed_case: Any
) -> None:
    case = closed_case(make_user("officer"), staff["c1"])
    body = {"decision": "signed_off", "comment": "好"}
    for who, path in [
        ("sup2", f"/api/v1/referrals/{case.id}/review"),
        ("sup", "/api/v1/referrals/no-such-case/review"),
    ]:
        answer = client.post(path, json=body, headers=bearer(who))
        assert answer.status_code == 404
    own = make_user("supervisor", unit="ST1-T1", scope="ST1", username="selfsup")
    mine = closed_case(own, staff["c1"])  # a supervisor's own referral is not theirs to review
    answer = client.post(
        f"/api/v1/referrals/{mine.id}/review", json=body, headers=bearer("selfsup")
    )
    assert answer.status_code == 404
    db_session.expire_all()
    assert case.reviewed_at is None
    assert mine.reviewed_at is None


def test_caseload_shape_and_no_officer_in_it(
    client: Any, bearer: Any, make_user: Any, staff: Any, closed_case: Any, frozen_clock: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1", username="officer-zhang")
    closed_case(officer, staff["c1"])
    answer = client.get(
        "/api/v1/supervision/caseload?from=2026-11-01&to=2026-11-27", headers=bearer("sup")
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert set(body) == {"from", "to", "counsellors"}
    assert (body["from"], body["to"]) == ("2026-11-01", "2026-11-27")
    assert [row["username"] for row in body["counsellors"]] == ["c1", "c2"]
    row = body["counsellors"][0]
    assert set(row) == {
        "username", "display_name", "open_caseload", "time_to_claim", "time_to_contact",
        "time_to_close", "clocks_breached_share", "reviews_pending",
    }  # fmt: skip
    for key in ("time_to_claim", "time_to_contact", "time_to_close"):
        assert set(row[key]) == SPREAD_KEYS
    assert row["time_to_close"]["n"] == 1
    assert row["reviews_pending"] == 1
    assert row["clocks_breached_share"] == 0.0
    text = json.dumps(body, ensure_ascii=False)
    assert officer.username not in text
    assert "officer" not in text


def test_caseload_defaults_to_the_last_30_days(client: Any, bearer: Any, staff: Any) -> None:
    # the clock is real here: only the span is checked
    body = client.get("/api/v1/supervision/caseload", headers=bearer("sup")).get_json()
    first, last = date.fromisoformat(body["from"]), date.fromisoformat(body["to"])
    assert (last - first).days == 29


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-02-30", "from"),
        ("from=yesterday", "from"),
        ("to=2026/11/27", "to"),
        ("from=2026-11-28&to=2026-11-27", "from"),
        ("from=2024-01-01&to=2026-11-27", "from"),
    ],
)
def test_bad_dates_are_422_naming_the_field(
    client: Any, bearer: Any, staff: Any, query: str, field: str
) -> None:
    answer = client.get(f"/api/v1/supervision/caseload?{query}", headers=bearer("sup"))
    assert answer.status_code == 422
    assert answer.get_json()["error"]["field"] == field


def test_messages_in_the_callers_language(client: Any, bearer: Any, staff: Any) -> None:
    headers = bearer("sup")
    english = client.get("/api/v1/supervision/caseload?from=x&lang=en", headers=headers)
    assert "must be a date" in english.get_json()["error"]["message"]


def test_nobody_reviews_a_case_they_held(
    db_session: Any, client: Any, bearer: Any, make_user: Any, staff: Any, closed_case: Any
) -> None:
    from wellbeing.core.clock import utcnow
    from wellbeing.supervision.reviews import review_list

    case = closed_case(make_user("officer", unit="ST1-T1"), staff["sup"])  # the supervisor held it
    second = make_user("supervisor", unit="BUR", scope="BUR", username="sup_bur")
    assert [item.referral.id for item in review_list(db_session, staff["sup"], utcnow())] == []
    assert [item.referral.id for item in review_list(db_session, second, utcnow())] == [case.id]
    body = {"decision": "signed_off", "comment": "我自己办的"}
    own = client.post(f"/api/v1/referrals/{case.id}/review", json=body, headers=bearer("sup"))
    assert own.status_code == 403
    assert own.get_json()["error"]["code"] == "own_case"
    db_session.expire_all()
    assert case.reviewed_at is None
    other = client.post(f"/api/v1/referrals/{case.id}/review", json=body, headers=bearer("sup_bur"))
    assert other.status_code == 200
