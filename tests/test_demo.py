"""`wellbeing demo` builds a station that looks at work: units large enough that the leaders'
report shows every station's bands, referrals in every state within their deadlines (one overdue
by hours), a supervisor with cases to review, an officer with a history — and builds it once.

The whole demo runs once as an operator runs it (`wellbeing demo` on an instance of its own, the
service clock the real one), and once in the test's transaction at a fixed moment (the same
builder, under `frozen_clock`); its properties are read through the same code the pages use (the
reports and referrals API, the supervisors' review list)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.instance_cli import run_in_instance
from wellbeing.app import create_app
from wellbeing.demo.history import create_demo_history
from wellbeing.demo.organisation import DEMO_PASSWORD, create_demo_organisation
from wellbeing.org.models import Role, Unit, User
from wellbeing.org.service import find_user
from wellbeing.referrals.models import Referral
from wellbeing.screening.models import Submission
from wellbeing.supervision.reviews import review_list

STATIONS = ("ST1", "ST2", "ST3")


def test_demo_organisation_shape_and_idempotence(db_session: Any) -> None:
    logins = create_demo_organisation(db_session)
    units = db_session.scalar(select(func.count()).select_from(Unit))
    users = db_session.scalar(select(func.count()).select_from(User))
    assert units == 1 + 3 + 6
    officers = [u for u in db_session.scalars(select(User)) if u.has_role(Role.OFFICER)]
    assert len(officers) == 170
    per_station = {code: 0 for code in STATIONS}
    for officer in officers:
        per_station[officer.unit.code.split("-")[0]] += 1
    assert all(40 <= size <= 80 for size in per_station.values()), per_station
    team = [o.username for o in officers if o.unit.code == "ST1-T1"]
    assert sorted(team) == [f"officer{n:02d}" for n in range(1, 11)]  # as in the earlier demo
    assert len({o.display_name for o in officers}) == len(officers)
    categories = [officer.staff_category for officer in officers]
    assert categories.count("auxiliary") == 56
    assert categories.count("police") == 114
    assert all(u.wecom_userid == f"demo.{u.username}" for u in officers)
    assert {login.role for login in logins} == {r.value for r in Role}
    create_demo_organisation(db_session)
    assert db_session.scalar(select(func.count()).select_from(User)) == users


def test_every_demo_login_reaches_its_home_in_both_languages(
    app: Any, db_session: Any, csrf: Any
) -> None:
    for demo_login in create_demo_organisation(db_session):
        for lang, marker in (("zh_CN", 'lang="zh-CN"'), ("en", 'lang="en"')):
            browser = app.test_client()
            browser.post("/lang", data={"lang": lang, "csrf_token": csrf(browser, "/login")})
            response = browser.post(
                "/login",
                data={
                    "username": demo_login.username,
                    "password": DEMO_PASSWORD,
                    "csrf_token": csrf(browser, "/login"),
                },
            )
            assert response.status_code == 302, demo_login.username
            page = browser.get("/").get_data(as_text=True)
            assert f'data-role="{demo_login.role}"' in page
            assert marker in page


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An instance after `wellbeing demo`."""
    instance = tmp_path_factory.mktemp("demo") / "instance"
    done = run_in_instance(instance, "demo")
    assert done.returncode == 0, done.stdout + done.stderr
    return instance


@pytest.fixture
def demo_app(demo: Path) -> Iterator[Flask]:
    """The app on the demo's instance (its database and keyring), as `wellbeing serve` builds it."""
    built = create_app(
        {"instance_path": str(demo), "testing": True, "require_mfa": False, "cookie_secure": False}
    )
    yield built
    built.extensions["wellbeing.db"].engine.dispose()


def _api(client: FlaskClient, username: str) -> Callable[[str], Any]:
    answer = client.post(
        "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}
    )
    assert answer.status_code == 201, answer.get_json()
    headers = {"Authorization": f"Bearer {answer.get_json()['token']}"}

    def get(path: str) -> Any:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.get_json())
        return response.get_json()

    return get


