"""`wellbeing demo` builds the demo organisation once, and every demo login reaches home."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from wellbeing.demo.organisation import DEMO_PASSWORD, create_demo_organisation
from wellbeing.org.models import Role, Unit, User


def test_demo_organisation_shape_and_idempotence(db_session: Any) -> None:
    logins = create_demo_organisation(db_session)
    units = db_session.scalar(select(func.count()).select_from(Unit))
    users = db_session.scalar(select(func.count()).select_from(User))
    assert units == 1 + 3 + 6
    officers = [u for u in db_session.scalars(select(User)) if u.has_role(Role.OFFICER)]
    assert len(officers) == 60
    categories = [officer.staff_category for officer in officers]
    assert categories.count("auxiliary") == 20
    assert categories.count("police") == 40
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
