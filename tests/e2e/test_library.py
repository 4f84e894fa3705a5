"""The library on a phone in zh-CN: a demo officer finds it from the home page, opens a category
and an article, reads it without sideways scrolling, and follows a "for you" suggestion."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import page_width

pytestmark = pytest.mark.e2e

OFFICER = "officer01"


def fits_the_phone(page: Page) -> bool:
    """No sideways scrolling at 360 px."""
    viewport: int = page.evaluate("window.innerWidth")
    return page_width(page) <= viewport + 1


def test_an_officer_opens_an_article_from_the_library(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    sign_in(phone_page, live_server, OFFICER)
    expect(phone_page.locator("html")).to_have_attribute("lang", "zh-CN")
    phone_page.click("#library-nav-link")
    expect(phone_page.locator("h1")).to_have_text("心理科普")
    assert fits_the_phone(phone_page)
    phone_page.click("#library-categories a[data-category='sleep']")
    shelf = phone_page.locator("section.shelf[data-category='sleep']")
    expect(shelf).to_be_visible()
    shelf.locator("a.article-link").first.click()
    expect(phone_page.locator("#article h1")).to_contain_text("睡")
    body = phone_page.locator("#article-body")
    expect(body.locator("h2").first).to_be_visible()
    expect(body).to_contain_text("来源")
    assert fits_the_phone(phone_page)
    phone_page.click("#back-to-library")
    expect(phone_page.locator("#library-categories")).to_be_visible()
    assert_clean(phone_page)


def test_the_home_page_suggests_articles_for_the_officer(
    phone_page: Page,
    live_server: str,
    sign_in: Callable[..., None],
    assert_clean: Callable[[Page], None],
) -> None:
    sign_in(phone_page, live_server, OFFICER)
    suggestions = phone_page.locator("#for-you li a")
    expect(suggestions.first).to_be_visible()
    title = suggestions.first.inner_text()
    suggestions.first.click()
    expect(phone_page.locator("#article h1")).to_have_text(title)
    assert fits_the_phone(phone_page)
    assert_clean(phone_page)
