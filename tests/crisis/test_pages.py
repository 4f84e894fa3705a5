"""Crisis pages: the referral page's panel (risk-assessment form and list, safety plan with the
officer's copy beside it), the officer's own plan page and its PDF, in both languages, and who
is refused."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from wellbeing.crisis import service
from wellbeing.crisis.models import SafetyPlan
from wellbeing.referrals.models import RiskAssessment

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _signed_in(app: Flask, login: Any, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _post(client: FlaskClient, page: str, action: str, data: Any) -> Any:
    match = TOKEN.search(client.get(page).get_data(as_text=True))
    assert match, page
    return client.post(action, data={"csrf_token": match.group(1), **data})


def _count(db_session: Any, model: Any) -> int:
    return int(db_session.scalar(select(func.count()).select_from(model)))


def test_the_holder_records_an_assessment_from_the_referral_page(
    app: Flask, login: Any, db_session: Any, people: Any, held: Any
) -> None:
    referral = held()
    client = _signed_in(app, login, "c1")
    page_url = f"/referrals/{referral.id}"
    page = client.get(page_url).get_data(as_text=True)
    assert 'id="risk-needed"' in page  # urgent and none yet: offered first
    assert 'id="risk-form"' in page
    data = {
        "level": "imminent",
        "factors": ["suicide_plan", "firearm_access"],
        "factors_other": "刚离婚\n",
        "actions": ["emergency_services"],
        "actions_other": "",
        "note": "已联系120",
    }
    done = _post(client, page_url, f"/referrals/{referral.id}/risk-assessment", data)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/referrals/{referral.id}#crisis")
    [row] = db_session.scalars(select(RiskAssessment))
    assert row.body["factors"] == ["suicide_plan", "firearm_access", "刚离婚"]
    after = client.get(page_url, query_string={"lang": "en"}).get_data(as_text=True)
    assert 'data-level="imminent"' in after
    assert "Imminent" in after
    assert "Access to a firearm" in after
    assert "刚离婚" in after
    assert 'id="risk-needed"' not in after


def test_a_bad_assessment_form_writes_nothing(
    app: Flask, login: Any, db_session: Any, people: Any, held: Any
) -> None:
    referral = held()
    client = _signed_in(app, login, "c1")
    page_url = f"/referrals/{referral.id}"
    data = {"level": "imminent", "note": "x"}  # no action
    done = _post(client, page_url, f"/referrals/{referral.id}/risk-assessment", data)
    assert done.status_code == 302
    assert _count(db_session, RiskAssessment) == 0
    follow = client.get(page_url).get_data(as_text=True)
    assert 'role="status"' in follow


def test_read_only_colleagues_see_the_panel_without_forms(
    app: Flask, login: Any, db_session: Any, people: Any, held: Any, plan: Any
) -> None:
    referral = held()
    service.write_plan_as_counsellor(db_session, referral, people["c1"], plan)
    client = _signed_in(app, login, "c2")
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert 'id="safety-plan"' in page
    assert "配枪交回枪库" in page
    assert 'id="risk-form"' not in page
    assert 'id="plan-form"' not in page
    data = {"level": "low", "actions": ["follow_up_booked"]}
    refused = client.post(f"/referrals/{referral.id}/risk-assessment", data=data)
    assert refused.status_code in {400, 403}  # CSRF or the holder rule: never written
    assert _count(db_session, RiskAssessment) == 0


def test_leaders_officers_and_admins_are_refused_on_the_referral_routes(
    app: Flask, login: Any, db_session: Any, people: Any, held: Any
) -> None:
    referral = held()
    for name in ("lead", "adm", "o1", "o2"):
        client = _signed_in(app, login, name)
        token = TOKEN.search(client.get("/").get_data(as_text=True))
        data = {"csrf_token": token.group(1) if token else "", "level": "low"}
        for action in ("risk-assessment", "safety-plan"):
            answer = client.post(f"/referrals/{referral.id}/{action}", data=data)
            assert answer.status_code == 403, (name, action)
    other = _signed_in(app, login, "other")
    assert other.get(f"/referrals/{referral.id}").status_code == 404


def test_plan_written_on_the_referral_is_seen_and_edited_by_the_officer(
    app: Flask, login: Any, db_session: Any, people: Any, held: Any
) -> None:
    referral = held()
    counsellor = _signed_in(app, login, "c1")
    page_url = f"/referrals/{referral.id}"
    form = {
        "warning_signs": "连续几天睡不着\n\n不想见人",
        "coping": "散步半小时",
        "distractions": "",
        "people": "老王 13800000000",
        "professionals": "服务站值班电话",
        "safe_environment": "配枪交回枪库",
    }
    saved = _post(counsellor, page_url, f"/referrals/{referral.id}/safety-plan", form)
    assert saved.status_code == 302
    plan = service.read_plan_for_officer(db_session, people["o1"])
    assert plan is not None
    assert plan.own["warning_signs"] == ["连续几天睡不着", "不想见人"]

    officer = _signed_in(app, login, "o1")
    home = officer.get("/").get_data(as_text=True)
    assert 'id="link-safety-plan"' in home
    mine = officer.get("/me/safety-plan").get_data(as_text=True)
    assert "不想见人" in mine
    assert 'id="counsellor-version"' not in mine  # not changed yet: one version
    edited = {**form, "coping": "散步半小时\n给妈妈打电话"}
    done = _post(officer, "/me/safety-plan", "/me/safety-plan", edited)
    assert done.status_code == 302
    mine = officer.get("/me/safety-plan").get_data(as_text=True)
    assert "给妈妈打电话" in mine
    assert 'id="counsellor-version"' in mine

    seen = counsellor.get(page_url).get_data(as_text=True)
    assert 'data-differs="yes"' in seen
    assert 'id="officer-copy"' in seen
    assert "给妈妈打电话" in seen


def test_the_officer_form_shows_errors_and_keeps_the_text(
    app: Flask, login: Any, db_session: Any, people: Any
) -> None:
    officer = _signed_in(app, login, "o1")
    too_long = {"coping": "好" * 501 + "\n散步"}
    answer = _post(officer, "/me/safety-plan", "/me/safety-plan", too_long)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="form-notice"' in page
    assert "散步" in page
    assert _count(db_session, SafetyPlan) == 0


def test_an_officer_without_a_plan_can_start_one(
    app: Flask, login: Any, db_session: Any, people: Any
) -> None:
    officer = _signed_in(app, login, "o2")  # English
    page = officer.get("/me/safety-plan").get_data(as_text=True)
    assert 'id="no-plan"' in page
    assert "My warning signs" in page
    assert 'id="link-safety-plan"' not in officer.get("/").get_data(as_text=True)
    done = _post(officer, "/me/safety-plan", "/me/safety-plan", {"coping": "Go for a run"})
    assert done.status_code == 302
    assert "Go for a run" in officer.get("/me/safety-plan?saved=1").get_data(as_text=True)


def test_the_pages_render_in_both_languages(
    app: Flask, login: Any, db_session: Any, people: Any, held: Any, plan: Any
) -> None:
    referral = held()
    service.write_plan_as_counsellor(db_session, referral, people["c1"], plan)
    service.record_risk_assessment(
        db_session, referral, people["c1"], level="moderate", factors=[], actions=["x"]
    )
    pages = [("o1", "/me/safety-plan"), ("c1", f"/referrals/{referral.id}")]
    for name, url in pages:
        client = _signed_in(app, login, name)
        for lang, marker in (("zh_CN", 'lang="zh-CN"'), ("en", 'lang="en"')):
            response = client.get(url, query_string={"lang": lang})
            assert response.status_code == 200, (name, url, lang)
            html = response.get_data(as_text=True)
            assert marker in html
            assert "散步半小时" in html
    english = _signed_in(app, login, "o1").get("/me/safety-plan?lang=en").get_data(as_text=True)
    assert "My safety plan" in english


def test_staff_are_refused_on_the_officer_pages(app: Flask, login: Any, people: Any) -> None:
    for name in ("c1", "sup", "lead", "adm"):
        client = _signed_in(app, login, name)
        for url in ("/me/safety-plan", "/me/safety-plan.pdf"):
            assert client.get(url).status_code == 403, (name, url)
    assert app.test_client().get("/me/safety-plan").status_code == 302


def test_the_pdf_holds_the_officers_own_copy_and_no_one_elses_name(
    app: Flask, login: Any, db_session: Any, people: Any, held: Any, plan: Any
) -> None:
    referral = held(officer="o2")
    service.write_plan_as_counsellor(db_session, referral, people["c1"], plan)
    service.write_plan_as_officer(db_session, people["o2"], {**plan, "coping": ["Breathe slowly"]})
    db_session.flush()
    response = _signed_in(app, login, "o2").get("/me/safety-plan.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Breathe slowly" in text
    assert "My safety plan" in text
    assert "Test counsellor" not in text  # the counsellor's display name
    assert "c1" not in text


def test_the_pdf_without_a_plan_is_a_blank_form(app: Flask, login: Any, people: Any) -> None:
    response = _signed_in(app, login, "o1").get("/me/safety-plan.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
