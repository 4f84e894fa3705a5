"""Fixtures for the library: writers and readers, API tokens, articles, a screening result."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from wellbeing.library import service
from wellbeing.library.models import Article
from wellbeing.org.models import User


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    """A counsellor (a writer), an officer in ST1-T1 and one in ST2-T1, a leader, an admin."""
    return {
        "writer": make_user("counsellor", unit="ST1", scope="ST1", username="writer"),
        "officer": make_user("officer", unit="ST1-T1", username="reader"),
        "officer2": make_user("officer", unit="ST2-T1", username="reader2"),
        "leader": make_user("leader", unit="ST1", scope="ST1", username="boss"),
        "admin": make_user("admin", unit="BUR", username="root"),
    }


def article_body(
    category: str = "stress", *, published: bool = True, zh: str = "正文", en: str = "Text"
) -> dict[str, Any]:
    """A valid article body for the API."""
    return {
        "title": {"zh-CN": f"标题 {category}", "en": f"Title {category}"},
        "summary": {"zh-CN": "摘要", "en": "Summary"},
        "body": {"zh-CN": zh, "en": en},
        "category": category,
        "published": published,
    }


@pytest.fixture
def make_article(db_session: Any, people: dict[str, User]) -> Callable[..., Article]:
    """make_article("sleep", published=False, en="# Markdown") → a saved article."""

    def build(category: str = "stress", **kwargs: Any) -> Article:
        data = service.parse_article(article_body(category, **kwargs))
        article = service.create_article(db_session, people["writer"], data)
        db_session.flush()
        return article

    return build


@pytest.fixture
def submit(app: Any, db_session: Any) -> Callable[..., Any]:
    """submit(officer, "gad7", [values…]) through the real screening pipeline."""
    from wellbeing.screening import service as screening
    from wellbeing.screening.consent import current_consent, give_consent

    def run(officer: User, instrument: str, values: list[int]) -> Any:
        if current_consent(db_session, officer) is None:
            give_consent(db_session, officer)
        outcome = screening.submit(
            db_session,
            app.extensions["wellbeing.policy"],
            officer,
            instrument_id=instrument,
            answers={f"q{i}": value for i, value in enumerate(values, start=1)},
            idempotency_key=uuid.uuid4().hex,
        )
        db_session.flush()
        return outcome

    return run
