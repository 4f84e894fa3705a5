"""Issue 21, point 7 on the officer's form: PHQ-9 item 9 says kindly why it must be answered,
a page without it is still saved, and submitting without it is refused naming the item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.web.officer.helpers import Pages, review_form
from wellbeing.org.models import User
from wellbeing.screening.consent import give_consent
from wellbeing.screening.drafts import load_draft
from wellbeing.screening.models import Submission

WHY_ZH = "请回答这一题：如果您需要帮助，它能让我们及时为您提供支持。"
WHY_EN = "Please answer this question: it helps us offer you support quickly if you need it."


def _count(db_session: Session) -> int:
    return int(db_session.scalar(select(func.count()).select_from(Submission)) or 0)


def test_item9_says_why_it_is_required_in_chinese(pages: Pages) -> None:
    page = pages.get("/screenings/phq9?page=2")
    assert f'<p class="hint required-why" id="why-q9">{WHY_ZH}</p>' in page
    assert 'aria-describedby="why-q9"' in page
    assert page.count("required-why") == 1  # q6-q8 and the optional item carry no hint
    assert "required-why" not in pages.get("/screenings/phq9?page=1")


def test_item9_says_why_in_english(
    app: Flask, make_user: Callable[..., User], login: Any, db_session: Session
) -> None:
    english = make_user("officer", locale="en")
    give_consent(db_session, english)
    client = app.test_client()
    login(client, english.username)
    assert WHY_EN in Pages(client).get("/screenings/phq9?page=2")


def test_without_item9_the_draft_is_saved_but_the_submit_is_refused(
    pages: Pages, officer: User, db_session: Session
) -> None:
    assert pages.answer("phq9", 1, {f"q{i}": 1 for i in range(1, 6)}).status_code == 302
    assert pages.answer("phq9", 2, {"q6": 1, "q7": 1, "q8": 1}).status_code == 302
    assert load_draft(db_session, officer, "phq9", None)["q8"] == 1  # a draft is not a submission
    review = pages.get("/screenings/phq9/review")
    assert WHY_ZH in review  # beside q9 in the list of unanswered questions
    response = pages.client.post("/screenings/phq9/submit", data=review_form(pages, "phq9"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert '<li data-item="q9">提交前请回答第 q9 项' in body
    assert _count(db_session) == 0
    assert load_draft(db_session, officer, "phq9", None)["q8"] == 1  # nothing lost
