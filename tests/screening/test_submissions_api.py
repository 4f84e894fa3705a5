"""POST /api/v1/submissions: scoring, idempotency, 409, 422 with nothing stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from wellbeing.audit.models import AuditEntry
from wellbeing.referrals.models import Referral, ReferralSubmission
from wellbeing.screening.models import Submission


def _count(db_session: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Submission)))


def test_submission_is_scored_and_stored(
    officer: Any, token_for: Any, post_submission: Any, phq9_answers: Any, db_session: Any
) -> None:
    # Kroenke, Spitzer & Williams 2001 (J Gen Intern Med 16:606): total 0-27, 10-14 = moderate.
    response = post_submission(token_for(officer), "phq9", phq9_answers(2, 2, 1, 1, 1, 1, 1, 1, 0))
    assert response.status_code == 201
    body = response.get_json()
    assert body["result"] == {
        "instrument": "phq9",
        "version": "1.0",
        "complete": True,
        "total": 10,
        "band": "moderate",
        "subscales": {},
        "flags": [],
        "missing": [],
    }
    assert body["crisis"] is False
    stored = db_session.get(Submission, body["id"])
    assert stored.officer_id == officer.id
    assert stored.instrument_version == "1.0"
    assert len(stored.definition_hash) == 64
    assert stored.opened()["answers"]["q1"] == 2


def test_item9_raises_crisis_even_with_a_low_total(
    officer: Any, token_for: Any, post_submission: Any, phq9_answers: Any
) -> None:
    response = post_submission(token_for(officer), "phq9", phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    body = response.get_json()
    assert response.status_code == 201
    assert body["result"]["total"] == 1
    assert body["result"]["flags"] == ["suicidal_ideation"]
    assert body["crisis"] is True


def test_retry_with_same_key_returns_the_original(
    officer: Any, token_for: Any, post_submission: Any, phq9_answers: Any, db_session: Any
) -> None:
    headers, answers = token_for(officer), phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1)
    first = post_submission(headers, "phq9", answers, key="retry-key-0001")
    again = post_submission(headers, "phq9", answers, key="retry-key-0001")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert _count(db_session) == 1


def test_same_key_with_other_answers_is_409(
    officer: Any, token_for: Any, post_submission: Any, phq9_answers: Any, db_session: Any
) -> None:
    headers = token_for(officer)
    post_submission(headers, "phq9", phq9_answers(1, 1, 1, 1, 1, 1, 1, 1, 1), key="conflict-key-1")
    clash = post_submission(
        headers, "phq9", phq9_answers(3, 1, 1, 1, 1, 1, 1, 1, 1), key="conflict-key-1"
    )
    assert clash.status_code == 409
    assert clash.get_json()["error"]["code"] == "idempotency_conflict"
    assert _count(db_session) == 1


def test_invalid_answers_are_422_naming_each_item_and_store_nothing(
    officer: Any, token_for: Any, post_submission: Any, db_session: Any
) -> None:
    answers = {
        "q1": 7,
        "q2": 1,
        "q3": 1,
        "q4": 1,
        "q5": 1,
        "q6": 1,
        "q7": 1,
        "q8": 1,
        "q9": 0,
        "q99": 1,
    }
    response = post_submission(token_for(officer), "phq9", answers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_answers"
    items = {problem["item"]: problem for problem in error["items"]}
    assert set(items) == {"q1", "q99"}
    assert items["q1"]["allowed"] == [0, 1, 2, 3]
    assert "q1" in items["q1"]["message"]
    assert _count(db_session) == 0


def test_incomplete_phq9_is_stored_without_total_but_keeps_the_flag(
    officer: Any, token_for: Any, post_submission: Any
) -> None:
    response = post_submission(token_for(officer), "phq9", {"q1": 1, "q9": 2})
    body = response.get_json()
    assert response.status_code == 201
    assert body["result"]["complete"] is False
    assert body["result"]["total"] is None
    assert body["result"]["band"] is None
    assert body["result"]["flags"] == ["suicidal_ideation"]
    assert body["crisis"] is True


def test_licensed_instrument_without_texts_is_not_offered(
    officer: Any, token_for: Any, post_submission: Any, client: Any
) -> None:
    headers = token_for(officer)
    assert post_submission(headers, "scl90", {"q1": 1}).status_code == 404
    listed = {i["id"] for i in client.get("/api/v1/instruments", headers=headers).get_json()}
    assert "phq9" in listed
    assert "scl90" not in listed
    assert client.get("/api/v1/instruments/scl90", headers=headers).status_code == 404


def test_instrument_detail_in_both_languages(officer: Any, token_for: Any, client: Any) -> None:
    headers = token_for(officer)
    zh = client.get("/api/v1/instruments/gad7", headers=headers).get_json()
    en = client.get("/api/v1/instruments/gad7?lang=en", headers=headers).get_json()
    assert [item["id"] for item in zh["items"]] == [f"q{i}" for i in range(1, 8)]
    assert [o["value"] for o in zh["items"][0]["options"]] == [0, 1, 2, 3]
    assert zh["items"][0]["text"] != en["items"][0]["text"]
    assert en["title"].startswith("Generalized Anxiety") or "GAD-7" in en["title"]


def test_consent_is_required(
    make_user: Any, token_for: Any, post_submission: Any, phq9_answers: Any
) -> None:
    newcomer = make_user("officer")
    response = post_submission(token_for(newcomer), "phq9", phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 0))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "consent_required"


def test_consent_is_told_before_what_is_wrong_with_the_answers_or_instrument(
    make_user: Any, token_for: Any, post_submission: Any, phq9_answers: Any
) -> None:
    """Scoring runs before the consent check (outside the write lock) but speaks after it."""
    newcomer = make_user("officer")
    token = token_for(newcomer)
    bad_answers = {**phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 0), "q1": 9}
    for instrument, answers in [("phq9", bad_answers), ("scl90", {}), ("nope", {})]:
        response = post_submission(token, instrument, answers)
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "consent_required"


def test_bad_fields_are_422(officer: Any, token_for: Any, client: Any) -> None:
    headers = token_for(officer)
    for body, field in [
        ({"answers": {}, "idempotency_key": "abcdefgh"}, "instrument"),
        ({"instrument": "phq9", "answers": [], "idempotency_key": "abcdefgh"}, "answers"),
        ({"instrument": "phq9", "answers": {}, "idempotency_key": "short"}, "idempotency_key"),
        (
            {
                "instrument": "phq9",
                "answers": {},
                "idempotency_key": "abcdefgh",
                "assignment_id": "1",
            },
            "assignment_id",
        ),
    ]:
        response = client.post("/api/v1/submissions", json=body, headers=headers)
        assert response.status_code == 422
        assert response.get_json()["error"]["field"] == field


def test_other_roles_cannot_submit_or_read_own_data_routes(
    make_user: Any, token_for: Any, client: Any
) -> None:
    leader = make_user("leader", unit="ST1", scope="ST1")
    headers = token_for(leader)
    for path in (
        "/api/v1/me/assignments",
        "/api/v1/me/submissions",
        "/api/v1/me/export",
        "/api/v1/instruments",
    ):
        assert client.get(path, headers=headers).status_code == 403
    assert client.post("/api/v1/submissions", json={}, headers=headers).status_code == 403


def test_own_submissions_and_export(
    officer: Any,
    make_user: Any,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    client: Any,
    db_session: Any,
) -> None:
    from wellbeing.screening.consent import give_consent

    other = make_user("officer")
    give_consent(db_session, other)
    headers, other_headers = token_for(officer), token_for(other)
    post_submission(headers, "phq9", phq9_answers(0, 1, 0, 1, 0, 1, 0, 1, 0))
    post_submission(other_headers, "gad7", {f"q{i}": 1 for i in range(1, 8)})
    mine = client.get("/api/v1/me/submissions", headers=headers).get_json()
    assert [s["instrument"] for s in mine] == ["phq9"]
    assert "answers" not in mine[0]
    export = client.get("/api/v1/me/export", headers=headers).get_json()
    assert export["officer"]["username"] == officer.username
    assert export["submissions"][0]["answers"]["q2"] == 1
    assert len(export["consents"]) == 1


def test_joining_a_more_urgent_referral_is_told_and_replayed_as_written_once(
    officer: Any,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    staff_for_station: Any,
) -> None:
    """A later submission joins the open urgent referral: it is told that referral (urgent, not
    its own lower priority), the payload is sealed and written once (no UPDATE of it), and a
    retry says the same."""
    headers = token_for(officer)
    first = post_submission(headers, "phq9", phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 1))
    opened = first.get_json()["referral"]
    assert opened["priority"] == "urgent"
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        answers = phq9_answers(2, 2, 2, 2, 2, 2, 2, 1, 0)  # total 15, item 9 unanswered 0
        joined = post_submission(headers, "phq9", answers, key="join-key-0001")
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert joined.status_code == 201
    assert joined.get_json()["referral"] == opened
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE SUBMISSIONS")]
    again = post_submission(headers, "phq9", answers, key="join-key-0001")
    assert again.status_code == 200
    assert again.get_json() == joined.get_json()


def test_a_retry_of_a_submission_that_opened_a_referral_replays_it(
    officer: Any,
    token_for: Any,
    post_submission: Any,
    phq9_answers: Any,
    staff_for_station: Any,
    db_session: Any,
) -> None:
    """The submission's row goes with the referral's among the last writes: the retry's
    duplicate key is refused there, the whole attempt rolled back and the original replayed —
    one submission, one referral, one link, one audit entry of each."""
    headers, answers = token_for(officer), phq9_answers(0, 0, 0, 0, 0, 0, 0, 0, 1)
    first = post_submission(headers, "phq9", answers, key="open-key-0001")
    again = post_submission(headers, "phq9", answers, key="open-key-0001")
    assert first.status_code == 201
    assert first.get_json()["referral"]["priority"] == "urgent"
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert _count(db_session) == 1
    referral_id = first.get_json()["referral"]["id"]
    assert db_session.scalar(select(func.count()).select_from(Referral)) == 1
    links = select(ReferralSubmission.submission_id).where(
        ReferralSubmission.referral_id == referral_id
    )
    assert list(db_session.scalars(links)) == [first.get_json()["id"]]
    actions = select(AuditEntry.action, func.count()).group_by(AuditEntry.action)
    counts = dict(db_session.execute(actions.where(AuditEntry.actor_id == officer.id)).all())
    assert counts["screening.submitted"] == 1
