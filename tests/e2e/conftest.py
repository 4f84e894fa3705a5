"""Browser tests against the real service: `wellbeing demo` data served by gunicorn on a free port,
driven by Debian's chromium through Playwright. Run with `python -m pytest -n 0 -m e2e tests/e2e`.
They also run on two xdist workers, each with its own live server (`-n 2 --dist loadfile`: a
file's tests share module fixtures and what earlier tests changed; no file relies on another),
but on two cores that was not faster: each worker adds a demo build, a gunicorn and a chromium.

Fixtures: `live_server` (base URL), `browser`, `page` (desk-sized) and `phone_page` (360×740),
each page in a fresh context. Every page is watched: console errors and requests to any other host
fail the test at teardown. `sign_in(page, base_url, username)` and `assert_clean(page)` are
fixtures returning those helpers, like `login` in tests/conftest.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from loadgen import demo_env, free_port

DEMO_PASSWORD = "demo-password-2026"
WELLBEING = Path(sys.executable).with_name("wellbeing")  # the console script of this environment
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STARTUP_SECONDS = 60.0  # a hang guard only (a dead server fails at once): a busy machine is slow
PAGE_TIMEOUT_MS = 15_000
CLIENT_ERROR_LOG = re.compile(
    r"Failed to load resource: the server responded with a status of 4\d\d"
)


def wait_until_answering(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Poll `url` until it answers 200; fail with the server's log if it dies or times out."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our http URL
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"the server did not answer {url} in {STARTUP_SECONDS}s:\n{log.read_text()}")


def stop(server: subprocess.Popen[bytes]) -> None:
    """End the whole process group (gunicorn's master and workers), forcefully if it lingers."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def create_demo_data(env: dict[str, str]) -> None:
    """`wellbeing demo`: instance folder, migrations and the demo organisation and logins."""
    demo = subprocess.run(  # noqa: S603 - fixed arguments
        [str(WELLBEING), "demo"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if demo.returncode != 0:
        pytest.fail(f"`wellbeing demo` failed ({demo.returncode}):\n{demo.stdout}{demo.stderr}")


@contextmanager
def serve_demo(folder: Path, **settings: str) -> Iterator[str]:
    """`wellbeing demo` data in `folder`/instance served by gunicorn on a free port, with these
    WELLBEING_* settings added; yields the base URL and stops the server after."""
    env = demo_env(folder / "instance") | settings
    create_demo_data(env)
    port = free_port()
    log = folder / "server.log"  # gunicorn's output, shown when start-up fails
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(WELLBEING), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so teardown reaches the workers
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base_url}/login", server, log)
        yield base_url
    finally:
        stop(server)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real service with demo data on SQLite in a temp instance; yields its base URL.

    One per process: under xdist each worker's basetemp is its own, so each worker serves its own
    demo data (what one worker's tests change, the other's never see)."""
    with serve_demo(tmp_path_factory.mktemp("live")) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless; missing chromium fails (never skips) with the fix."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium not found: install Debian's browser with `apt-get install -y chromium`"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class PageLog:
    """What a page did that a test should never see: console errors, server errors (5xx) and
    requests to any host but the live server."""

    base_url: str
    problems: list[str] = field(default_factory=list)
    documents: set[str] = field(default_factory=set)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # chromium logs a page answered 4xx on purpose (a refused sign-in is a 401 page) and its
        # own favicon probe as "Failed to load resource"; the tests check such pages themselves.
        expected = url in self.documents or url == f"{self.base_url}/favicon.ico"
        if expected and CLIENT_ERROR_LOG.match(message.text):
            return
        self.problems.append(f"console error: {message.text} ({url})")

    def on_page_error(self, error: Exception) -> None:
        self.problems.append(f"uncaught: {error}")

    def on_request(self, request: Request) -> None:
        url = request.url
        if request.is_navigation_request():
            self.documents.add(url)
        if not (url.startswith(f"{self.base_url}/") or url.startswith(("data:", "about:"))):
            self.problems.append(f"request to another host: {url}")

    def on_response(self, response: Response) -> None:
        if response.status >= 500:
            self.problems.append(f"server error {response.status}: {response.url}")

    def check(self) -> None:
        assert not self.problems, "the page logged errors or left the live server:\n" + "\n".join(
            self.problems
        )


_LOGS: dict[Page, PageLog] = {}


def assert_clean(page: Page) -> None:
    """No console error and no request outside the live server so far on this page."""
    _LOGS[page].check()


@contextmanager
def watched_page(browser: Browser, base_url: str, **options: Any) -> Iterator[Page]:
    """A page in a fresh context, watched for console errors and foreign requests.

    The browser asks for Chinese (`Accept-Language: zh-CN`) unless `locale=` says otherwise, as
    the station's officers' phones do: the first language comes from the browser."""
    options.setdefault("locale", "zh-CN")
    context = browser.new_context(**options)
    context.set_default_timeout(PAGE_TIMEOUT_MS)  # a hung server fails fast, not after 30 s
    page = context.new_page()
    log = _LOGS[page] = PageLog(base_url)
    page.on("console", log.on_console)
    page.on("pageerror", log.on_page_error)
    context.on("request", log.on_request)
    context.on("response", log.on_response)
    try:
        yield page
    finally:
        context.close()
        del _LOGS[page]
    log.check()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A desk-sized page in a fresh browser context."""
    with watched_page(browser, live_server) as opened:
        yield opened


@pytest.fixture
def phone_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A 360×740 touch phone page in a fresh browser context."""
    with watched_page(
        browser, live_server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    ) as opened:
        yield opened


def submit_sign_in(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form (labels are in the page's language; ids are not)."""
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_load_state()


def page_width(page: Page) -> int:
    """The laid-out width of the document (wider than the viewport means sideways scrolling)."""
    width: int = page.evaluate("document.scrollingElement.scrollWidth")
    return width


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """`sign_in(page, base_url, username, password=DEMO_PASSWORD)` through the real form."""
    return submit_sign_in


@pytest.fixture(name="assert_clean")
def assert_clean_fixture() -> Callable[[Page], None]:
    """`assert_clean(page)`: no console error and no foreign request on the page so far."""
    return assert_clean
