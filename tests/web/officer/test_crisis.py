"""Crisis contacts: on the result page and at the top of every page, even if storing fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.web.officer.helpers import Pages, fill_phq9
from wellbeing.org.models import User
from wellbeing.screening import service
from wellbeing.screening.crisis import crisis_banner_needed
from wellbeing.screening.drafts import load_draft
from wellbeing.screening.models import Submission

CRISIS_ANSWERS = [0, 0, 0, 0, 0, 0, 0, 0, 1]  # PHQ-9 item 9 endorsed, total 1


def test_item_9_shows_crisis_contacts_on_the_result_and_the_banner_everywhere(
    pages: Pages, officer: User, db_session: Session
) -> None:
    fill_phq9(pages, CRISIS_ANSWERS)
    result = pages.get(pages.submit("phq9").headers["Location"])
    assert 'id="crisis-contacts"' in result
    assert "全国心理援助热线" in result
    assert 'href="tel:12356"' in result
    assert 'href="tel:4001619995"' in result
    assert "感谢您如实作答" in result  # the flag's own message
    for path in ("/", "/history", "/screenings", "/consent"):
        assert 'id="crisis-banner"' in pages.get(path), path
    assert crisis_banner_needed(db_session, officer)


def test_no_banner_without_a_critical_answer(pages: Pages) -> None:
    fill_phq9(pages, [1, 0, 0, 0, 0, 0, 0, 0, 0])
    pages.submit("phq9")
    assert 'id="crisis-banner"' not in pages.get("/")


def test_the_banner_stays_until_a_counsellor_closes_the_referral(
    pages: Pages, db_session: Session, make_user: Callable[..., User]
) -> None:
    from wellbeing.crisis import service as crisis
    from wellbeing.referrals import service as referrals
    from wellbeing.referrals.models import Outcome, Referral
    from wellbeing.referrals.review import ReviewPolicy

    fill_phq9(pages, CRISIS_ANSWERS)
    pages.submit("phq9")
    fill_phq9(pages, [0, 0, 0, 0, 0, 0, 0, 0, 0])
    pages.submit("phq9")
    assert 'id="crisis-banner"' in pages.get("/")  # a calmer result does not end the matter
    referral = db_session.scalars(select(Referral)).one()
    counsellor = make_user("counsellor", unit="BUR", scope="BUR")
    referrals.claim(db_session, referral, counsellor)
    crisis.record_risk_assessment(
        db_session, referral, counsellor, level="low", factors=[], actions=["follow_up_booked"]
    )
    referrals.close(
        db_session,
        referral,
        counsellor,
        outcome=Outcome.SUPPORT_PROVIDED,
        note="已联系并支持",
        review=ReviewPolicy(seed=b"insecure-test-seed"),
    )
    db_session.flush()
    assert 'id="crisis-banner"' not in pages.get("/")


def test_station_phone_from_the_settings(
    make_app: Callable[..., Flask], officer: User, login: Any
) -> None:
    app = make_app(station_name="城东心理服务站", station_phone="010-1234 5678")
    client = app.test_client()
    login(client, officer.username)
    pages = Pages(client)
    fill_phq9(pages, CRISIS_ANSWERS)
    result = pages.get(pages.submit("phq9").headers["Location"])
    assert 'href="tel:01012345678"' in result
    assert "城东心理服务站" in result


def test_a_failure_after_scoring_still_shows_crisis_contacts_and_keeps_the_answers(
    pages: Pages, officer: User, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_phq9(pages, CRISIS_ANSWERS)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("store failed")

    monkeypatch.setattr(service, "discard_draft", broken)  # runs after the submission is added
    response = pages.submit("phq9")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'id="crisis-contacts"' in page
    assert 'href="tel:12356"' in page
    assert "您的作答没有丢失" in page
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 0
    assert load_draft(db_session, officer, "phq9", None)["q9"] == 1

    monkeypatch.undo()  # the retry goes through with the kept draft
    retried = pages.submit("phq9")
    assert retried.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(Submission)) == 1
