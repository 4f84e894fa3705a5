"""Issue 17's worst night, in a real browser at 360 px: a supervisor has put counsellor1 on call;
at 02:00 on the station's clock an officer answers PHQ-9 item 9; the urgent referral reaches the
on-call counsellor at once (the outbox holds the on-call notice for counsellor1) and the officer's
crisis contacts show the on-call phone; counsellor1 claims it, reaches the officer, records a risk
assessment and a safety plan, and closes it; the officer sees the plan on their own page; the
supervisor (a second pair of eyes) signs the closed case off.

"02:00" is real, not faked: this server runs in the fixed-offset time zone (Etc/GMT±N) in which
the present moment is two o'clock in the morning, so the office hours (Mon–Fri 08:30–17:30) are
over whatever the day, and the roster's night shift (17:30–08:30, every day) is running.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, page_width, serve_demo, watched_page
from tests.e2e.test_referral_flow import answer_phq9
from wellbeing.demo.organisation import demo_phone

pytestmark = pytest.mark.e2e

OFFICER = "e2e_night"
WELLBEING = Path(sys.executable).with_name("wellbeing")
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
ON_CALL_PHONE = demo_phone("counsellor1")


def zone_where_it_is_two_in_the_morning(now: datetime) -> str:
    """A fixed-offset zone (UTC-12 … UTC+14) whose wall clock reads 02:xx at `now`."""
    offset = (2 - now.hour) % 24
    if offset > 14:
        offset -= 24
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-8 is UTC+8


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The demo service whose station clock reads 02:00 now; yields (base URL, instance)."""
    folder = tmp_path_factory.mktemp("night")
    zone = zone_where_it_is_two_in_the_morning(datetime.now(UTC))
    with serve_demo(folder, WELLBEING_TIMEZONE=zone) as base_url:
        yield base_url, folder / "instance"


def _api(base_url: str, method: str, path: str, body: object, token: str | None = None) -> object:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 - the live server on 127.0.0.1
        f"{base_url}{path}", data=json.dumps(body).encode(), headers=headers, method=method
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


def _roster_counsellor1_on_call_every_night(base_url: str) -> None:
    token = _api(
        base_url,
        "POST",
        "/api/v1/auth/token",
        {"username": "supervisor", "password": DEMO_PASSWORD},
    )["token"]  # type: ignore[index]
    nights = [
        {"username": who, "weekday": day, "from": "17:30", "to": "08:30"}
        for day in range(7)
        for who in ("counsellor1", "supervisor")
    ]
    stored = _api(base_url, "PUT", "/api/v1/rosters/BUR", {"entries": nights, "changes": []}, token)
    assert len(stored["entries"]) == 14  # type: ignore[index]


def _add_officer(instance: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
    env |= {"WELLBEING_INSTANCE_PATH": str(instance), "WELLBEING_DEMO": "1"}
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [str(WELLBEING), "users", "add", OFFICER, "--unit", "ST2-T1", "--role", "officer",
         "--name", "E2E 夜间", "--password-stdin"],
        input=f"{DEMO_PASSWORD}\n", env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def _on_call_notices(instance: Path) -> list[str]:
    """Who the outbox addressed `referral.on_call` notices to (usernames)."""
    with sqlite3.connect(f"file:{instance / 'wellbeing.db'}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT users.username FROM outbox_messages JOIN users"
            " ON users.id = outbox_messages.recipient_user_id"
            " WHERE outbox_messages.kind = 'referral.on_call'"
        ).fetchall()
    return [username for (username,) in rows]


def test_an_item_nine_answer_at_two_in_the_morning_ends_with_a_person_safe_and_a_review(
    browser: Browser,
    night: tuple[str, Path],
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    base_url, instance = night
    _roster_counsellor1_on_call_every_night(base_url)
    _add_officer(instance)

    with watched_page(browser, base_url, **PHONE) as officer:
        sign_in(officer, base_url, OFFICER)
        answer_phq9(officer, base_url)
        officer.click("#submit-answers")
        expect(officer.locator("#result")).to_have_attribute("data-crisis", "yes")
        expect(officer.locator("#on-call-phone")).to_contain_text(ON_CALL_PHONE)
        assert page_width(officer) <= 360
        assert _on_call_notices(instance) == ["counsellor1"]  # at once, to the one on call
        assert_clean(officer)

        with watched_page(browser, base_url, **PHONE) as counsellor:
            sign_in(counsellor, base_url, "counsellor1")
            counsellor.goto(f"{base_url}/referrals")
            row = counsellor.locator(f"#queue-table tr[data-officer={OFFICER}][data-status=open]")
            expect(row).to_have_attribute("data-priority", "urgent")
            row.locator("button[data-claim]").click()
            expect(counsellor.locator("#referral")).to_have_attribute("data-status", "claimed")
            expect(counsellor.locator("#running-clock")).to_have_attribute("data-clock", "contact")
            counsellor.check("#reached-yes")
            counsellor.fill("#contact-note", "电话联系上，本人同意今晚有家人陪同。")
            counsellor.click("#contact-submit")
            expect(counsellor.locator("#referral")).to_have_attribute("data-status", "contacted")

            counsellor.check("#level-high")
            counsellor.check("#action-stayed_with_officer")
            counsellor.check("#action-family_informed")
            counsellor.fill("#risk-note", "有消极念头，无具体计划；家人已在身边。")
            counsellor.click("#risk-submit")
            expect(counsellor.locator("#crisis")).to_have_attribute("data-assessments", "1")

            counsellor.fill("#plan-warning_signs", "连续失眠\n不想见人")
            counsellor.fill("#plan-coping", "出门散步半小时")
            counsellor.fill("#plan-people", "妻子")
            counsellor.fill("#plan-professionals", f"值班咨询师 {ON_CALL_PHONE}")
            counsellor.click("#plan-submit")
            expect(counsellor.locator("#safety-plan")).to_have_attribute("data-plan", "yes")

            counsellor.select_option("#close-outcome", "support_provided")
            counsellor.fill("#close-note", "已制定安全计划，明早复谈。")
            counsellor.click("#close-submit")
            expect(counsellor.locator("#referral")).to_have_attribute("data-status", "closed")
            assert page_width(counsellor) <= 360
            assert_clean(counsellor)

        officer.goto(f"{base_url}/me/safety-plan")
        expect(officer.locator("#my-safety-plan")).to_have_attribute("data-plan", "yes")
        expect(officer.locator("#mine-coping")).to_contain_text("出门散步半小时")
        expect(officer.locator("#mine-professionals")).to_contain_text(ON_CALL_PHONE)
        assert page_width(officer) <= 360
        assert_clean(officer)

    with watched_page(browser, base_url, **PHONE) as supervisor:
        sign_in(supervisor, base_url, "supervisor")
        supervisor.goto(f"{base_url}/referrals/supervision/reviews")
        supervisor.locator("#reviews-table a[data-open]").filter(has_text="E2E 夜间").click()
        supervisor.check("#decision-signed-off")
        supervisor.fill("#review-comment", "处置及时，风险评估和安全计划完整。")
        supervisor.click("#review-submit")
        expect(supervisor.locator("#reviews-table")).not_to_contain_text("E2E 夜间")
        supervisor.goto(supervisor.url)
        assert page_width(supervisor) <= 360
        assert_clean(supervisor)
