"""The officer path inside 企业微信's in-app browser (its user agent, a 360 px phone): sign in,
consent, a PHQ-2, the result, the stepped PHQ-9 it offers, history with the PDF export and the
download hint; the leader's report shows the hint beside its PDF link. No page is wider than
the screen and nothing calls `window.open` (the in-app browser has no popups).

A fresh officer is added with `wellbeing users add` against the live server's instance (the
demo gave every demo officer consent already), as in test_screening_flow.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, watched_page

pytestmark = pytest.mark.e2e

WELLBEING = Path(sys.executable).with_name("wellbeing")
PHONE_WIDTH = 360
WECOM_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2203A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/1234 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64 wxwork/4.1.22 ColorScheme/Light"
)
POSITIVE_PHQ2 = {"q1": 2, "q2": 1}  # total 3: offers the PHQ-9
PHQ9 = {"q1": 1, "q2": 1, "q3": 0, "q4": 1, "q5": 0, "q6": 1, "q7": 0, "q8": 0, "q9": 0}
HINT = "在微信中无法直接下载"
# Counts calls to window.open: the in-app browser has no popups, so a page must never use one.
NO_POPUPS = "window.__opened = 0; window.open = function () { window.__opened += 1; return null; };"


@pytest.fixture
def wecom_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A 360×740 touch page with 企业微信's user agent, watched like every e2e page."""
    with watched_page(
        browser,
        live_server,
        viewport={"width": PHONE_WIDTH, "height": 740},
        is_mobile=True,
        has_touch=True,
        user_agent=WECOM_UA,
        locale="zh-CN",
    ) as opened:
        opened.add_init_script(NO_POPUPS)
        yield opened


@pytest.fixture(scope="module")
def add_officer(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """`add_officer(username)`: a new officer (no consent yet) on the live server."""
    found = tmp_path_factory.getbasetemp().glob("live*/instance")
    instances = sorted({path.resolve() for path in found})
    assert len(instances) == 1, f"the live server's instance folder, found {instances}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
    env |= {"WELLBEING_INSTANCE_PATH": str(instances[0]), "WELLBEING_DEMO": "1"}

    def add(username: str) -> str:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [str(WELLBEING), "users", "add", username, "--unit", "ST3-T2", "--role", "officer",
             "--locale", "zh_CN", "--name", f"E2E {username}", "--password-stdin"],
            input=f"{DEMO_PASSWORD}\n", env=env, capture_output=True, text=True, timeout=60,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return username

    return add


def fits_the_screen(page: Page) -> None:
    """No sideways scrolling at 360 px, and no popup was attempted on this page."""
    width: int = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide on a {PHONE_WIDTH} px screen"
    assert page.evaluate("window.__opened") == 0, f"{page.url} called window.open"


def answer_to_result(page: Page, answers: dict[str, int]) -> None:
    """Answer page after page (checking each fits), review, submit, and land on the result."""
    for _ in range(10):
        expect(page.locator("#questionnaire")).to_be_visible()
        fits_the_screen(page)
        for item in page.locator("#questionnaire fieldset.item").evaluate_all(
            "sets => sets.map(s => s.dataset.item)"
        ):
            if item in answers:
                page.check(f"input[name={item}][value='{answers[item]}']")
        page.click("#nav-next")
        page.wait_for_load_state()
        if "/review" in page.url:
            break
    else:
        pytest.fail("the questionnaire never reached its review")
    expect(page.locator("#review")).to_be_visible()
    fits_the_screen(page)
    page.click("#submit-answers")
    expect(page.locator("#result[data-band]")).to_be_visible()
    fits_the_screen(page)


def test_an_officer_takes_the_stepped_path_inside_wecom(
    wecom_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
    add_officer: Callable[[str], str],
) -> None:
    page = wecom_page
    sign_in(page, live_server, add_officer("e2e_wecom"))
    fits_the_screen(page)
    assert "wxwork/" in page.evaluate("navigator.userAgent")

    page.goto(f"{live_server}/screenings")
    expect(page.locator("#consent")).to_be_visible()
    fits_the_screen(page)
    page.click("#consent-agree")
    expect(page.locator("#self-checks")).to_be_visible()
    fits_the_screen(page)
    page.click("#start-phq2")
    answer_to_result(page, POSITIVE_PHQ2)

    follow_up = page.locator("#follow-up-phq9")
    expect(follow_up).to_have_text("继续完成 PHQ-9")
    follow_up.click()
    expect(page.locator("#questionnaire[data-instrument=phq9]")).to_be_visible()
    answer_to_result(page, PHQ9)
    expect(page.locator("#follow-up")).to_have_count(0)  # a full PHQ-9 steps no further

    page.goto(f"{live_server}/history")
    expect(page.locator("section.history[data-instrument=phq9]")).to_be_visible()
    expect(page.locator("[data-wechat-hint]")).to_contain_text(HINT)
    fits_the_screen(page)
    href = page.locator("#export-pdf").get_attribute("href")
    assert href is not None
    pdf = page.request.get(f"{live_server}{href}")  # the link itself works, with this session
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")

    page.goto(f"{live_server}/me/safety-plan")
    expect(page.locator("#plan-pdf")).to_be_visible()
    expect(page.locator("[data-wechat-hint]")).to_contain_text(HINT)
    fits_the_screen(page)
    assert_clean(page)


def test_the_leaders_report_pdf_link_shows_the_hint_inside_wecom(
    wecom_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    page = wecom_page
    sign_in(page, live_server, "leader_bureau")
    page.goto(f"{live_server}/reports/")
    expect(page.locator("#download-pdf")).to_be_visible()
    expect(page.locator("[data-wechat-hint]")).to_contain_text(HINT)
    assert page.evaluate("window.__opened") == 0
    assert_clean(page)


def test_outside_wecom_no_hint_is_shown(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    sign_in(phone_page, live_server, "officer07")
    phone_page.goto(f"{live_server}/history")
    expect(phone_page.locator("#export-pdf")).to_be_visible()
    expect(phone_page.locator("[data-wechat-hint]")).to_have_count(0)
    assert_clean(phone_page)
