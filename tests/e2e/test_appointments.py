"""Counselling appointments at 360 px in zh-CN: an officer books a time from the home page and
sees it there; the slot's counsellor marks it attended from their calendar. Nothing is wider
than the screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_width

pytestmark = pytest.mark.e2e

OFFICER = "officer05"  # ST1-T1; the demo counsellors' slots are at the bureau, covering everyone
COUNSELLOR = "counsellor1"  # the demo's phone slots are counsellor1's


def _fits(page: Page) -> None:
    width = page_width(page)
    assert width <= 360, f"the page is {width} px wide on a 360 px screen"


def test_an_officer_books_and_the_counsellor_marks_it_attended(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    page = phone_page
    sign_in(page, live_server, OFFICER)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#link-appointments")).to_have_text("预约心理咨询")
    page.click("#link-appointments")
    expect(page.locator("h1")).to_have_text("心理咨询预约")
    _fits(page)
    page.locator("#open-slots li").filter(has_text="电话").first.locator("a.button").click()
    page.fill("#book-note", "想聊聊最近的睡眠")
    page.click("#book-submit")
    expect(page.locator("p.notice[role=status]")).to_contain_text("您的预约已成功")
    expect(page.locator("#upcoming li")).to_have_count(1)
    _fits(page)

    page.click("a.brand")
    booked = page.locator("#home-appointments li[data-appointment]")
    expect(booked).to_have_count(1)
    expect(booked).to_contain_text("电话")
    appointment_id = booked.get_attribute("data-appointment")
    assert appointment_id
    assert_clean(page)

    page.click("form[action$='/logout'] button")
    sign_in(page, live_server, COUNSELLOR)
    page.click("#calendar-nav-link")
    expect(page.locator("h1")).to_have_text("咨询日程")
    _fits(page)
    page.fill(f"#note-{appointment_id}", "首次谈话，约定下周再谈")
    page.click(f"#attended-{appointment_id}")
    expect(page.locator("p.notice[role=status]")).to_contain_text("结果已记录")
    entry = page.locator(f"li[data-appointment='{appointment_id}']")
    expect(entry).to_have_attribute("data-status", "attended")
    expect(entry).to_contain_text("已到场")
    _fits(page)
    assert_clean(page)
