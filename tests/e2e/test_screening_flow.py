"""The officer's screening path in a real browser: consent, paged answers across two devices,
review, submit and result (zh-CN and en); the crisis path; an expired session that keeps answers.

Fresh officers are added with `wellbeing users add` against the live server's instance (the demo
gave every demo officer consent already), one per test, so tests never share state.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_width

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "demo-password-2026"
WELLBEING = Path(sys.executable).with_name("wellbeing")  # the console script of this environment
PHONE_WIDTH = 360
PHQ9_PAGE_1 = {"q1": 1, "q2": 2, "q3": 0, "q4": 1, "q5": 0}
PHQ9_PAGE_2 = {"q6": 1, "q7": 0, "q8": 0, "q9": 0}  # total 5: mild
GAD7 = {"q1": 1, "q2": 0, "q3": 1, "q4": 0, "q5": 0, "q6": 1, "q7": 0}  # total 3: minimal


@pytest.fixture(scope="module")
def add_officer(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., str]:
    """`add_officer(username, locale)`: a new officer (no consent yet) on the live server."""
    found = tmp_path_factory.getbasetemp().glob("live*/instance")  # "livecurrent" links to one
    instances = sorted({path.resolve() for path in found})
    assert len(instances) == 1, f"the live server's instance folder, found {instances}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
    env |= {"WELLBEING_INSTANCE_PATH": str(instances[0]), "WELLBEING_DEMO": "1"}

    def add(username: str, locale: str = "zh_CN") -> str:
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [str(WELLBEING), "users", "add", username, "--unit", "ST3-T2", "--role", "officer",
             "--locale", locale, "--name", f"E2E {username}", "--password-stdin"],
            input=f"{DEMO_PASSWORD}\n", env=env, capture_output=True, text=True, timeout=60,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return username

    return add


def answer(page: Page, answers: dict[str, int]) -> None:
    """Tick the given answers among the questions on this page."""
    for item in page.locator("#questionnaire fieldset.item").evaluate_all(
        "sets => sets.map(s => s.dataset.item)"
    ):
        if item in answers:
            page.check(f"input[name={item}][value='{answers[item]}']")


def answer_to_review(page: Page, answers: dict[str, int]) -> None:
    """Answer page after page (Next saves each) until the review step."""
    for _ in range(10):
        expect(page.locator("#questionnaire")).to_be_visible()
        answer(page, answers)
        page.click("#nav-next")
        page.wait_for_load_state()
        if "/review" in page.url:
            return
    pytest.fail("the questionnaire never reached its review")


def submit_and_see_result(page: Page) -> None:
    """Review, submit, and land on the result."""
    expect(page.locator("#review")).to_be_visible()
    page.click("#submit-answers")
    expect(page.locator("#result[data-band]")).to_be_visible()


def give_consent_on_the_way(page: Page, base_url: str, instrument: str) -> None:
    """As a new officer: the screenings page asks for consent first, then lists the checks."""
    page.goto(f"{base_url}/screenings")
    expect(page.locator("#consent")).to_be_visible()
    expect(page.locator("#consent-status")).to_have_count(0)
    page.click("#consent-agree")
    page.click(f"#start-{instrument}")
    expect(page.locator(f"#questionnaire[data-instrument={instrument}]")).to_be_visible()


@pytest.mark.parametrize(
    ("username", "locale", "lang", "result_heading", "phq9_band"),
    [
        ("e2e_flow_zh", "zh_CN", "zh-CN", "您的结果", "轻度"),
        ("e2e_flow_en", "en", "en", "Your result", "Mild"),
    ],
)
def test_a_new_officer_answers_across_two_devices_and_sees_the_result(
    phone_page: Page,
    page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
    add_officer: Callable[..., str],
    username: str,
    locale: str,
    lang: str,
    result_heading: str,
    phq9_band: str,
) -> None:
    add_officer(username, locale)
    phone = phone_page
    sign_in(phone, live_server, username)
    expect(phone.locator("html")).to_have_attribute("lang", lang)
    give_consent_on_the_way(phone, live_server, "phq9")
    expect(phone.locator("#questionnaire")).to_have_attribute("data-position", "1")
    answer(phone, PHQ9_PAGE_1)
    assert page_width(phone) <= PHONE_WIDTH
    phone.click("#nav-next")  # saves page 1 to the draft
    expect(phone.locator("#questionnaire")).to_have_attribute("data-position", "2")
    answer(phone, {"q6": PHQ9_PAGE_2["q6"]})  # ticked but not saved: the officer just leaves
    assert_clean(phone)

    desk = page  # another device: a new browser context, no shared cookies
    sign_in(desk, live_server, username)
    desk.goto(f"{live_server}/screenings/phq9")
    expect(desk.locator("#questionnaire")).to_have_attribute("data-position", "2")  # resumes
    desk.goto(f"{live_server}/screenings/phq9?page=1")
    for item, value in PHQ9_PAGE_1.items():
        expect(desk.locator(f"input[name={item}][value='{value}']")).to_be_checked()
    answer_to_review(desk, PHQ9_PAGE_2)
    expect(desk.locator("#review-list li[data-answered=yes]")).to_have_count(9)
    submit_and_see_result(desk)
    expect(desk.locator("#result")).to_have_attribute("data-band", "mild")
    expect(desk.locator("#result h1")).to_have_text(result_heading)
    expect(desk.locator("#band-label")).to_have_text(phq9_band)
    expect(desk.locator("#crisis-contacts")).to_have_count(0)
    expect(desk.locator("#crisis-banner")).to_have_count(0)

    phone.goto(f"{live_server}/screenings/gad7")  # back on the phone for the second one
    answer_to_review(phone, GAD7)
    submit_and_see_result(phone)
    expect(phone.locator("#result")).to_have_attribute("data-band", "minimal")
    expect(phone.locator("html")).to_have_attribute("lang", lang)
    assert page_width(phone) <= PHONE_WIDTH
    phone.goto(f"{live_server}/history")
    expect(phone.locator("body")).to_contain_text("PHQ-9")
    expect(phone.locator("body")).to_contain_text("GAD-7")
    assert_clean(phone)
    assert_clean(desk)


def test_item_9_shows_crisis_contacts_and_a_banner_on_every_page(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
    add_officer: Callable[..., str],
) -> None:
    username = add_officer("e2e_crisis")
    sign_in(phone_page, live_server, username)
    expect(phone_page.locator("#crisis-banner")).to_have_count(0)
    give_consent_on_the_way(phone_page, live_server, "phq9")
    answer_to_review(phone_page, {**PHQ9_PAGE_1, **PHQ9_PAGE_2, "q9": 1})
    submit_and_see_result(phone_page)
    expect(phone_page.locator("#result")).to_have_attribute("data-crisis", "yes")
    expect(phone_page.locator("#crisis-contacts")).to_be_visible()
    expect(phone_page.locator("#crisis-contacts a[href^='tel:']").first).to_be_visible()
    expect(phone_page.locator("#crisis-banner")).to_be_visible()
    for path in ("/", "/screenings", "/history", "/consent", "/screenings/gad7"):
        phone_page.goto(f"{live_server}{path}")
        expect(phone_page.locator("#crisis-banner")).to_be_visible()
        expect(phone_page.locator("#crisis-banner a[href^='tel:']").first).to_be_visible()
    assert page_width(phone_page) <= PHONE_WIDTH
    assert_clean(phone_page)


def test_an_expired_session_keeps_the_answers_through_sign_in(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
    add_officer: Callable[..., str],
) -> None:
    username = add_officer("e2e_expired")
    sign_in(phone_page, live_server, username)
    give_consent_on_the_way(phone_page, live_server, "phq9")
    answer(phone_page, PHQ9_PAGE_1)
    phone_page.context.clear_cookies()  # the session ends while the officer is answering
    phone_page.click("#nav-next")
    expect(phone_page.locator("#session-ended")).to_be_visible()
    for item, value in PHQ9_PAGE_1.items():
        expect(phone_page.locator(f"input[name='carry.{item}']")).to_have_value(str(value))
    phone_page.fill("#username", username)
    phone_page.fill("#password", DEMO_PASSWORD)
    phone_page.click("form[action$='/login'] button[type=submit]")
    expect(phone_page.locator("#continue")).to_be_visible()
    phone_page.click("#continue-button")
    expect(phone_page.locator("#questionnaire")).to_have_attribute("data-position", "2")
    phone_page.goto(f"{live_server}/screenings/phq9?page=1")
    for item, value in PHQ9_PAGE_1.items():
        expect(phone_page.locator(f"input[name={item}][value='{value}']")).to_be_checked()
    assert_clean(phone_page)


def test_admin_sees_wave_counts_and_records_an_incident(
    page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    sign_in(page, live_server, "admin")
    page.click("#link-campaigns")
    campaign = page.locator("section.campaign").filter(has_text="示范季度心理健康筛查")
    expect(campaign.locator("tr[data-wave]")).to_have_count(4)  # 2 closed, 1 open, 1 scheduled
    closed = campaign.locator("tr[data-state=closed]").first
    invited = int(closed.locator("[data-count=invited]").inner_text())
    submitted = int(closed.locator("[data-count=submitted]").inner_text())
    assert invited >= 60
    assert 0 < submitted < invited
    expect(page.locator("body")).not_to_contain_text("officer0")  # counts, never names

    page.goto(f"{live_server}/admin/incidents/new")
    page.select_option("#unit-choice", "ST3-T1")
    page.click("#choose-unit")
    page.fill("#occurred", "2025-06-01")  # long past: its follow-ups expire, none opens
    page.fill("#description", "E2E 处置突发事件")
    page.check("#officers input[value=officer41]")
    page.check("#officers input[value=officer42]")
    expect(page.locator("#schedule")).to_have_value("3:pcptsd5+phq9,30:pcl5+phq9,90:pcl5+phq9")
    page.click("#create-incident")
    row = page.locator("tr[data-incident]").filter(has_text="E2E 处置突发事件")
    expect(row.locator("[data-count=officers]")).to_have_text("2")
    assert_clean(page)
