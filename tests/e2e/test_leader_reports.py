"""The demo bureau leader's reports in a real browser: dashboard, drill-down, PDF download.

The demo has two closed waves of PHQ-9 and GAD-7 for ~60 officers in 6 teams of ~10, and
k=10: much is hidden (one neutral mark, no reason), while bureau-level figures are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_width

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 360


def test_bureau_leader_dashboard_drill_down_and_pdf(
    page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
    tmp_path: Path,
) -> None:
    sign_in(page, live_server, "leader_bureau")
    page.goto(f"{live_server}/reports/")  # one scope: straight to the bureau's dashboard
    expect(page.locator("#report-unit")).to_have_attribute("data-unit", "BUR")
    expect(page.locator("#waves li")).to_have_count(3)  # two closed waves and the open one
    phq9 = page.locator("section[data-instrument=phq9]")
    expect(phq9.locator("svg.bars")).to_be_visible()
    bureau_n = phq9.locator("tr[data-unit=BUR] td").first.inner_text()
    assert bureau_n.isdigit()
    assert int(bureau_n) >= 10
    hidden = page.locator(".hidden-cell")
    assert hidden.count() > 0  # with k=10 and teams of ~10, much is hidden...
    assert hidden.first.get_attribute("data-reason") is None  # ...and never says why one is
    assert set(hidden.all_inner_texts()) == {"—"}
    expect(page.locator("#hidden-legend")).to_contain_text("已隐藏")  # why values are hidden at all
    page.goto(f"{live_server}/reports/units/BUR?lang=en")
    expect(page.locator("#hidden-legend")).to_contain_text("Hidden to protect individuals")
    assert_clean(page)

    page.locator("#participation a.drill[href*='/reports/units/ST1?']").click()
    page.wait_for_load_state()
    expect(page.locator("#report-unit")).to_have_attribute("data-unit", "ST1")
    expect(page.locator("#parent-unit")).to_be_visible()
    expect(page.locator("#participation tr[data-unit=ST1-T1]")).to_be_visible()

    with page.expect_download() as download_info:
        page.click("#download-pdf")
    target = tmp_path / "report.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert_clean(page)


def test_dashboard_is_readable_on_a_phone_in_chinese(
    phone_page: Page, live_server: str, sign_in: Callable[..., None], tmp_path: Path
) -> None:
    sign_in(phone_page, live_server, "leader_bureau")
    phone_page.goto(f"{live_server}/reports/units/BUR?lang=zh_CN")
    expect(phone_page.locator("#hidden-legend")).to_contain_text("已隐藏")
    expect(phone_page.locator("#participation")).to_contain_text("参与情况")
    phone_page.screenshot(path=tmp_path / "reports-phone.png", full_page=True)
    width = page_width(phone_page)
    assert width <= PHONE_WIDTH  # wide tables scroll inside their card, not the page