def assert_a_working_station(client: FlaskClient, now: datetime) -> list[Any]:
    """The done-when of issue 22 (point 3), through the API the pages share: the leader's PHQ-9
    table of the newest closed wave shows a band count in every station row; referrals are in
    every state and none is late but one, by hours; returns the waves, newest first."""
    leader = _api(client, "leader_bureau")
    waves = leader("/api/v1/reports/waves")
    assert [wave["closed"] for wave in waves] == [False, True, True]  # newest first
    report = leader(f"/api/v1/reports/units/BUR?wave={waves[1]['id']}")
    rows = {row["unit"]: row["instruments"]["phq9"] for row in report["rows"]}
    for station in STATIONS:
        shown = {band: n for band, n in rows[station]["bands"].items() if n}
        assert shown, f"{station}: every PHQ-9 band hidden"

    supervisor = _api(client, "supervisor")
    active = supervisor("/api/v1/referrals?status=active")
    late = []
    for row in active:
        if row["overdue"]:
            late.append(now - datetime.fromisoformat(row["claim_deadline"]))
        elif row["clock_overdue"]:
            late.append(now - datetime.fromisoformat(row["clock_deadline"]))
    assert len(late) == 1
    assert timedelta(0) < late[0] < timedelta(days=1)
    statuses = [row["status"] for row in active]
    assert statuses.count("open") >= 2  # the overdue one and some within their deadline
    assert statuses.count("claimed") + statuses.count("contacted") >= 3
    assert any(row["escalation_level"] >= 1 for row in active)  # the supervisors were told
    closed = supervisor("/api/v1/referrals?status=closed")
    assert len({row["outcome"] for row in closed}) >= 3
    return list(waves)


def test_the_demo_at_a_fixed_moment(
    app: Flask, db_session: Any, client: FlaskClient, frozen_clock: Any
) -> None:
    frozen_clock.now = datetime(2027, 3, 1, 0, 30, tzinfo=UTC)  # a month's end, a Monday
    create_demo_organisation(db_session)
    settings, policy = app.extensions["wellbeing.settings"], app.extensions["wellbeing.policy"]
    assert create_demo_history(db_session, settings, policy, frozen_clock.now)
    db_session.flush()
    assert_a_working_station(client, frozen_clock.now)
    head = find_user(db_session, "supervisor")
    assert head is not None
    assert review_list(db_session, head, frozen_clock.now)  # closed cases waiting for review
    assert not create_demo_history(db_session, settings, policy, frozen_clock.now)


def test_wellbeing_demo_builds_a_working_station_once(demo_app: Flask) -> None:
    client = demo_app.test_client()
    now = datetime.now(UTC)
    waves = assert_a_working_station(client, now)
    with demo_app.app_context():
        session = demo_app.extensions["wellbeing.db"].session_factory()
        try:
            head = find_user(session, "supervisor")
            assert head is not None
            assert review_list(session, head, now)  # closed cases waiting for review
            # The officer the demo prints answered both closed waves; the open one waits.
            officer = find_user(session, "officer01")
            assert officer is not None
            answered = session.scalars(
                select(Submission.wave_id).where(Submission.officer_id == officer.id)
            ).all()
            assert sorted(set(answered)) == sorted(wave["id"] for wave in waves[1:])
            referrals = session.scalar(select(func.count()).select_from(Referral))
        finally:
            session.close()
    pending = _api(client, "officer01")("/api/v1/me/assignments")
    assert [assignment["status"] for assignment in pending] == ["pending"]

    # Run again: nothing new.
    again = run_in_instance(Path(demo_app.instance_path), "demo")
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("already present") == 2
    with demo_app.app_context():
        session = demo_app.extensions["wellbeing.db"].session_factory()
        try:
            assert session.scalar(select(func.count()).select_from(Referral)) == referrals
        finally:
            session.close()
