"""Issue 22.4: on a first visit the browser's Accept-Language chooses between zh-CN (the default)
and English, q-values respected; the switch stays and a saved choice wins."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from wellbeing.faces.i18n import browser_locale


def _lang_of(page: str) -> str:
    return "en" if '<html lang="en">' in page else "zh-CN"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "zh-CN"),
        ("en-US,en;q=0.9", "en"),
        ("en-GB", "en"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("zh-TW,en;q=0.5", "zh-CN"),  # any Chinese first is Chinese
        ("zh;q=0.5, en;q=0.9", "en"),  # q-values, not the order written
        ("en;q=0.4, zh", "zh-CN"),
        ("fr, en;q=0.8", "en"),  # the first we speak
        ("fr, de;q=0.9", "zh-CN"),  # nothing we speak: the default
        ("en;q=0, zh;q=0.1", "zh-CN"),  # q=0 means "not this"
        ("*", "zh-CN"),
        ("en, zh", "en"),  # a tie keeps the browser's order
        ("en_US", "en"),
    ],
)
def test_first_visit_follows_the_browser(client: FlaskClient, header: str, expected: str) -> None:
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert _lang_of(page) == expected
    assert ("Sign in" in page) == (expected == "en")


def test_browser_locale_is_pure() -> None:
    assert browser_locale("de, en-AU;q=0.3", "zh_CN") == "en"
    assert browser_locale("de", "en") == "en"
    assert browser_locale("not a header;;q=x", "zh_CN") == "zh_CN"


def test_the_switch_wins_over_the_browser_and_stays_after_sign_out(
    client: FlaskClient, csrf: Any, login: Any, make_user: Any
) -> None:
    english = {"Accept-Language": "en-US,en;q=0.9"}
    token = csrf(client, "/login")
    client.post("/lang", data={"lang": "zh_CN", "next": "/login", "csrf_token": token})
    assert _lang_of(client.get("/login", headers=english).get_data(as_text=True)) == "zh-CN"
    user = make_user("officer")
    login(client, user.username)
    assert _lang_of(client.get("/", headers=english).get_data(as_text=True)) == "zh-CN"
    client.post("/logout", data={"csrf_token": csrf(client, "/")})
    assert _lang_of(client.get("/login", headers=english).get_data(as_text=True)) == "zh-CN"


def test_an_english_browser_keeps_english_after_signing_in(
    client: FlaskClient, login: Any, make_user: Any
) -> None:
    english = {"Accept-Language": "en"}
    user = make_user("officer")  # the account's locale was never chosen
    assert _lang_of(client.get("/login", headers=english).get_data(as_text=True)) == "en"
    login(client, user.username)
    page = client.get("/", headers=english).get_data(as_text=True)
    assert _lang_of(page) == "en"
    assert "My wellbeing checks" in page
    assert _lang_of(client.get("/").get_data(as_text=True)) == "zh-CN"  # no header: the default


def test_a_saved_english_choice_wins_over_a_chinese_browser(
    app: Flask, login: Any, make_user: Any
) -> None:
    client = app.test_client()
    user = make_user("officer", locale="en")
    login(client, user.username)
    chinese = {"Accept-Language": "zh-CN,zh;q=0.9"}
    assert _lang_of(client.get("/", headers=chinese).get_data(as_text=True)) == "en"


def test_lang_parameter_wins_over_everything(client: FlaskClient) -> None:
    page = client.get("/login?lang=zh_CN", headers={"Accept-Language": "en"})
    assert _lang_of(page.get_data(as_text=True)) == "zh-CN"
