"""Articles chosen for an officer: on their home page from their own latest results, and on a
result page from that result. Computed on the officer's own request and never stored."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session

from wellbeing.crypto.errors import UNREADABLE_ERRORS
from wellbeing.library import service
from wellbeing.library.categories import categories_for, category_label
from wellbeing.library.models import Article
from wellbeing.org.models import User
from wellbeing.screening.service import own_submissions, submission_view


def latest_bands(session: Session, officer: User) -> list[tuple[str, str | None]]:
    """(instrument, band) of the officer's latest result per instrument, newest first."""
    latest: dict[str, Any] = {}
    for submission in own_submissions(session, officer):  # oldest first: the last one wins
        latest[submission.instrument_id] = submission
    pairs = []
    for instrument, submission in sorted(
        latest.items(), key=lambda item: item[1].submitted_at, reverse=True
    ):
        try:
            band = submission_view(submission)["result"].get("band")
        except UNREADABLE_ERRORS:
            continue  # an unreadable record is reported where it is shown, not here
        pairs.append((instrument, band))
    return pairs


def for_you(session: Session, officer: User, lang: str) -> list[dict[str, Any]]:
    """Up to four published articles for the officer's latest results."""
    return links(service.articles_in(session, categories_for(latest_bands(session, officer))), lang)


def for_result(
    session: Session, instrument: str, band: str | None, lang: str
) -> list[dict[str, Any]]:
    """Up to four published articles for one result."""
    return links(service.articles_in(session, categories_for([(instrument, band)])), lang)


def links(articles: list[Article], lang: str) -> list[dict[str, Any]]:
    """Title, summary, category and address of each article."""
    return [
        {
            "id": article.id,
            "title": article.title(lang),
            "summary": article.summary(lang),
            "category": category_label(article.category, lang),
            "url": url_for("library.article", article_id=article.id),
        }
        for article in articles
    ]
