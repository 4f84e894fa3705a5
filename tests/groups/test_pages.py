"""The group-session pages: an officer finds a session from the home page, signs up and
withdraws; the counsellor ticks attendance; an admin sees counts, never names; a bad form comes
back with what to fix (422) and nothing saved; both languages."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from wellbeing.groups import service
from wellbeing.groups.models import GroupSession

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


CSRF_VALUE = re.compile(r'name="csrf_token" value="[^"]*"')


def _signed_in(app: Flask, login: Any, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _post(client: FlaskClient, page: str, action: str, data: Any = None) -> Any:
    html = client.get(page).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, page
    return client.post(action, data={"csrf_token": match.group(1), **(data or {})})


def test_officer_signs_up_from_the_home_page_and_withdraws(
    app: Flask, login: Any, make_group: Any, make_user: Any, db_session: Any
) -> None:
    group = make_group(capacity=1)
    officer = make_user("officer", username="o1")
    client = _signed_in(app, login, "o1")
    home = client.get("/").get_data(as_text=True)
    assert 'id="link-groups"' in home
    assert "团体辅导" in home
    listing = client.get("/groups").get_data(as_text=True)
    assert "减压团体辅导" in listing
    page = f"/groups/{group.id}"
    done = _post(client, page, f"/groups/{group.id}/signup")
    assert done.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert 'data-status="signed_up"' in shown
    assert "报名成功" in shown
    assert service.signup_of(db_session, group, officer) is not None
    _post(client, page, f"/groups/{group.id}/withdraw")
    assert service.signup_of(db_session, group, officer) is None


def test_officer_outside_the_units_gets_404(
    app: Flask, login: Any, make_group: Any, make_user: Any
) -> None:
    group = make_group(unit="ST1-T2")
    make_user("officer", unit="ST1-T1", username="o1")
    client = _signed_in(app, login, "o1")
    assert client.get(f"/groups/{group.id}").status_code == 404
    assert group.id not in client.get("/groups").get_data(as_text=True)


def test_the_counsellor_ticks_attendance_the_admin_sees_no_names(
    app: Flask, login: Any, make_group: Any, make_user: Any, db_session: Any
) -> None:
    group = make_group(by="adm")
    officer = make_user("officer", username="o1")
    service.sign_up(db_session, group, officer)
    counsellor = _signed_in(app, login, "c1")
    page = f"/groups/{group.id}"
    shown = counsellor.get(page).get_data(as_text=True)
    assert 'data-username="o1"' in shown
    _post(counsellor, page, f"/groups/{group.id}/attendance", {"present": ["o1"]})
    assert service.attendee_ids(db_session, group) == {officer.id}
    admin = _signed_in(app, login, "adm")
    seen = admin.get(page)
    assert seen.status_code == 200
    # the page's random CSRF tokens (and the group's id) may contain "o1" by chance
    page_text = CSRF_VALUE.sub("", seen.get_data(as_text=True)).replace(group.id, "")
    assert "o1" not in page_text
    assert officer.display_name not in seen.get_data(as_text=True)
    leader = _signed_in(app, login, "lead")
    assert leader.get(page).status_code == 403
    assert leader.get("/groups").status_code == 403


def test_a_bad_form_comes_back_with_what_to_fix(
    app: Flask, login: Any, staff: Any, db_session: Any
) -> None:
    client = _signed_in(app, login, "c1")
    form = {
        "title_zh": "团辅",
        "title_en": "Group",
        "topic": "stress",
        "starts_at": "2001-01-01T09:00",
        "place": "Room",
        "capacity": "10",
        "unit": "ST1",
    }
    refused = _post(client, "/groups/new", "/groups/new", form)
    assert refused.status_code == 422
    assert 'id="form-problem"' in refused.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).select_from(GroupSession)) == 0
    created = _post(client, "/groups/new", "/groups/new", {**form, "starts_at": "2099-01-01T09:00"})
    assert created.status_code == 302
    assert db_session.scalar(select(func.count()).select_from(GroupSession)) == 1
    # the unit list offers only units in the counsellor's scope
    units = client.get("/groups/new").get_data(as_text=True)
    assert 'value="ST1-T2"' in units
    assert 'value="ST2"' not in units


def test_pages_in_english(app: Flask, login: Any, make_group: Any, make_user: Any) -> None:
    group = make_group()
    make_user("officer", username="o1", locale="en")
    client = _signed_in(app, login, "o1")
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Stress group" in page
    assert "Sign up" in page


def test_an_attendee_gives_feedback_on_the_page_and_staff_see_counts(
    app: Flask, login: Any, make_group: Any, make_user: Any, staff: Any, db_session: Any
) -> None:
    group = make_group()
    officer = make_user("officer", username="o1")
    service.sign_up(db_session, group, officer)
    page = f"/groups/{group.id}"
    client = _signed_in(app, login, "o1")
    assert 'id="feedback"' not in client.get(page).get_data(as_text=True)  # not yet attended
    service.record_attendance(db_session, group, staff["c1"], ["o1"])
    shown = client.get(page).get_data(as_text=True)
    assert "这次活动对我有帮助" in shown
    _post(client, page, f"/groups/{group.id}/feedback", {"q1": "5", "q2": "4", "q3": "5"})
    assert 'id="feedback"' not in client.get(page).get_data(as_text=True)  # once only
    counsellor = _signed_in(app, login, "c1").get(page).get_data(as_text=True)
    assert 'id="feedback-summary"' in counsellor
    assert "—" in counsellor  # one answer: hidden
