"""Supervision pages: the review list with waiting times and links, the review form on a closed
case's page (supervisors in scope only), a decision through the form, and the case-load page
with its period chooser — in Chinese and English, refused to everyone but supervisors."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.supervision.conftest import NONE
from wellbeing.referrals.models import Status

PAGES = ["/referrals/supervision/reviews", "/referrals/supervision/caseload"]
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(client: Any, path: str) -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, path
    return match.group(1)


@pytest.mark.parametrize("who", ["c1", "leader", "admin", "officer"])
@pytest.mark.parametrize(
    "path", ["/referrals/supervision/reviews", "/referrals/supervision/caseload"]
)
def test_pages_are_for_supervisors_only(
    signed_in: Any, make_user: Any, staff: Any, who: str, path: str
) -> None:
    make_user("officer", username="officer")
    assert signed_in(who).get(path).status_code == 403


def test_review_list_shows_waiting_time_and_links_in_both_languages(
    signed_in: Any, make_user: Any, staff: Any, closed_case: Any, frozen_clock: Any
) -> None:
    chosen = closed_case(make_user("officer"), staff["c1"], "urgent")
    skipped = closed_case(make_user("officer"), staff["c1"], review=NONE)
    frozen_clock.advance(hours=3)
    client = signed_in("sup")  # saved locale: English
    page = client.get("/referrals/supervision/reviews").get_data(as_text=True)
    assert f'data-referral="{chosen.id}"' in page
    assert skipped.id not in page
    assert 'data-waiting-minutes="180"' in page
    assert "3 hours" in page
    assert f'href="/referrals/{chosen.id}#review"' in page
    assert 'id="nav-reviews"' in page
    assert 'id="nav-caseload"' in page
    chinese = client.get("/referrals/supervision/reviews?lang=zh_CN").get_data(as_text=True)
    assert "3小时" in chinese


def test_review_form_on_the_case_page_and_a_sign_off_through_it(
    db_session: Any, signed_in: Any, make_user: Any, staff: Any, closed_case: Any
) -> None:
    case = closed_case(make_user("officer"), staff["c1"])
    page_path = f"/referrals/{case.id}"
    assert 'id="review-form"' not in signed_in("c1").get(page_path).get_data(as_text=True)
    client = signed_in("sup")
    assert 'id="review-form"' in client.get(page_path).get_data(as_text=True)
    empty = client.post(
        f"/referrals/{case.id}/review",
        data={"csrf_token": _token(client, page_path), "decision": "signed_off", "comment": " "},
    )
    assert empty.status_code == 302
    db_session.refresh(case)
    assert case.reviewed_at is None
    done = client.post(
        f"/referrals/{case.id}/review",
        data={"csrf_token": _token(client, page_path), "decision": "signed_off", "comment": "好"},
    )
    assert done.headers["Location"].endswith("/referrals/supervision/reviews")
    db_session.refresh(case)
    assert case.reviewed_at is not None
    assert 'id="review-form"' not in client.get(page_path).get_data(as_text=True)


def test_reopen_through_the_form_and_out_of_scope_is_404(
    db_session: Any, signed_in: Any, make_user: Any, staff: Any, closed_case: Any
) -> None:
    case = closed_case(make_user("officer"), staff["c1"])
    outsider = signed_in("sup2")
    token = _token(outsider, "/referrals/supervision/reviews")
    answer = outsider.post(
        f"/referrals/{case.id}/review",
        data={"csrf_token": token, "decision": "reopened", "comment": "x"},
    )
    assert answer.status_code == 404
    client = signed_in("sup")
    client.post(
        f"/referrals/{case.id}/review",
        data={
            "csrf_token": _token(client, f"/referrals/{case.id}"),
            "decision": "reopened",
            "comment": "请补充联系记录",
        },
    )
    db_session.refresh(case)
    assert case.status == Status.CONTACTED.value


def test_caseload_page_with_period_chooser_in_both_languages(
    signed_in: Any, make_user: Any, staff: Any, closed_case: Any, frozen_clock: Any
) -> None:
    officer = make_user("officer", username="officer-li")
    closed_case(officer, staff["c1"])
    client = signed_in("sup")
    page = client.get("/referrals/supervision/caseload?from=2026-11-01&to=2026-11-27")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="2026-11-01"' in text
    assert 'value="2026-11-27"' in text
    assert 'data-counsellor="c1"' in text
    assert 'data-counsellor="c2"' in text
    assert "Time to claim" in text
    assert officer.username not in text
    chinese = client.get("/referrals/supervision/caseload?lang=zh_CN").get_data(as_text=True)
    assert 'data-counsellor="c1"' in chinese
    bad = client.get("/referrals/supervision/caseload?from=2026-11-28&to=2026-11-27")
    assert bad.status_code == 422
    assert 'data-field="from"' in bad.get_data(as_text=True)
