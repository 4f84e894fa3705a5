"""Counsellor and supervisor pages, and the officer's self-referral: queue order and time left,
the referral page (audited), claiming, read-only for others, contact, close, reassign,
supervision lists — and the crisis banner ending when the referral is closed."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from wellbeing.audit.models import AuditEntry
from wellbeing.referrals import service
from wellbeing.referrals.models import Referral, Status
from wellbeing.referrals.review import ReviewPolicy

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _signed_in(app: Flask, login: Any, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _post(client: FlaskClient, page: str, action: str, **data: str) -> Any:
    html = client.get(page).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, page
    return client.post(action, data={"csrf_token": match.group(1), **data})


def test_queue_orders_by_priority_then_deadline_with_time_left_and_overdue(
    app: Flask, login: Any, make_user: Any, refer: Any, staff: Any, frozen_clock: Any
) -> None:
    routine = refer(make_user("officer", unit="ST1-T1"), "routine")
    frozen_clock.advance(hours=1)
    urgent = refer(make_user("officer", unit="ST1-T2"), "urgent", crisis=True)
    hidden = refer(make_user("officer", unit="ST2-T1"), "urgent")
    frozen_clock.advance(hours=5)  # the urgent one is now past its 4 h deadline
    page = _signed_in(app, login, "c1").get("/referrals").get_data(as_text=True)
    order = re.findall(r'<tr data-referral="([^"]+)"', page)
    assert order == [urgent.id, routine.id]
    assert hidden.id not in page
    assert f'data-referral="{urgent.id}" data-priority="urgent" data-status="open"' in page
    assert 'data-overdue="yes"' in page
    assert "逾期" in page  # "Overdue" in Chinese
    assert "13天后" in page or "14天后" in page or "2周后" in page  # time left, localised


def test_referral_page_shows_officer_reasons_answers_trend_and_history_and_is_audited(
    app: Flask,
    db_session: Any,
    login: Any,
    make_user: Any,
    staff: Any,
    submit_phq9: Any,
    frozen_clock: Any,
) -> None:
    officer = make_user("officer", unit="ST1-T1", username="wang")
    officer.phone, officer.email = "13800000000", "wang@example.test"
    unreferred = submit_phq9(officer, [1, 1, 1, 1, 1, 1, 1, 1, 0])  # 8: no referral
    frozen_clock.advance(days=30)
    submit_phq9(officer, [2, 1, 1, 1, 1, 1, 1, 1, 1])  # 10: routine referral
    frozen_clock.advance(days=30)
    outcome = submit_phq9(officer, [2, 2, 2, 2, 1, 1, 1, 1, 1])  # item 9: joins, urgent
    referral_id = outcome.referral["id"]
    client = _signed_in(app, login, "c1")
    page = client.get(f"/referrals/{referral_id}?lang=en").get_data(as_text=True)
    assert officer.display_name in page
    assert "Unit ST1-T1" in page
    assert 'href="tel:13800000000"' in page
    assert "wang@example.test" in page
    assert 'data-source="rule"' in page
    assert f'data-submission="{outcome.submission.id}"' in page
    assert 'data-item="q9" data-value="1"' in page
    assert "Several days" in page  # the chosen option's label, in the viewer's language
    assert 'class="trend"' in page
    assert 'data-points="2"' in page
    assert 'data-kind="opened"' in page
    assert 'id="claim"' in page
    actions = [
        (e.action, e.target_id)
        for e in db_session.scalars(select(AuditEntry).where(AuditEntry.actor_name == "c1"))
    ]
    assert ("referral.viewed", referral_id) in actions
    assert ("submission.viewed", outcome.submission.id) in actions
    assert len([a for a in actions if a[0] == "submission.viewed"]) == 2
    # a screening that raised no referral stays out of the counsellor's sight
    assert unreferred.submission.id not in page
    assert ("submission.viewed", unreferred.submission.id) not in actions


def test_claim_contact_close_from_the_pages_ends_the_crisis_banner(
    app: Flask, db_session: Any, login: Any, make_user: Any, staff: Any, submit_phq9: Any
) -> None:
    officer = make_user("officer", unit="ST1-T1")
    outcome = submit_phq9(officer, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    referral_id = outcome.referral["id"]
    officer_client = _signed_in(app, login, officer.username)
    assert 'id="crisis-banner"' in officer_client.get("/").get_data(as_text=True)
    c1 = _signed_in(app, login, "c1")
    page = f"/referrals/{referral_id}"
    assert _post(c1, page, f"{page}/claim").status_code == 302
    assert 'id="contact-form"' in c1.get(page).get_data(as_text=True)
    _post(c1, page, f"{page}/contacts", reached="yes", note="spoke on the phone")
    _post(c1, page, f"{page}/notes", note="follow-up next week")
    refused = _post(c1, page, f"{page}/close", outcome="support_provided", note="seen twice")
    assert refused.status_code == 302  # back to the page, with the reason
    shown = c1.get(page).get_data(as_text=True)
    assert (
        "紧急转介须先记录风险评估，才能结案。" in shown
    )  # urgent: assess first (flashed in zh-CN)
    referral = db_session.get(Referral, referral_id)
    db_session.refresh(referral)
    assert referral.status == Status.CONTACTED.value
    _post(c1, page, f"{page}/risk-assessment", level="moderate", actions="safety_plan_made")
    response = _post(c1, page, f"{page}/close", outcome="support_provided", note="seen twice")
    assert response.status_code == 302
    db_session.refresh(referral)
    assert referral.status == Status.CLOSED.value
    kinds = [e.kind for e in referral.events]
    assert kinds[-4:] == ["claimed", "contact_attempt", "note", "closed"]
    assert 'id="crisis-banner"' not in officer_client.get("/").get_data(as_text=True)
    history = c1.get(page).get_data(as_text=True)
    assert "spoke on the phone" in history
    assert 'id="close-form"' not in history


def test_a_second_claim_says_who_was_first(
    app: Flask, login: Any, make_user: Any, refer: Any, staff: Any
) -> None:
    referral = refer(make_user("officer"), "high")
    page = f"/referrals/{referral.id}"
    c1, c2 = _signed_in(app, login, "c1"), _signed_in(app, login, "c2")
    token_page = c2.get(page).get_data(as_text=True)  # c2 loads the page while it is open
    _post(c1, page, f"{page}/claim")
    match = TOKEN.search(token_page)
    assert match
    c2.post(f"{page}/claim", data={"csrf_token": match.group(1)})
    shown = c2.get(page).get_data(as_text=True)
    assert staff["c1"].display_name in shown
    assert 'id="read-only"' in shown
    assert 'id="contact-form"' not in shown
    refused = _post(c2, page, f"{page}/contacts", reached="no", note="")
    assert refused.status_code == 403


def test_claim_next_takes_the_most_pressing(
    app: Flask, login: Any, make_user: Any, refer: Any, staff: Any
) -> None:
    refer(make_user("officer"), "routine")
    urgent = refer(make_user("officer"), "urgent")
    response = _post(_signed_in(app, login, "c1"), "/referrals", "/referrals/claim-next")
    assert response.headers["Location"].endswith(f"/referrals/{urgent.id}")


def test_out_of_scope_staff_get_404(
    app: Flask, login: Any, make_user: Any, refer: Any, staff: Any
) -> None:
    referral = refer(make_user("officer", unit="ST1-T1"), "high")
    other = _signed_in(app, login, "other")
    assert other.get(f"/referrals/{referral.id}").status_code == 404
    assert other.get("/referrals/does-not-exist").status_code == 404


def test_supervisor_lists_overdue_escalated_held_late_and_reassigns(
    app: Flask,
    db_session: Any,
    login: Any,
    make_user: Any,
    refer: Any,
    staff: Any,
    frozen_clock: Any,
) -> None:
    from wellbeing.referrals.escalation import escalate_due

    late = refer(make_user("officer"), "urgent")
    done = refer(make_user("officer"), "high")
    service.claim(db_session, done, staff["c1"])
    service.close(
        db_session,
        done,
        staff["c1"],
        outcome=service.Outcome.DECLINED,
        note="n",
        review=ReviewPolicy(seed=b"test", other_share=1.0),
    )
    silent = refer(make_user("officer"), "high")
    service.claim(db_session, silent, staff["c2"])  # claimed, never contacted: 1 day to reach
    frozen_clock.advance(hours=25)
    escalate_due(db_session)
    db_session.flush()
    sup = _signed_in(app, login, "sup")
    page = sup.get("/referrals/supervision").get_data(as_text=True)
    for section in ("overdue-table", "escalated-table"):
        table = page.split(f'id="{section}"')[1].split("</table>")[0]
        assert late.id in table
    held_late = page.split('id="held-late-table"')[1].split("</table>")[0]
    assert silent.id in held_late
    assert late.id not in held_late
    assert 'id="reviews-waiting" data-count="1"' in page
    detail = f"/referrals/{late.id}"
    assert 'id="reassign-form"' in sup.get(detail).get_data(as_text=True)
    response = _post(sup, detail, f"{detail}/reassign", counsellor="c2")
    assert response.status_code == 302
    db_session.refresh(late)
    assert late.claimed_by == staff["c2"].id
    assert _post(sup, detail, f"{detail}/reassign", counsellor="other").status_code == 302
    db_session.refresh(late)
    assert late.claimed_by == staff["c2"].id  # "other" does not cover ST1: refused


def test_officer_asks_to_talk_from_any_page(
    app: Flask, db_session: Any, login: Any, make_user: Any, staff: Any
) -> None:
    officer = make_user("officer")
    client = _signed_in(app, login, officer.username)
    home = client.get("/").get_data(as_text=True)
    assert 'id="talk-link"' in home
    assert "我想和咨询师聊聊" in home
    response = _post(client, "/talk", "/talk", message="最近睡不好")
    assert response.status_code == 302
    sent = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="contact-by"' in sent
    assert "2026" in sent  # the date by which the station will get in touch
    _post(client, "/talk", "/talk", message="")
    [referral] = db_session.scalars(select(Referral).where(Referral.officer_id == officer.id))
    assert referral.priority == "routine"
    assert [r["message"] for r in referral.reasons] == ["最近睡不好", None]
    c1_page = _signed_in(app, login, "c1").get(f"/referrals/{referral.id}")
    assert "最近睡不好" in c1_page.get_data(as_text=True)
    staff_home = _signed_in(app, login, "c2").get("/").get_data(as_text=True)
    assert 'id="talk-link"' not in staff_home
    assert 'id="queue-link"' in staff_home
