"""From a worrying answer to a closed referral, in a real browser: an officer on a phone answers
PHQ-9 item 9 with "several days" and sees the crisis contacts at once; counsellor1 finds the
referral at the top of the queue as urgent, claims it, records a contact and a risk assessment
and closes it with an outcome; the officer's crisis banner is gone.

The officer is added fresh with `wellbeing users add` (the demo history leaves most demo officers
with an open crisis referral already, so none starts without a banner); counsellor1's scope is
the bureau, which covers the officer's unit.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

OFFICER = "e2e_referral"
DEMO_PASSWORD = "demo-password-2026"
WELLBEING = Path(sys.executable).with_name("wellbeing")
PHQ9 = {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 1}


@pytest.fixture(scope="module")
def officer(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A new officer in ST3-T1 on the live server (no consent, no history yet)."""
    found = tmp_path_factory.getbasetemp().glob("live*/instance")
    instances = sorted({path.resolve() for path in found})
    assert len(instances) == 1, f"the live server's instance folder, found {instances}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
    env |= {"WELLBEING_INSTANCE_PATH": str(instances[0]), "WELLBEING_DEMO": "1"}
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [str(WELLBEING), "users", "add", OFFICER, "--unit", "ST3-T1", "--role", "officer",
         "--name", "E2E 转介", "--password-stdin"],
        input=f"{DEMO_PASSWORD}\n", env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return OFFICER


def answer_phq9(page: Page, base_url: str) -> None:
    """Start PHQ-9 (consenting first if asked) and answer page after page up to the review."""
    page.goto(f"{base_url}/screenings/phq9")
    if page.locator("#consent-agree").count():
        page.click("#consent-agree")
        page.goto(f"{base_url}/screenings/phq9")
    for _ in range(10):
        expect(page.locator("#questionnaire[data-instrument=phq9]")).to_be_visible()
        for item in page.locator("#questionnaire fieldset.item").evaluate_all(
            "sets => sets.map(s => s.dataset.item)"
        ):
            if item in PHQ9:
                page.check(f"input[name={item}][value='{PHQ9[item]}']")
        page.click("#nav-next")
        page.wait_for_load_state()
        if "/review" in page.url:
            return
    pytest.fail("the questionnaire never reached its review")


def test_item_nine_reaches_a_counsellor_who_closes_it_and_the_banner_ends(
    phone_page: Page,
    page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
    officer: str,
) -> None:
    phone = phone_page
    sign_in(phone, live_server, officer)
    expect(phone.locator("#crisis-banner")).to_have_count(0)
    answer_phq9(phone, live_server)
    phone.click("#submit-answers")
    expect(phone.locator("#result")).to_have_attribute("data-crisis", "yes")
    expect(phone.locator("#crisis-contacts")).to_be_visible()
    expect(phone.locator("#crisis-banner")).to_be_visible()
    assert_clean(phone)

    desk = page
    sign_in(desk, live_server, "counsellor1")
    desk.click("#queue-link")
    row = desk.locator(f"#queue-table tr[data-officer={officer}][data-status=open]")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-priority", "urgent")
    expect(desk.locator("#queue-table tbody tr").first).to_have_attribute("data-priority", "urgent")
    row.locator("button[data-claim]").click()
    expect(desk.locator("#referral")).to_have_attribute("data-status", "claimed")
    expect(desk.locator("#referral")).to_have_attribute("data-priority", "urgent")
    expect(desk.locator(".submission tr[data-item=q9]")).to_have_attribute("data-value", "1")

    desk.check("#reached-yes")
    desk.fill("#contact-note", "Spoke by phone; agreed to meet tomorrow.")
    desk.click("#contact-submit")
    expect(desk.locator("#referral")).to_have_attribute("data-status", "contacted")
    expect(desk.locator("#history li[data-kind=contact_attempt]")).to_have_count(1)

    desk.check("#level-moderate")  # an urgent referral closes only after a risk assessment
    desk.check("#action-safety_plan_made")
    desk.click("#risk-submit")
    expect(desk.locator("#crisis")).to_have_attribute("data-assessments", "1")

    desk.select_option("#close-outcome", "support_provided")
    desk.fill("#close-note", "Met in person; safety plan made; follow-up booked.")
    desk.click("#close-submit")
    expect(desk.locator("#referral")).to_have_attribute("data-status", "closed")
    expect(desk.locator("#referral-outcome")).to_be_visible()
    expect(desk.locator("#close-form")).to_have_count(0)
    assert_clean(desk)

    phone.goto(f"{live_server}/")
    expect(phone.locator("#crisis-banner")).to_have_count(0)
    assert_clean(phone)
