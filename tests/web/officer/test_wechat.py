"""WeChat's and 企业微信's in-app browsers: no popups anywhere, and beside every download a hint
(shown only inside those browsers) to open the page in the system browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from wellbeing.web.officer.wechat import in_wechat

WECOM_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2203A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/1234 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64 wxwork/4.1.22 ColorScheme/Light"
)
WECHAT_IOS_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN"
)
DESKTOP_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
HINT = "在微信中无法直接下载"
WEB = Path(__file__).resolve().parents[3] / "wellbeing" / "web"


@pytest.mark.parametrize(
    ("agent", "inside"),
    [(WECOM_UA, True), (WECHAT_IOS_UA, True), ("x wxwork/4.1.0", True), (DESKTOP_UA, False),
     ("", False), (None, False)],
)  # fmt: skip
def test_the_in_app_browsers_are_told_by_their_user_agent(agent: str | None, inside: bool) -> None:
    assert in_wechat(agent) is inside


@pytest.mark.parametrize("path", ["/history", "/me/safety-plan"])
def test_officer_downloads_carry_the_hint_only_inside_wechat(
    officer_client: FlaskClient, path: str
) -> None:
    inside = officer_client.get(path, headers={"User-Agent": WECOM_UA}).get_data(as_text=True)
    assert HINT in inside
    assert "data-wechat-hint" in inside
    outside = officer_client.get(path, headers={"User-Agent": DESKTOP_UA}).get_data(as_text=True)
    assert HINT not in outside
    assert "data-wechat-hint" not in outside


def test_the_pdf_export_is_a_plain_link_in_wechat(officer_client: FlaskClient) -> None:
    page = officer_client.get("/history", headers={"User-Agent": WECOM_UA}).get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" id="export-pdf"', page)
    assert link is not None
    pdf = officer_client.get(link.group(1), headers={"User-Agent": WECOM_UA})
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")


def test_the_hint_speaks_english_too(officer_client: FlaskClient) -> None:
    page = officer_client.get("/history?lang=en", headers={"User-Agent": WECHAT_IOS_UA})
    assert "Open in browser" in page.get_data(as_text=True)


def test_no_page_or_script_opens_a_popup() -> None:
    sources = [*WEB.joinpath("templates").rglob("*.html"), *WEB.joinpath("static").rglob("*.js")]
    assert sources
    popups = re.compile(r"target\s*=\s*[\"']?_blank|window\.open\s*\(", re.IGNORECASE)
    found = [str(path) for path in sources if popups.search(path.read_text(encoding="utf-8"))]
    assert found == [], "popups do not work in WeChat's in-app browser"
