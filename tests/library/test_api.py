"""The library API's contract: routes, JSON shapes and status codes; drafts are 404 to readers;
bad input is 422 naming the field with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.library.conftest import article_body
from wellbeing.audit.models import AuditEntry
from wellbeing.library.models import Article


def _count(db_session: Any) -> int:
    return db_session.scalar(select(func.count()).select_from(Article))


@pytest.mark.parametrize("writer", ["writer", "root"])
def test_writers_create_articles_and_get_their_id(
    client: Any, db_session: Any, people: Any, bearer: Any, writer: str
) -> None:
    response = client.post("/api/v1/articles", json=article_body(), headers=bearer(writer))
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id"}
    stored = db_session.get(Article, body["id"])
    assert stored.published
    assert stored.category == "stress"
    audited = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == "library.article_created")
    ).all()
    assert [entry.target_id for entry in audited] == [body["id"]]


@pytest.mark.parametrize("caller", ["reader", "boss"])
def test_officers_and_leaders_may_not_write(
    client: Any, db_session: Any, people: Any, bearer: Any, caller: str
) -> None:
    response = client.post("/api/v1/articles", json=article_body(), headers=bearer(caller))
    assert response.status_code == 403
    assert _count(db_session) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": {"zh-CN": "", "en": "x"}}, "title"),
        ({"title": "just one language"}, "title"),
        ({"body": {"zh-CN": "x"}}, "body"),
        ({"body": {"zh-CN": "x", "en": "y" * 50_001}}, "body"),
        ({"category": "astrology"}, "category"),
        ({"category": {}}, "category"),  # schemathesis: an unhashable value was a 500
        ({"category": ["sleep"]}, "category"),
        ({"published": "yes"}, "published"),
        ({"summary": {"zh-CN": 3, "en": ""}}, "summary"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_nothing_is_written(
    client: Any, db_session: Any, people: Any, bearer: Any, change: dict[str, Any], field: str
) -> None:
    response = client.post(
        "/api/v1/articles", json={**article_body(), **change}, headers=bearer("writer")
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert _count(db_session) == 0


def test_list_shows_published_articles_to_every_signed_in_user(
    client: Any, people: Any, bearer: Any, make_article: Any
) -> None:
    shown = make_article("sleep")
    make_article("stress", published=False)
    for caller in ("reader", "boss", "writer", "root"):
        rows = client.get("/api/v1/articles", headers=bearer(caller)).get_json()
        assert [row["id"] for row in rows] == [shown.id]
    [row] = client.get("/api/v1/articles?lang=en", headers=bearer("reader")).get_json()
    assert row["title"] == {"zh-CN": "标题 sleep", "en": "Title sleep"}
    assert row["category_label"] == "Sleep"
    assert row["status"] == "published"
    assert client.get("/api/v1/articles").status_code == 401


def test_writers_may_list_drafts_too(
    client: Any, people: Any, bearer: Any, make_article: Any
) -> None:
    make_article("sleep")
    make_article("stress", published=False)
    assert len(client.get("/api/v1/articles?status=all", headers=bearer("writer")).get_json()) == 2
    assert len(client.get("/api/v1/articles?status=all", headers=bearer("reader")).get_json()) == 1


def test_one_article_has_its_sanitised_html_in_the_callers_language(
    client: Any, people: Any, bearer: Any, make_article: Any
) -> None:
    article = make_article(en="# Hi\n\n<script>alert(1)</script> [x](javascript:alert(1))")
    body = client.get(f"/api/v1/articles/{article.id}?lang=en", headers=bearer("reader")).get_json()
    assert body["language"] == "en"
    assert body["html"].startswith("<h2>Hi</h2>")
    assert "<script" not in body["html"]
    assert "javascript:" not in body["html"].split("&lt;")[0]
    assert 'href="javascript' not in body["html"]
    assert body["attachments"] == []
    zh = client.get(f"/api/v1/articles/{article.id}", headers=bearer("reader")).get_json()
    assert zh["language"] == "zh-CN"
    assert zh["html"] == "<p>正文</p>\n"


def test_drafts_do_not_exist_for_readers_but_do_for_writers(
    client: Any, people: Any, bearer: Any, make_article: Any
) -> None:
    draft = make_article(published=False)
    for caller in ("reader", "boss"):
        response = client.get(f"/api/v1/articles/{draft.id}", headers=bearer(caller))
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert client.get(f"/api/v1/articles/{draft.id}", headers=bearer("writer")).status_code == 200
    assert client.get("/api/v1/articles/" + "0" * 32, headers=bearer("writer")).status_code == 404


def test_publishing_a_draft_makes_it_readable(
    client: Any, people: Any, bearer: Any, make_article: Any
) -> None:
    draft = make_article(published=False)
    body = {**article_body(), "published": True}
    response = client.patch(f"/api/v1/articles/{draft.id}", json=body, headers=bearer("writer"))
    assert response.status_code == 200
    assert response.get_json()["status"] == "published"
    assert response.get_json()["published_at"]
    assert client.get(f"/api/v1/articles/{draft.id}", headers=bearer("reader")).status_code == 200
    refused = client.patch(f"/api/v1/articles/{draft.id}", json=body, headers=bearer("reader"))
    assert refused.status_code == 403
