"""The demo bureau leader's activity report on a phone, in Chinese: figures, no sideways
scrolling, and the PDF sheet for the city bureau.

`wellbeing demo` writes the station's past months (demo/activity.py) and releases every ended
period, as the activity job would; with k=10 the bureau's counts are shown and much of the
teams' detail is hidden.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import page_width

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 360


def test_bureau_leader_reads_and_downloads_the_activity_report_on_a_phone(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
    tmp_path: Path,
) -> None:
    page = phone_page
    sign_in(page, live_server, "leader_bureau")
    page.goto(f"{live_server}/reports/?lang=zh_CN")  # one scope: the bureau's screening report
    page.click("#activity-link")
    page.wait_for_load_state()
    expect(page.locator("#activity-unit")).to_have_attribute("data-unit", "BUR")
    figures = page.locator("#activity-figures")
    expect(figures).to_contain_text("心理咨询次数")
    expect(figures).to_contain_text("科普阅读次数")
    sessions = figures.locator("#own-figures tbody tr").first.locator("td").inner_text()
    assert sessions.isdigit()  # the bureau's counselling sessions are shown
    expect(page.locator("#periods [aria-current=true]")).to_contain_text("2026年")
    expect(page.locator("#sub-units tr[data-unit=ST1-T1]")).to_be_visible()
    hidden = page.locator(".hidden-cell")
    assert hidden.count() > 0
    assert hidden.first.get_attribute("data-reason") is None
    expect(page.locator("#hidden-legend")).to_contain_text("已隐藏")
    page.screenshot(path=tmp_path / "activity-phone.png", full_page=True)
    assert page_width(page) <= PHONE_WIDTH  # the wide table scrolls inside its card
    assert_clean(page)

    with page.expect_download() as download_info:
        page.click("#download-activity-pdf")
    target = tmp_path / "activity.pdf"
    download_info.value.save_as(target)
    assert download_info.value.suggested_filename.startswith("activity-BUR-")
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(data)).pages)
    assert "心理咨询次数" in text.replace("\n", "")
    assert "示范市公安局" in text
    assert_clean(page)
