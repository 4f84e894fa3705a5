"""The README's screenshots, taken from the real service with the demo's data.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--keep]

Runs `wellbeing demo` on SQLite in a temporary instance, serves it with `wellbeing serve` on a
free port of 127.0.0.1 and drives Debian's chromium through Playwright, in Chinese (the browser
asks for zh-CN; the CJK text is drawn with the system's Noto CJK fonts, fonts-noto-cjk — nothing
is fetched from elsewhere). Three PNGs are written to `--out`, replacing any there:

- officer-result-phone.png: a new officer (`shot_officer` in ST1-T1, added for the picture with
  `wellbeing users add`) on a 360×740 phone agrees to the privacy terms, answers PHQ-9 with fixed
  answers (total 5, "mild", no crisis item) and sees the result; the whole page.
- counsellor-queue.png: counsellor1's referral queue on a 1280 px desk, the first 900 px.
- leader-report.png: leader_bureau's report of the newest closed wave on a 1280 px desk, the
  first 1200 px (participation and PHQ-9).

Deterministic: fixed people, answers, viewports and device scale, animations stopped and the
text caret hidden, every page loaded fully before the picture; every page is reached by clicks
from the home page, as a person would. What moves is only what the demo moves:
its dates and states are built relative to now, so a re-run after a demo change (or on another
day) shows the demo's new figures and dates. Re-run it after changing the demo or the pages.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from loadgen import Server, demo_env

ROOT = Path(__file__).resolve().parents[1]
WELLBEING = Path(sys.executable).with_name("wellbeing")
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - the published demo login
OFFICER = "shot_officer"
PHQ9 = {"q1": 1, "q2": 2, "q3": 0, "q4": 1, "q5": 0, "q6": 1, "q7": 0, "q8": 0, "q9": 0}
# A phone drawn at twice its size (as its screen would), a desk at its own.
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
PHONE |= {"device_scale_factor": 2}
DESK = {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1}


def prepare(folder: Path) -> dict[str, str]:
    """The demo in `folder`/instance and the officer of the first picture; the environment."""
    env: dict[str, str] = demo_env(folder / "instance")
    subprocess.run([str(WELLBEING), "demo"], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    subprocess.run(  # noqa: S603 - fixed arguments
        [str(WELLBEING), "users", "add", OFFICER, "--unit", "ST1-T1", "--role", "officer",
         "--name", "民警 李明", "--password-stdin"],
        input=f"{DEMO_PASSWORD}\n", env=env, check=True, text=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return env


def signed_in(browser: Browser, base_url: str, username: str, device: dict[str, object]) -> Page:
    """A new zh-CN browser context of this device, signed in as `username` through the form."""
    context = browser.new_context(locale="zh-CN", **device)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form[action$='/login'] button[type=submit]")
    return page


def shoot(page: Page, path: Path, **clip: object) -> None:
    """A still picture of the loaded page: animations stopped, no text caret."""
    page.wait_for_load_state("load")
    page.screenshot(path=path, animations="disabled", caret="hide", **clip)  # type: ignore[arg-type]
    page.context.close()


def officer_result(browser: Browser, base_url: str, out: Path) -> None:
    page = signed_in(browser, base_url, OFFICER, PHONE)
    page.goto(f"{base_url}/screenings")
    page.click("#consent-agree")
    page.click("#start-phq9")
    while page.locator("#review").count() == 0:
        for item in page.locator("#questionnaire fieldset.item").evaluate_all(
            "sets => sets.map(s => s.dataset.item)"
        ):
            if item in PHQ9:
                page.check(f"input[name={item}][value='{PHQ9[item]}']")
        with page.expect_navigation():
            page.click("#nav-next")
    with page.expect_navigation():
        page.click("#submit-answers")
    page.wait_for_selector("#result[data-band]")
    shoot(page, out / "officer-result-phone.png", full_page=True)


def counsellor_queue(browser: Browser, base_url: str, out: Path) -> None:
    page = signed_in(browser, base_url, "counsellor1", DESK)
    page.click("#link-queue")
    page.wait_for_selector("#queue-table")
    shoot(page, out / "counsellor-queue.png")


def leader_report(browser: Browser, base_url: str, out: Path) -> None:
    page = signed_in(browser, base_url, "leader_bureau", DESK)
    page.click("#leader-reports li[data-unit=BUR] a.report-link")  # the newest closed wave
    page.wait_for_selector("#report-unit")
    top = {"x": 0, "y": 0, "width": 1280, "height": 1200}
    shoot(page, out / "leader-report.png", full_page=True, clip=top)


def main() -> int:
    """Start the demo, take the three pictures, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance")
    options = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium not found: `apt-get install -y chromium fonts-noto-cjk`")
    options.out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="wellbeing-screenshots-"))
    server = Server(env=prepare(folder), log=folder / "server.log")
    server.start()
    base_url = f"http://127.0.0.1:{server.port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for take in (officer_result, counsellor_queue, leader_report):
                take(browser, base_url, options.out)
            browser.close()
    finally:
        server.stop()
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
    for name in ("officer-result-phone.png", "counsellor-queue.png", "leader-report.png"):
        print(options.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
