"""Break-glass: a written reason, only for submissions without a referral, one record, 60
minutes, audited, announced to another supervisor (or the admins), and reviewed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from wellbeing.audit.models import AuditEntry
from wellbeing.notify.models import OutboxMessage
from wellbeing.referrals import break_glass
from wellbeing.referrals.errors import BreakGlassRefused, WrongState
from wellbeing.referrals.models import BreakGlass

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
REASON = "Colleagues report he talked about ending it all tonight."


def _signed_in(app: Flask, login: Any, username: str) -> FlaskClient:
    client = app.test_client()
    login(client, username)
    return client


def _open(client: FlaskClient, submission_id: str, reason: str = REASON) -> Any:
    path = f"/referrals/break-glass/submissions/{submission_id}"
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match
    return client.post(path, data={"csrf_token": match.group(1), "reason": reason})


@pytest.fixture
def quiet(make_user: Any, submit_phq9: Any) -> Any:
    """A submission that raised no referral, from an officer in ST1-T1."""
    officer = make_user("officer", unit="ST1-T1", username="quiet")
    return submit_phq9(officer, [0, 1, 0, 0, 0, 0, 0, 0, 0]).submission


def test_search_lists_ids_and_dates_only_and_is_audited(
    app: Flask, db_session: Any, login: Any, staff: Any, quiet: Any
) -> None:
    sup = _signed_in(app, login, "sup")
    found = sup.get("/referrals/break-glass?q=qui").get_data(as_text=True)
    assert 'data-officer="quiet"' in found
    listed = sup.get("/referrals/break-glass?officer=quiet").get_data(as_text=True)
    assert f'data-break-glass="{quiet.id}"' in listed
    assert "Score" not in listed
    assert "分" not in listed.split('id="officer-submissions"')[1]
    entries = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "break_glass.searched")
    ).all()
    assert [e.actor_name for e in entries] == ["sup"]
    assert sup.get("/referrals/break-glass?officer=nobody").status_code == 404


def test_needs_a_reason_of_twenty_characters(
    app: Flask, db_session: Any, login: Any, staff: Any, quiet: Any
) -> None:
    sup = _signed_in(app, login, "sup")
    refused = _open(sup, quiet.id, "just curious")
    assert refused.status_code == 422
    assert 'id="form-error"' in refused.get_data(as_text=True)
    assert db_session.scalars(select(BreakGlass)).all() == []
    with pytest.raises(BreakGlassRefused):
        break_glass.open_break_glass(db_session, staff["sup"], quiet, " " * 30)


def test_refused_for_a_submission_that_raised_a_referral(
    app: Flask, db_session: Any, login: Any, make_user: Any, staff: Any, submit_phq9: Any
) -> None:
    outcome = submit_phq9(make_user("officer"), [0, 0, 0, 0, 0, 0, 0, 0, 1])
    with pytest.raises(BreakGlassRefused, match="has_referral"):
        break_glass.open_break_glass(db_session, staff["sup"], outcome.submission, REASON)
    sup = _signed_in(app, login, "sup")
    page = sup.get(f"/referrals/break-glass/submissions/{outcome.submission.id}")
    assert 'id="has-referral"' in page.get_data(as_text=True)
    assert 'id="break-glass-form"' not in page.get_data(as_text=True)


def test_opens_one_record_for_sixty_minutes_audited_and_announced(
    app: Flask,
    db_session: Any,
    login: Any,
    staff: Any,
    quiet: Any,
    submit_phq9: Any,
    frozen_clock: Any,
) -> None:
    other = submit_phq9(db_session.get(type(staff["sup"]), quiet.officer_id), [0] * 9).submission
    sup = _signed_in(app, login, "sup")
    response = _open(sup, quiet.id)
    assert response.status_code == 302
    view = sup.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="break-glass-active"' in view
    assert 'data-item="q2" data-value="1"' in view
    # one record only: the officer's other submission still asks for a reason
    assert 'id="break-glass-form"' in sup.get(
        f"/referrals/break-glass/submissions/{other.id}"
    ).get_data(as_text=True)
    for _step in range(3):  # 59 minutes, in steps shorter than the 30-minute idle sign-out
        frozen_clock.advance(minutes=59 / 3)
        assert "break-glass-active" in sup.get(response.headers["Location"]).get_data(as_text=True)
    frozen_clock.advance(minutes=2)
    expired = sup.get(response.headers["Location"]).get_data(as_text=True)
    assert "break-glass-active" not in expired
    assert 'id="break-glass-form"' in expired
    assert break_glass.active_break_glass(db_session, staff["sup"], quiet.id) is None
    [grant] = db_session.scalars(select(BreakGlass)).all()
    assert grant.reason == {"text": REASON}
    actions = [
        (e.action, e.target_id, e.detail_json)
        for e in db_session.scalars(select(AuditEntry).where(AuditEntry.actor_name == "sup"))
    ]
    assert ("break_glass.opened", quiet.id) in [a[:2] for a in actions]
    views = [a for a in actions if a[0] == "submission.viewed"]
    assert len(views) == 4
    assert all('"break_glass":true' in a[2] for a in views)
    messages = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "break_glass.opened")
    ).all()
    assert [m.recipient_user_id for m in messages] == [staff["sup2"].id]  # never the opener


def test_admins_hear_of_it_when_no_other_supervisor_covers_the_unit(
    db_session: Any, make_user: Any, submit_phq9: Any
) -> None:
    lone = make_user("supervisor", unit="ST2", scope="ST2", username="lone")
    admin = make_user("admin", unit="BUR", username="root")
    submission = submit_phq9(make_user("officer", unit="ST2-T1"), [0] * 9).submission
    break_glass.open_break_glass(db_session, lone, submission, REASON)
    messages = db_session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "break_glass.opened")
    ).all()
    assert [m.recipient_user_id for m in messages] == [admin.id]


def test_review_list_and_review_by_another_supervisor(
    app: Flask, db_session: Any, login: Any, staff: Any, quiet: Any
) -> None:
    grant = break_glass.open_break_glass(db_session, staff["sup"], quiet, REASON)
    own = _signed_in(app, login, "sup").get("/referrals/break-glass/uses").get_data(as_text=True)
    assert f'data-break-glass="{grant.id}"' in own
    assert REASON in own
    assert f'data-review="{grant.id}"' not in own  # not one's own use
    with pytest.raises(BreakGlassRefused):
        break_glass.review(db_session, grant, staff["sup"])
    sup2 = _signed_in(app, login, "sup2")
    page = sup2.get("/referrals/break-glass/uses").get_data(as_text=True)
    match = TOKEN.search(page)
    assert match
    sup2.post(f"/referrals/break-glass/uses/{grant.id}/review", data={"csrf_token": match.group(1)})
    db_session.refresh(grant)
    assert grant.reviewed_by == staff["sup2"].id
    with pytest.raises(WrongState):
        break_glass.review(db_session, grant, staff["sup2"])
    counsellor = _signed_in(app, login, "c1")
    assert counsellor.get("/referrals/break-glass/uses").status_code == 403
