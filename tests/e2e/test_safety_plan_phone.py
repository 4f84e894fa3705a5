"""On a 360 px phone, in zh-CN: an officer writes and saves their own safety plan and finds the
PDF link; a counsellor opens a referral with the crisis panel. Nothing is wider than the screen.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_width

pytestmark = pytest.mark.e2e


def test_an_officer_writes_a_safety_plan_on_a_phone(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    page = phone_page
    sign_in(page, live_server, "officer07")
    page.goto(f"{live_server}/me/safety-plan")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.fill("#plan-warning_signs", "连续几天睡不着\n不想见人，一个人待着越来越久" * 3)
    page.fill("#plan-coping", "散步半小时")
    page.click("#plan-submit")
    expect(page.locator("#plan-saved")).to_be_visible()
    expect(page.locator("#mine-coping")).to_contain_text("散步半小时")
    expect(page.locator("#plan-pdf")).to_be_visible()
    width = page_width(page)
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"
    page.goto(f"{live_server}/")
    expect(page.locator("#link-safety-plan")).to_be_visible()
    assert_clean(page)


def test_a_counsellor_sees_the_crisis_panel_on_a_phone(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    page = phone_page
    sign_in(page, live_server, "counsellor1")
    page.goto(f"{live_server}/referrals")
    page.locator("a[href^='/referrals/']").filter(has_not_text="督导").first.click()
    expect(page.locator("#crisis")).to_be_visible()
    expect(page.locator("#safety-plan")).to_be_visible()
    width = page_width(page)
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"
    assert_clean(page)
