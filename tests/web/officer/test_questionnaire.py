"""Questionnaire pages: paging, drafts resumed on another device, skip logic, assignments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.officer.helpers import Pages, checked, review_form
from wellbeing.core.clock import utcnow
from wellbeing.org.models import User
from wellbeing.screening.drafts import load_draft
from wellbeing.screening.models import Assignment, AssignmentStatus, Draft, Submission


def test_first_page_shows_instructions_time_frame_and_progress(pages: Pages) -> None:
    page = pages.get("/screenings/phq9")
    assert "第 1 / 2 页" in page
    assert '<progress id="progress" max="2" value="1">' in page
    assert "在过去两周里，您有多经常受到以下问题的困扰" in page
    assert "过去两周" in page
    assert page.count('type="radio" name="q1"') == 4
    assert 'name="q6"' not in page  # five items a page


def test_each_page_is_saved_to_a_sealed_draft_and_resumes_on_another_device(
    pages: Pages, app: Flask, officer: User, login: Any, db_session: Session
) -> None:
    response = pages.answer("phq9", 1, {"q1": 2, "q2": 1, "q3": 0, "q4": 3, "q5": 1})
    assert response.status_code == 302
    assert response.headers["Location"] == "/screenings/phq9?page=2"
    draft = db_session.scalars(select(Draft).where(Draft.officer_id == officer.id)).one()
    assert draft.answers == {"q1": 2, "q2": 1, "q3": 0, "q4": 3, "q5": 1}

    phone = app.test_client()  # another device
    login(phone, officer.username)
    resumed = Pages(phone).get("/screenings/phq9")
    assert "第 2 / 2 页" in resumed  # picks up at the first unanswered question
    first = Pages(phone).get("/screenings/phq9?page=1")
    assert checked(first, "q1", 2)
    assert checked(first, "q4", 3)


def test_back_saves_and_goes_to_the_previous_page(
    pages: Pages, officer: User, db_session: Session
) -> None:
    response = pages.answer("phq9", 2, {"q6": 1}, nav="back")
    assert response.headers["Location"] == "/screenings/phq9?page=1"
    assert load_draft(db_session, officer, "phq9", None)["q6"] == 1


def test_a_value_that_is_not_an_option_is_ignored(
    pages: Pages, officer: User, db_session: Session
) -> None:
    pages.answer("phq9", 1, {"q1": 2})
    pages.answer("phq9", 1, {"q1": 7, "q2": 1})
    assert load_draft(db_session, officer, "phq9", None) == {"q1": 2, "q2": 1}


def test_audit_skip_logic_drinks_never_skips_items_2_to_8(
    pages: Pages, officer: User, db_session: Session
) -> None:
    first = pages.get("/screenings/audit")
    assert 'name="q1"' in first
    assert 'name="q2"' not in first  # q2-q8 depend on q1: never on the same page
    response = pages.answer("audit", 1, {"q1": 0})
    assert response.headers["Location"] == "/screenings/audit?page=3"
    last = pages.get("/screenings/audit?page=3")
    assert "第 2 / 2 页" in last
    assert 'name="q9"' in last
    assert 'name="q10"' in last
    for item in ("q7", "q8"):
        assert f'name="{item}"' not in last
    assert pages.get("/screenings/audit?page=2").count('name="q2"') == 0  # passed over


def test_answers_to_items_skipped_later_are_not_sent(
    pages: Pages, officer: User, db_session: Session
) -> None:
    pages.answer("audit", 1, {"q1": 2})
    assert 'name="q2"' in pages.get("/screenings/audit?page=2")
    pages.answer("audit", 2, {"q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 0})
    pages.answer("audit", 1, {"q1": 0}, nav="review")  # changed mind: never drinks
    pages.answer("audit", 3, {"q9": 0, "q10": 0})
    review = pages.get("/screenings/audit/review")
    assert 'data-item="q2"' not in review
    response = pages.client.post("/screenings/audit/submit", data=review_form(pages, "audit"))
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = db_session.scalars(select(Submission).where(Submission.officer_id == officer.id)).one()
    assert stored.opened()["answers"] == {"q1": 0, "q9": 0, "q10": 0}


def _assignment(db_session: Session, owner: User, status: str = "pending") -> Assignment:
    now = utcnow()
    assignment = Assignment(
        officer_id=owner.id,
        unit_id=owner.unit_id,
        instruments=["phq9", "gad7"],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=6),
        status=status,
    )
    db_session.add(assignment)
    db_session.flush()
    return assignment


def test_an_assigned_questionnaire_opens_only_for_its_own_officer_while_open(
    pages: Pages, officer: User, make_user: Callable[..., User], db_session: Session
) -> None:
    own = _assignment(db_session, officer)
    other = _assignment(db_session, make_user("officer"))
    done = _assignment(db_session, officer, AssignmentStatus.SUBMITTED.value)
    client: FlaskClient = pages.client
    assert client.get(f"/screenings/phq9?assignment={own.id}").status_code == 200
    assert client.get(f"/screenings/phq9?assignment={other.id}").status_code == 404
    assert client.get(f"/screenings/phq9?assignment={done.id}").status_code == 404
    assert client.get(f"/screenings/who5?assignment={own.id}").status_code == 404
    assert client.get("/screenings/phq9?assignment=nope").status_code == 404
    assert client.get("/screenings/no-such-thing").status_code == 404


def test_home_lists_pending_screenings_with_deadline(
    pages: Pages, officer: User, db_session: Session
) -> None:
    own = _assignment(db_session, officer)
    home = pages.get("/")
    assert f'data-assignment="{own.id}" data-instrument="phq9"' in home
    assert f"/screenings/phq9?assignment={own.id}" in home
    assert "请于" in home
    assert 'id="link-self-check"' in home
    assert 'id="link-history"' in home
    assert 'id="link-export-pdf"' in home


def test_an_assigned_submission_counts_for_the_assignment(
    pages: Pages, officer: User, db_session: Session
) -> None:
    own = _assignment(db_session, officer)
    query = f"&assignment={own.id}"
    pages.answer("phq9", 1, {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 0}, query=query)
    pages.answer("phq9", 2, {"q6": 0, "q7": 0, "q8": 0, "q9": 0}, query=query)
    response = pages.submit("phq9", query=query)
    assert response.status_code == 302
    db_session.refresh(own)
    assert own.done == ["phq9"]
