"""Helpers for the officer page tests: drive the forms like a browser would."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def token_of(page: str) -> str:
    """The CSRF token of a rendered page."""
    match = TOKEN.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Pages:
    """Drive the questionnaire like a browser: fetch a page, post its form."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.get_data(as_text=True)

    def answer(
        self,
        instrument: str,
        page: int,
        answers: dict[str, int],
        nav: str = "next",
        query: str = "",
    ) -> Any:
        path = f"/screenings/{instrument}?page={page}{query}"
        token = token_of(self.get(path))
        data = {"csrf_token": token, "nav": nav, **{k: str(v) for k, v in answers.items()}}
        return self.client.post(path, data=data)

    def submit(self, instrument: str, query: str = "") -> Any:
        review = self.get(f"/screenings/{instrument}/review{query.replace('&', '?', 1)}")
        key = KEY.search(review)
        assert key
        data = {"csrf_token": token_of(review), "idempotency_key": key.group(1)}
        return self.client.post(
            f"/screenings/{instrument}/submit{query.replace('&', '?', 1)}", data=data
        )


def fill_phq9(pages: Pages, values: list[int]) -> None:
    """Answer PHQ-9 q1..q9 over its two pages (the optional difficulty item left out)."""
    first = {f"q{i}": v for i, v in enumerate(values[:5], start=1)}
    second = {f"q{i}": v for i, v in enumerate(values[5:], start=6)}
    assert pages.answer("phq9", 1, first).status_code == 302
    assert pages.answer("phq9", 2, second).status_code == 302


def review_form(pages: Pages, instrument: str) -> dict[str, str]:
    """The review page's submit form fields (CSRF token and idempotency key)."""
    review = pages.get(f"/screenings/{instrument}/review")
    key = KEY.search(review)
    assert key
    return {"csrf_token": token_of(review), "idempotency_key": key.group(1)}


def checked(page: str, item: str, value: int) -> bool:
    """Whether the page shows this option of this item as chosen."""
    return f'name="{item}" value="{value}" data-item="{item}" checked' in page
