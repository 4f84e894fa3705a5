"""Every role's first minutes (issue 22): from `/`, sign in and reach the role's main job by clicks
alone — no typed address after the first — on a 360 px phone and a 1280 px desk, in Chinese and
in English. Every page on the way must fit the viewport (`scrollWidth <= width`): a list that
squeezes or a table that pushes the page sideways fails here.

The people are this module's own, added once for the module (one `python` process, as
`wellbeing users add` would, at a fraction of its start-up cost), with the account's default
locale so the browser's `Accept-Language` chooses the language: one fresh officer per case (each
meets the consent page), and one counsellor, supervisor, leader (bureau scope) and admin shared
by the cases. Five more officers ask to talk to a counsellor through the API, so the queue always
has referrals to claim and the supervisor has one of ours to reassign, whatever the demo holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, watched_page

PREFIX = "fm"  # first minutes: every username this module adds starts with it
STAFF = {
    "counsellor": ("BUR", "counsellor:BUR", "心理咨询师 首分钟"),
    "supervisor": ("BUR", "supervisor:BUR", "督导 首分钟"),
    "leader": ("BUR", "leader:BUR", "局领导 首分钟"),
    "admin": ("BUR", "admin", "管理员 首分钟"),
}
ASKING = [f"{PREFIX}_asks{n}" for n in range(5)]  # the last one's referral is reassigned
WIDTHS, LOCALES = (360, 1280), ("zh-CN", "en")
CASES = [pytest.param(w, loc, id=f"{loc}-{w}") for w in WIDTHS for loc in LOCALES]
pytestmark = [pytest.mark.e2e, pytest.mark.parametrize(("width", "locale"), CASES)]
PHQ9 = {"q1": 1, "q2": 1, "q3": 0, "q4": 1, "q5": 0, "q6": 0, "q7": 0, "q8": 0, "q9": 0}
ADD_USERS = """
import json, sys
from wellbeing.cli.common import org_transaction
from wellbeing.org import service
with org_transaction() as session:
    for username, unit, grant, name in json.loads(sys.argv[1]):
        service.add_user(session, username, unit_code=unit, grants=[service.parse_grant(grant)],
                         display_name=name, password=sys.argv[2])
"""


def officer_name(width: int, locale: str) -> str:
    return f"{PREFIX}_officer_{locale.lower().replace('-', '')}_{width}"


def live_instance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live server's instance folder (conftest's `live_server` made it under live*/)."""
    found = tmp_path_factory.getbasetemp().glob("live*/instance")
    instances = sorted({path.resolve() for path in found})
    assert len(instances) == 1, f"the live server's instance folder, found {instances}"
    return instances[0]


def api(base_url: str, path: str, body: object, token: str | None = None) -> dict[str, str]:
    """One JSON POST to the live server's API."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 - the live server's http URL
        f"{base_url}{path}", data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer: dict[str, str] = json.loads(response.read())
        return answer


@pytest.fixture(scope="module")
def people(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Add this module's users in one process; the asking officers each open a referral."""
    rows = [(f"{PREFIX}_{role}", *spec) for role, spec in STAFF.items()]
    rows += [
        (officer_name(w, loc), "ST3-T2", "officer", "民警 首分钟")
        for w in WIDTHS
        for loc in LOCALES
    ]
    rows += [(username, "ST2-T1", "officer", f"民警 {username[-1]}号") for username in ASKING]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLBEING_")}
    env |= {"WELLBEING_INSTANCE_PATH": str(live_instance(tmp_path_factory)), "WELLBEING_DEMO": "1"}
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", ADD_USERS, json.dumps(rows), DEMO_PASSWORD],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for username in ASKING:
        token = api(
            live_server, "/api/v1/auth/token", {"username": username, "password": DEMO_PASSWORD}
        )
        api(live_server, "/api/v1/me/self-referral", {"message": None}, token["token"])
    return {role: f"{PREFIX}_{role}" for role in STAFF}


