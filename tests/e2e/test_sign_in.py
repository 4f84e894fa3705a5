"""Every demo login signs in on a phone, in Chinese and in English, and signs out again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_width

pytestmark = pytest.mark.e2e

DEMO_LOGINS = [
    ("officer01", "officer"),
    ("counsellor1", "counsellor"),
    ("supervisor", "supervisor"),
    ("leader_bureau", "leader"),
    ("leader_st1", "leader"),
    ("admin", "admin"),
]
PHONE_WIDTH = 360


def check_phone_home(page: Page, role: str, shot: Path) -> None:
    """The role's card is shown, nothing scrolls sideways, and a screenshot is written."""
    expect(page.locator(f"[data-role={role}]")).to_be_visible()
    page.screenshot(path=shot, full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert page_width(page) <= PHONE_WIDTH


@pytest.mark.parametrize(("username", "role"), DEMO_LOGINS)
def test_demo_login_reaches_home_in_both_languages_on_a_phone(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
    tmp_path: Path,
    username: str,
    role: str,
) -> None:
    sign_in(phone_page, live_server, username)
    expect(phone_page).to_have_url(f"{live_server}/")
    expect(phone_page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(phone_page.get_by_role("button", name="退出登录")).to_be_visible()
    check_phone_home(phone_page, role, tmp_path / f"home-{username}-zh.png")

    phone_page.get_by_role("button", name="English").click()
    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    expect(phone_page.get_by_role("button", name="Sign out")).to_be_visible()
    check_phone_home(phone_page, role, tmp_path / f"home-{username}-en.png")

    phone_page.get_by_role("button", name="中文").click()  # the choice is saved on the account
    expect(phone_page.locator("html")).to_have_attribute("lang", "zh-CN")
    phone_page.get_by_role("button", name="退出登录").click()
    expect(phone_page).to_have_url(f"{live_server}/login")
    expect(phone_page.get_by_role("status")).to_have_text("您已退出登录。")
    phone_page.goto(f"{live_server}/")
    expect(phone_page).to_have_url(f"{live_server}/login?next=/")
    assert_clean(phone_page)


def test_wrong_password_shows_the_error(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    sign_in(phone_page, live_server, "officer02", "not-the-password")
    expect(phone_page.get_by_role("alert")).to_have_text("用户名或密码不正确。")
    expect(phone_page.locator("#username")).to_have_value("officer02")
    expect(phone_page.locator("#password")).to_have_value("")
    assert page_width(phone_page) <= PHONE_WIDTH
    assert_clean(phone_page)
