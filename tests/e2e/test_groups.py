"""An officer signs up for a group session on a 360 px phone, in zh-CN: from the home page's
link to the list, into a session, the sign-up button, and their place shown; nothing wider than
the screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_width

pytestmark = pytest.mark.e2e

OFFICER = "officer07"  # ST1-T1: both demo sessions (the bureau's and ST1's) are for this unit


def test_an_officer_signs_up_for_a_group_session(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    page = phone_page
    sign_in(page, live_server, OFFICER)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.click("#link-groups")
    expect(page.locator("h1")).to_have_text("团体辅导")
    sessions = page.locator("section.group")
    expect(sessions).to_have_count(2)
    sessions.first.locator("a.group-link").click()
    expect(page.locator("#sign-up")).to_have_text("报名")
    page.click("#sign-up")
    expect(page.locator("#my-status")).to_have_attribute("data-status", "signed_up")
    expect(page.locator("p.notice[role=status]")).to_contain_text("报名成功")
    expect(page.locator("#seats")).to_contain_text("已报名 1 / 12 人")
    width = page_width(page)
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"
    page.click("text=全部团体辅导活动")
    expect(page.locator("section.group .my-status").first).to_have_attribute(
        "data-status", "signed_up"
    )
    assert_clean(page)