@dataclass
class Walk:
    """A person's way through the site in one page: the first `/` typed, then only clicks; every
    page reached is checked to fit the viewport, and `done()` proves none was left unchecked."""

    page: Page
    width: int
    visited: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("framenavigated", self._note)

    def _note(self, frame: object) -> None:
        if frame == self.page.main_frame:
            self.visited.append(self.page.main_frame.url)

    def start(self, base_url: str) -> None:
        self.page.goto(f"{base_url}/")
        self.fits()

    def click(self, target: Locator) -> None:
        """Click something that loads a page (a link or a form's button), then check the page."""
        expect(target).to_be_visible()
        with self.page.expect_navigation():
            target.click()
        self.fits()

    def fits(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= self.width, f"{self.page.url} is {width} px wide at {self.width} px"
        self.checked.append(self.page.url)

    def sign_in(self, base_url: str, username: str, lang: str) -> None:
        """From `/` to the sign-in form and on to the home page, in the browser's language."""
        self.start(base_url)
        expect(self.page).to_have_url(f"{base_url}/login?next=/")
        self.page.fill("#username", username)
        self.page.fill("#password", DEMO_PASSWORD)
        self.click(self.page.locator("form[action$='/login'] button[type=submit]"))
        expect(self.page).to_have_url(f"{base_url}/")
        expect(self.page.locator("html")).to_have_attribute("lang", lang)

    def done(self) -> None:
        assert self.visited, "no page was visited"
        assert self.visited == self.checked, "a page was reached without its width checked"


@pytest.fixture
def way(browser: Browser, live_server: str, width: int, locale: str) -> Iterator[Walk]:
    """A fresh, watched browser context of the case's width and language."""
    phone = width < 600
    size = {"width": width, "height": 740 if phone else 900}
    with watched_page(
        browser, live_server, locale=locale, viewport=size, is_mobile=phone, has_touch=phone
    ) as page:
        yield Walk(page, width)


def test_an_officer_takes_a_phq9_and_sees_the_result(
    way: Walk, live_server: str, people: dict[str, str], width: int, locale: str
) -> None:
    way.sign_in(live_server, officer_name(width, locale), locale)
    page = way.page
    way.click(page.locator("#link-self-check"))
    way.click(page.locator("#consent-agree"))  # a new officer agrees first, once
    way.click(page.locator("#start-phq9"))
    for _ in range(10):
        for item in page.locator("#questionnaire fieldset.item").evaluate_all(
            "sets => sets.map(s => s.dataset.item)"
        ):
            if item in PHQ9:  # the closing "how difficult" item is optional
                page.locator(f"input[name={item}][value='{PHQ9[item]}']").check()
        way.click(page.locator("#nav-next"))
        if page.locator("#review").count():
            break
    way.click(page.locator("#submit-answers"))
    expect(page.locator("#result")).to_have_attribute("data-band", "minimal")
    expect(page.locator("#result")).to_have_attribute("data-crisis", "no")
    way.done()


def test_a_counsellor_claims_the_top_referral(
    way: Walk, live_server: str, people: dict[str, str], width: int, locale: str
) -> None:
    way.sign_in(live_server, people["counsellor"], locale)
    page = way.page
    waiting = int(page.locator("#queue-waiting").get_attribute("data-count") or 0)
    assert waiting >= 1  # this module's officers asked for help
    way.click(page.locator("#link-queue"))
    top = page.locator("#queue-table tbody tr[data-status=open]").first
    referral = top.get_attribute("data-referral")
    way.click(top.locator("button[data-claim]"))
    expect(page.locator("#referral")).to_have_attribute("data-referral", referral or "")
    expect(page.locator("#referral")).to_have_attribute("data-status", "claimed")
    way.done()


def test_a_supervisor_reassigns_a_referral(
    way: Walk, live_server: str, people: dict[str, str], width: int, locale: str
) -> None:
    way.sign_in(live_server, people["supervisor"], locale)
    page = way.page
    way.click(page.locator("#link-reassign"))
    way.click(page.locator(f"#queue-table tr[data-officer={ASKING[-1]}] a[data-open]"))
    choice = page.locator("#reassign-counsellor")
    holder = choice.locator("option[selected]")
    held = holder.get_attribute("value") if holder.count() else None
    target = next(
        v for v in choice.locator("option").evaluate_all("os => os.map(o => o.value)") if v != held
    )
    choice.select_option(target)
    way.click(page.locator("#reassign-submit"))
    expect(page.locator("#referral")).to_have_attribute("data-status", "claimed")
    expect(page.locator("#reassign-counsellor option[selected]")).to_have_attribute("value", target)
    expect(page.locator("#history li[data-kind=reassigned]").last).to_contain_text(target)
    way.done()


def test_a_leader_opens_the_report_and_downloads_the_pdf(
    way: Walk, live_server: str, people: dict[str, str], width: int, locale: str
) -> None:
    way.sign_in(live_server, people["leader"], locale)
    page = way.page
    way.click(page.locator("#leader-reports li[data-unit=BUR] a.report-link"))
    expect(page.locator("#report-unit")).to_have_attribute("data-unit", "BUR")
    expect(page.locator("section[data-instrument=phq9] table.report").first).to_be_visible()
    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    way.done()


def test_an_admin_opens_the_campaigns(
    way: Walk, live_server: str, people: dict[str, str], width: int, locale: str
) -> None:
    way.sign_in(live_server, people["admin"], locale)
    page = way.page
    way.click(page.locator("#link-campaigns"))
    expect(page).to_have_url(f"{live_server}/admin/campaigns")
    expect(page.locator("section.campaign table.waves").first).to_be_visible()
    way.done()
