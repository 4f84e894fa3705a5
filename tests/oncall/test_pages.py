"""The roster page (supervisors), the red roster-hole notice on the supervision page, and the
on-call phone on the officer's crisis banner."""

from __future__ import annotations

from datetime import UTC
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.oncall.conftest import local
from wellbeing.oncall.models import RosterChange, RosterEntry

PAGE = "/referrals/supervision/roster/ST1"
CRISIS_ANSWERS = [0, 0, 0, 0, 0, 0, 0, 0, 1]  # PHQ-9 item 9 endorsed


def test_the_roster_page_adds_and_removes_entries_and_changes(
    client: FlaskClient, db_session: Session, people: Any, login: Any, csrf: Any
) -> None:
    login(client, "sup")
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="roster-timeline"' in text
    assert 'data-kind="hole"' in text  # no roster yet: every night is a hole
    assert 'name="viewport"' in text or "viewport" in text  # the phone layout of base.html
    token = csrf(client, PAGE)
    added = client.post(
        f"{PAGE}/entries",
        data={
            "csrf_token": token,
            "username": "c1",
            "weekday": "5",
            "from": "22:00",
            "to": "08:00",
        },
    )
    assert added.status_code == 302
    entry = db_session.scalars(select(RosterEntry)).one()
    assert (entry.user.username, entry.weekday, entry.from_minute, entry.to_minute) == (
        "c1",
        5,
        1320,
        480,
    )
    when = {"starts_at": "2026-12-12T22:00", "ends_at": "2026-12-13T08:00"}
    client.post(f"{PAGE}/changes", data={"csrf_token": token, "username": "c2", **when})
    change = db_session.scalars(select(RosterChange)).one()
    assert change.starts_at == local("Asia/Shanghai", 2026, 12, 12, 22, 0).astimezone(UTC)
    text = client.get(PAGE).get_data(as_text=True)
    assert f'data-entry="{entry.id}"' in text
    assert f'data-change="{change.id}"' in text
    client.post(f"{PAGE}/entries/{entry.id}/remove", data={"csrf_token": token})
    client.post(f"{PAGE}/changes/{change.id}/remove", data={"csrf_token": token})
    assert db_session.scalars(select(RosterEntry)).all() == []
    assert db_session.scalars(select(RosterChange)).all() == []


def test_the_roster_forms_refuse_bad_input_and_write_nothing(
    client: FlaskClient, db_session: Session, people: Any, login: Any, csrf: Any
) -> None:
    login(client, "sup")
    token = csrf(client, PAGE)
    for data in (
        {"username": "other", "weekday": "1", "from": "22:00", "to": "08:00"},
        {"username": "c1", "weekday": "9", "from": "22:00", "to": "08:00"},
        {"username": "c1", "weekday": "1", "from": "", "to": "08:00"},
    ):
        answer = client.post(f"{PAGE}/entries", data={"csrf_token": token, **data})
        assert answer.status_code == 302
    bad_change = {"username": "c1", "starts_at": "2026-12-13T08:00", "ends_at": "2026-12-12T08:00"}
    client.post(f"{PAGE}/changes", data={"csrf_token": token, **bad_change})
    assert db_session.scalars(select(RosterEntry)).all() == []
    assert db_session.scalars(select(RosterChange)).all() == []
    text = client.get(PAGE).get_data(as_text=True)
    said = (
        "This person is not a counsellor or supervisor of this station.",
        "此人不是本站的咨询师或督导。",
    )
    assert any(words in text for words in said)


def test_forms_need_a_csrf_token(client: FlaskClient, people: Any, login: Any) -> None:
    login(client, "sup")
    data = {"username": "c1", "weekday": "5", "from": "22:00", "to": "08:00"}
    assert client.post(f"{PAGE}/entries", data=data).status_code == 400


@pytest.mark.parametrize("username", ["o1", "c1", "lead", "adm"])
def test_only_supervisors_reach_the_roster_page(
    client: FlaskClient, people: Any, login: Any, username: str
) -> None:
    login(client, username)
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}/entries", data={}).status_code in (400, 403)


def test_a_station_outside_the_scope_does_not_exist(
    client: FlaskClient, people: Any, login: Any
) -> None:
    login(client, "sup")
    assert client.get("/referrals/supervision/roster/ST2").status_code == 404
    assert client.get("/referrals/supervision/roster/NOPE").status_code == 404


def test_the_supervision_page_shows_roster_holes_in_red(
    client: FlaskClient, people: Any, set_roster: Any, login: Any, frozen_clock: Any
) -> None:
    frozen_clock.now = local("Asia/Shanghai", 2026, 12, 7, 9, 0).astimezone(UTC)
    set_roster(entries=[("c1", day, "17:30", "08:30") for day in range(7)])
    login(client, "sup")
    text = client.get("/referrals/supervision").get_data(as_text=True)
    assert 'id="roster-holes"' in text
    assert 'data-roster-hole="ST1"' in text
    assert "2026-12-12" in text  # Saturday daytime is open
    set_roster(entries=[("c1", day, "00:00", "00:00") for day in range(7)])
    text = client.get("/referrals/supervision").get_data(as_text=True)
    assert 'id="roster-holes"' not in text
    assert 'data-roster-link="ST1"' in text


def test_the_officer_sees_the_on_call_phone(
    client: FlaskClient,
    db_session: Session,
    people: Any,
    set_roster: Any,
    login: Any,
    frozen_clock: Any,
    submit_phq9: Any,
) -> None:
    frozen_clock.now = local("Asia/Shanghai", 2026, 12, 6, 2, 0).astimezone(UTC)
    people["c1"].phone = "138 0000 1111"
    set_roster(entries=[("c1", 5, "22:00", "08:00")])
    submit_phq9(people["o1"], CRISIS_ANSWERS)
    login(client, "o1")
    text = client.get("/").get_data(as_text=True)
    assert 'id="crisis-banner"' in text
    assert 'href="tel:13800001111"' in text
    frozen_clock.advance(hours=12)  # Sunday afternoon: nobody on call, no phone
    assert "13800001111" not in client.get("/").get_data(as_text=True)
