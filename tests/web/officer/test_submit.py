"""Review, submit once, and the result page in plain words (zh and en); access to own only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.web.officer.helpers import Pages, fill_phq9, review_form, token_of
from wellbeing.org.models import User
from wellbeing.screening.drafts import load_draft
from wellbeing.screening.models import Submission


def _count(db_session: Session) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Submission)) or 0)


def test_review_lists_each_answer_with_an_edit_link(pages: Pages) -> None:
    fill_phq9(pages, [1, 1, 1, 1, 1, 1, 1, 1, 0])
    review = pages.get("/screenings/phq9/review")
    assert 'id="review-q1" data-item="q1" data-answered="yes"' in review
    assert "好几天" in review
    assert 'data-edit="q7" href="/screenings/phq9?page=2#item-q7"' in review
    assert 'name="idempotency_key"' in review


def test_submit_shows_the_band_and_its_feedback_in_chinese(
    pages: Pages, officer: User, db_session: Session
) -> None:
    fill_phq9(pages, [1, 1, 1, 1, 1, 1, 1, 1, 0])  # total 8: mild (Kroenke 2001)
    response = pages.submit("phq9")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/results/")
    result = pages.get(response.headers["Location"])
    assert '<p class="band" id="band-label">轻度</p>' in result
    assert "您最近可能有一些情绪低落或疲惫" in result
    assert 'id="self-help"' in result
    assert 'id="crisis-contacts"' not in result
    assert load_draft(db_session, officer, "phq9", None) == {}  # the draft is gone


def test_result_in_english(
    app: Flask, make_user: Callable[..., User], login: Any, db_session: Session
) -> None:
    from wellbeing.screening.consent import give_consent

    english = make_user("officer", locale="en")
    give_consent(db_session, english)
    client = app.test_client()
    login(client, english.username)
    pages = Pages(client)
    assert "Page 1 of 2" in pages.get("/screenings/phq9")
    fill_phq9(pages, [2, 2, 1, 1, 1, 1, 1, 1, 0])  # total 10: moderate
    result = pages.get(pages.submit("phq9").headers["Location"])
    assert '<p class="band" id="band-label">Moderate</p>' in result
    assert "Low mood seems to have been weighing on you lately" in result
    assert 'id="link-library"' in result  # self-help is the library now (tests/library)


def test_a_double_click_or_refresh_creates_one_submission(
    pages: Pages, db_session: Session
) -> None:
    fill_phq9(pages, [0, 0, 0, 0, 0, 0, 0, 0, 0])
    form = review_form(pages, "phq9")
    first = pages.client.post("/screenings/phq9/submit", data=form)
    again = pages.client.post("/screenings/phq9/submit", data=form)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert _count(db_session) == 1


def test_unanswered_items_get_a_gentle_note_and_may_still_be_submitted(pages: Pages) -> None:
    pages.answer("phq9", 1, {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 1})
    review = pages.get("/screenings/phq9/review")
    assert 'id="unanswered-note"' in review
    assert 'data-item="q9"' in review
    pages.answer("phq9", 2, {"q9": 0})  # item 9 is critical: it must be answered (issue 21)
    review = pages.get("/screenings/phq9/review")
    assert 'data-item="q8"' in review
    result = pages.get(pages.submit("phq9").headers["Location"])
    assert "有些题目未作答，因此无法给出总体结果" in result


def test_another_officers_result_is_404(
    pages: Pages, app: Flask, make_user: Callable[..., User], login: Any
) -> None:
    fill_phq9(pages, [0, 0, 0, 0, 0, 0, 0, 0, 0])
    location = pages.submit("phq9").headers["Location"]
    other = app.test_client()
    login(other, make_user("officer").username)
    assert other.get(location).status_code == 404
    assert other.get("/results/does-not-exist").status_code == 404


OFFICER_PAGES = [
    ("get", "/consent"),
    ("post", "/consent"),
    ("post", "/consent/withdraw"),
    ("get", "/screenings"),
    ("get", "/screenings/phq9"),
    ("post", "/screenings/phq9?page=1"),
    ("get", "/screenings/phq9/review"),
    ("post", "/screenings/phq9/submit"),
    ("get", "/results/x"),
    ("get", "/history"),
    ("get", "/export.json"),
    ("get", "/export.pdf"),
]


@pytest.mark.parametrize("role", ["leader", "counsellor", "supervisor", "admin"])
def test_other_roles_are_refused_every_officer_page(
    role: str, client: FlaskClient, make_user: Callable[..., User], login: Any, csrf: Any
) -> None:
    unit = "ST1" if role != "admin" else "ST1-T1"
    login(client, make_user(role, unit=unit).username)
    token = csrf(client, "/")
    for method, path in OFFICER_PAGES:
        if method == "get":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token})
        assert response.status_code == 403, (method, path, response.status_code)


def test_review_after_submitting_does_not_offer_an_empty_submission(
    pages: Pages, db_session: Session
) -> None:
    fill_phq9(pages, [0, 0, 0, 0, 0, 0, 0, 0, 0])
    pages.submit("phq9")
    back = pages.client.get("/screenings/phq9/review")
    assert back.status_code == 302
    assert back.headers["Location"] == "/screenings/phq9"
    page = pages.get("/screenings/phq9")
    stale = {"csrf_token": token_of(page), "idempotency_key": "new-key-000000"}
    assert pages.client.post("/screenings/phq9/submit", data=stale).status_code == 302
    assert _count(db_session) == 1
